#include "db/dialect.h"

namespace csm::db {

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
