#include "apply/image_value_fit.h"

#include <cmath>

#include "rules/literal_types.h"

namespace csm::apply {
namespace {

// Follows a parse through the image's top level: which element (array) or key (object) the
// parser is in when it fails, and the text of the token it failed on.
class TopLevelLocator : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override { return Open(true); }
  bool key(string_t& name) override {
    if (depth_ == 1) key_ = name;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string& token,
                   const nlohmann::detail::exception&) override {
    failed_ = true;
    token_ = token;
    return false;
  }

  // The column the parser failed in, or "" when it did not fail inside a top-level value.
  std::string FailedColumn(const std::vector<std::string>& columns) const {
    if (!failed_ || depth_ < 1) return "";
    if (object_) return key_;
    return index_ < columns.size() ? columns[index_] : "";
  }
  const std::string& token() const { return token_; }

 private:
  bool Value() {
    if (depth_ == 1) ++index_;
    return true;
  }
  bool Open(bool object) {
    if (depth_ == 0) object_ = object;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return Value();
  }

  int depth_ = 0;
  size_t index_ = 0;
  bool object_ = false;
  std::string key_;
  bool failed_ = false;
  std::string token_;
};

}  // namespace

std::optional<UnreadableValue> FindUnreadableValue(const std::string& image,
                                                   const std::vector<std::string>& columns) {
  TopLevelLocator locator;
  if (nlohmann::json::sax_parse(image, &locator, nlohmann::json::input_format_t::json, false)) {
    return std::nullopt;
  }
  const std::string column = locator.FailedColumn(columns);
  if (column.empty()) return std::nullopt;
  return UnreadableValue{column, locator.token()};
}

std::string ImageValueMisfit(const nlohmann::json& value, const db::ColumnInfo& column) {
  if (value.is_null()) return "";
  const std::string holds = ", as " + column.name + " (" + column.declared_type + ") holds";
  if (value.is_array() || value.is_object()) return "is not a single value" + holds;
  switch (rules::ClassOf(column.declared_type)) {
    case rules::ColumnClass::kInteger: {
      const rules::IntegerRange range = rules::IntegerRangeOf(column.declared_type);
      const bool whole = value.is_number_integer();
      const __int128 n = value.is_number_unsigned()
                             ? static_cast<__int128>(value.get<uint64_t>())
                             : static_cast<__int128>(whole ? value.get<int64_t>() : 0);
      if (whole && n >= range.min && n <= range.max) return "";
      return "is not a whole number from " + rules::DecimalText(range.min) + " to " +
             rules::DecimalText(range.max) + holds;
    }
    case rules::ColumnClass::kDecimal:
      if (value.is_number() && std::isfinite(value.get<double>())) return "";
      return "is not a finite number" + holds;
    case rules::ColumnClass::kBoolean:
      if (value.is_boolean() || (value.is_number_integer() && (value == 0 || value == 1))) {
        return "";
      }
      return "is not true or false" + holds;
    case rules::ColumnClass::kText:
      if (value.is_string()) return "";
      return "is not text" + holds;
    case rules::ColumnClass::kDateTime:
      if (value.is_string()) return "";
      return "is not a date and time written as text" + holds;
    case rules::ColumnClass::kOther:
      break;
  }
  return "";
}

}  // namespace csm::apply
