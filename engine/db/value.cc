#include "db/value.h"

#include <charconv>
#include <sstream>

#include "common/printable_text.h"

namespace csm::db {

std::optional<int64_t> AsInteger(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), value);
    if (ec == std::errc() && end == s->data() + s->size()) return value;
  }
  return std::nullopt;
}

std::string TextOrEmpty(const Value& v) {
  return IsNull(v) ? std::string() : ToDisplay(v);
}

std::string ToDisplay(const Value& v) {
  if (IsNull(v)) return "NULL";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    std::ostringstream out;
    out << *d;
    return out.str();
  }
  return std::get<std::string>(v);
}

std::string ToSqlLiteral(const Value& v) {
  const auto* s = std::get_if<std::string>(&v);
  if (s == nullptr) return ToDisplay(v);
  if (PrintableText(*s) == *s && s->find('\\') == std::string::npos) {
    std::string quoted = "'";
    for (char c : *s) {
      quoted += c;
      if (c == '\'') quoted += '\'';
    }
    return quoted + "'";
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex = "X'";
  for (char c : *s) {
    hex += kDigits[static_cast<unsigned char>(c) >> 4];
    hex += kDigits[static_cast<unsigned char>(c) & 0xF];
  }
  return hex + "'";
}

}  // namespace csm::db
