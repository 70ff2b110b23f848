#include "rules/literal_types.h"

#include <algorithm>
#include <regex>

#include "common/text.h"

namespace csm::rules {
namespace {

enum class ColumnClass { kInteger, kDecimal, kBoolean, kText, kDateTime, kOther };

// The class of a declared type as SQLite, MariaDB and PostgreSQL report them ("VARCHAR(255)",
// "bigint(20) unsigned", "character varying(255)", "timestamp without time zone", "boolean").
ColumnClass Classify(const std::string& declared_type) {
  const std::string t = ToLower(declared_type);
  auto has = [&](const char* word) { return t.find(word) != std::string::npos; };
  if (has("bool")) return ColumnClass::kBoolean;
  if (has("int")) return ColumnClass::kInteger;  // tinyint, smallint, bigint, integer
  if (has("char") || has("text") || has("clob")) return ColumnClass::kText;
  if (has("date") || has("time")) return ColumnClass::kDateTime;
  if (has("dec") || has("numeric") || has("real") || has("double") || has("float")) {
    return ColumnClass::kDecimal;
  }
  return ColumnClass::kOther;
}

// The N of varchar(N) / char(N); 0 when the type has none.
size_t Width(const std::string& declared_type) {
  static const std::regex kWidth(R"(char[a-z ]*\((\d+)\))", std::regex::icase);
  std::smatch m;
  return std::regex_search(declared_type, m, kWidth) ? std::stoul(m[1]) : 0;
}

size_t Utf8Characters(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsNumber(const std::string& text) {
  static const std::regex kNumber(R"([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)");
  return std::regex_match(text, kNumber);
}

bool IsDateTime(const std::string& text) {
  static const std::regex kDateTime(R"(\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?)");
  return std::regex_match(text, kDateTime);
}

}  // namespace

Status CheckLiteral(const Operand& op, const std::string& table, const db::ColumnInfo& column,
                    LiteralUse use) {
  const ColumnClass cls = Classify(column.declared_type);
  const std::string target = table + "." + column.name + " (" + column.declared_type + ")";
  auto refuse = [&](const std::string& literal, const std::string& why) {
    return Status(ErrorCode::kInvalidRules,
                  op.where.ToString() + ": " + literal + " " +
                      (use == LiteralUse::kStored ? "stored into " : "compared with ") + target +
                      ": " + why);
  };
  switch (op.kind) {
    case Operand::Kind::kNull:
      if (use == LiteralUse::kStored && column.not_null) {
        return refuse("null", "the column is NOT NULL");
      }
      return Status::Ok();
    case Operand::Kind::kAdd:
      if (cls != ColumnClass::kInteger && cls != ColumnClass::kDecimal &&
          cls != ColumnClass::kOther) {
        return refuse("{add: " + db::ToDisplay(op.literal) + "}", "the column is not a number");
      }
      return Status::Ok();
    case Operand::Kind::kLiteral:
      break;
    default:
      return Status::Ok();
  }
  if (const auto* number = std::get_if<int64_t>(&op.literal)) {
    const std::string literal = "the whole number " + std::to_string(*number);
    if (cls == ColumnClass::kText) {
      return refuse(literal, "the column holds text; quote the number ('" +
                                 std::to_string(*number) + "') if the text is meant");
    }
    if (cls == ColumnClass::kDateTime) return refuse(literal, "the column holds a date and time");
    if (*number < 0 && ToLower(column.declared_type).find("unsigned") != std::string::npos) {
      return refuse(literal, "the column is unsigned");
    }
    return Status::Ok();
  }
  const auto* text = std::get_if<std::string>(&op.literal);
  if (text == nullptr) return Status::Ok();
  const std::string literal = "the text '" + *text + "'";
  switch (cls) {
    case ColumnClass::kInteger:
    case ColumnClass::kDecimal:
      if (!IsNumber(*text)) {
        const bool boolean = ToLower(*text) == "true" || ToLower(*text) == "false";
        return refuse(literal, std::string("the column holds numbers") +
                                   (boolean ? " (write 1 or 0 for true or false)" : ""));
      }
      break;
    case ColumnClass::kBoolean:
      if (!IsNumber(*text) && ToLower(*text) != "true" && ToLower(*text) != "false") {
        return refuse(literal, "the column holds true or false");
      }
      break;
    case ColumnClass::kDateTime:
      if (!IsDateTime(*text)) {
        return refuse(literal, "the column holds a date and time, written YYYY-MM-DD HH:MM:SS");
      }
      break;
    case ColumnClass::kText: {
      const size_t width = Width(column.declared_type);
      if (width > 0 && Utf8Characters(*text) > width) {
        return refuse(literal, "the text has " + std::to_string(Utf8Characters(*text)) +
                                   " characters, more than the column's " + std::to_string(width));
      }
      break;
    }
    case ColumnClass::kOther:
      break;
  }
  return Status::Ok();
}

}  // namespace csm::rules
