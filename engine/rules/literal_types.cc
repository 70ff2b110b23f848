#include "rules/literal_types.h"

#include <algorithm>
#include <optional>
#include <regex>

#include "common/text.h"

namespace csm::rules {
namespace {

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

// `text` as a whole number, when it is one (an optional sign and digits) that fits 128 bits.
std::optional<__int128> WholeNumber(const std::string& text) {
  static const std::regex kWhole(R"([-+]?\d{1,38})");
  if (!std::regex_match(text, kWhole)) return std::nullopt;
  __int128 value = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') value = value * 10 + (c - '0');
  }
  return text[0] == '-' ? -value : value;
}

bool IsNumber(const std::string& text) {
  static const std::regex kNumber(R"([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)");
  return std::regex_match(text, kNumber);
}

bool IsDateTime(const std::string& text) {
  static const std::regex kDateTime(R"(\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?)");
  return std::regex_match(text, kDateTime);
}

// Ok when `value` is within the range of the integer column; else the refusal naming that range.
template <typename Refuse>
Status CheckRange(__int128 value, const std::string& literal, const db::ColumnInfo& column,
                  const Refuse& refuse) {
  const IntegerRange range = IntegerRangeOf(column.declared_type);
  if (value >= range.min && value <= range.max) return Status::Ok();
  return refuse(literal, "the column holds whole numbers from " + DecimalText(range.min) + " to " +
                             DecimalText(range.max));
}

}  // namespace

ColumnClass ClassOf(const std::string& declared_type) {
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

// MySQL outside strict mode clamps what does not fit, silently; SQLite's INTEGER holds 64 bits,
// and PostgreSQL refuses an integer out of its range itself, so "integer" is taken as 64 bits.
IntegerRange IntegerRangeOf(const std::string& declared_type) {
  const std::string t = ToLower(declared_type);
  auto has = [&](const char* word) { return t.find(word) != std::string::npos; };
  int bits = 64;
  if (has("tinyint")) {
    bits = 8;
  } else if (has("smallint") || has("int2")) {
    bits = 16;
  } else if (has("mediumint")) {
    bits = 24;
  } else if (!has("bigint") && !has("integer") && !has("int8")) {
    bits = 32;  // int, int(11), int4
  }
  const __int128 span = static_cast<__int128>(1) << bits;
  if (has("unsigned")) return {0, span - 1};
  return {-(span / 2), span / 2 - 1};
}

std::string DecimalText(__int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  for (; value != 0; value /= 10) {
    const int digit = static_cast<int>(value % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (digit < 0 ? -digit : digit)));
  }
  return negative ? "-" + digits : digits;
}

Status CheckLiteral(const Operand& op, const std::string& table, const db::ColumnInfo& column,
                    LiteralUse use) {
  const ColumnClass cls = ClassOf(column.declared_type);
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
      if (const auto* amount = std::get_if<int64_t>(&op.literal);
          amount != nullptr && cls == ColumnClass::kInteger) {
        // An amount past the column's largest value overflows whatever the row holds (a negative
        // one, down to minus that value, may decrement an unsigned column).
        const __int128 largest = IntegerRangeOf(column.declared_type).max;
        if (*amount > largest || *amount < -largest) {
          return refuse("{add: " + std::to_string(*amount) + "}",
                        "the amount is past what the column holds (whole numbers up to " +
                            DecimalText(largest) + ")");
        }
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
    if (cls == ColumnClass::kInteger) return CheckRange(*number, literal, column, refuse);
    return Status::Ok();
  }
  const auto* text = std::get_if<std::string>(&op.literal);
  if (text == nullptr) return Status::Ok();
  const std::string literal = "the text '" + *text + "'";
  switch (cls) {
    case ColumnClass::kInteger: {
      const auto whole = WholeNumber(*text);
      if (whole.has_value()) return CheckRange(*whole, literal, column, refuse);
      const bool boolean = ToLower(*text) == "true" || ToLower(*text) == "false";
      return refuse(literal, std::string("the column holds whole numbers") +
                                 (boolean ? " (write 1 or 0 for true or false)" : ""));
    }
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
