#include "db/dialect.h"

#include "common/printable_text.h"
#include "db/value.h"

namespace csm::db {

std::string Dialect::Literal(const Value& value) const {
  if (const auto* text = std::get_if<std::string>(&value)) return TextLiteral(*text);
  return ToDisplay(value);
}

bool Dialect::IsPrintable(std::string_view text) {
  return PrintableText(text) == text;
}

std::string Dialect::SingleQuoted(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

std::string Dialect::HexDigits(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(text.size() * 2);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xF];
  }
  return hex;
}

std::string Dialect::DigestedColumn(const std::string& alias, const std::string& column,
                                    const DigestMask& mask) const {
  const std::string plain = alias + "." + Quote(column);
  if (mask.keys.empty() || column != mask.value_column) return plain;
  std::string keys;
  for (const auto& key : mask.keys) keys += (keys.empty() ? "" : ", ") + ToSqlLiteral(key);
  return "(CASE WHEN " + alias + "." + Quote(mask.key_column) + " IN (" + keys +
         ") THEN NULL ELSE " + plain + " END)";
}

std::string Dialect::InsertFromImages(const std::string& table,
                                      const std::vector<std::string>& columns,
                                      const std::string& journal_table,
                                      const std::string& journal_alias,
                                      const std::string& journal_where) const {
  std::string targets, values;
  for (size_t i = 0; i < columns.size(); ++i) {
    targets += (i > 0 ? ", " : "") + Quote(columns[i]);
    values += (i > 0 ? ", " : "") + FromImage(journal_alias + ".before_image", columns, i);
  }
  return "INSERT INTO " + Quote(table) + " (" + targets + ") SELECT " + values + " FROM " +
         journal_table + " " + journal_alias + " WHERE " + journal_where + " ORDER BY " +
         journal_alias + ".row_id";
}

}  // namespace csm::db
