// A database value as the engine moves it around: NULL, a 64-bit integer, a double or text.
// Every backend maps its column types onto these four (MySQL an unsigned integer above 2^63-1 onto
// its decimal text, kept exact).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace csm::db {

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

inline bool IsNull(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

// The value as an integer: integers as they are, doubles truncated, text parsed as a decimal
// integer; nullopt for NULL and for text that is not one.
std::optional<int64_t> AsInteger(const Value& v);

// The value as text (as ToDisplay), or "" for NULL.
std::string TextOrEmpty(const Value& v);

// Renders a value for humans and for diffs: NULL, integers and doubles as written, text as is.
std::string ToDisplay(const Value& v);

// Renders a value as a SQL literal that no backend reads as more than one value: printable text
// (as PrintableText shows it) holding no backslash quoted with '' doubled, any other text as a hex
// literal X'..' (exact on MySQL, where a backslash escapes; a blob or bit string elsewhere). For
// previews whose backend is not known and fixed names; Dialect::Literal is exact on its backend.
// Statements that run always bind their values.
std::string ToSqlLiteral(const Value& v);

}  // namespace csm::db
