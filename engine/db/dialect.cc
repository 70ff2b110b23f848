#include "db/dialect.h"

#include "db/value.h"

namespace csm::db {

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
