#include "db/dialect.h"

namespace csm::db {

std::string Dialect::InsertFromImages(const std::string& table,
                                      const std::vector<std::string>& columns,
                                      const std::string& journal_table,
                                      const std::string& journal_alias,
                                      const std::string& journal_where) const {
  std::string targets, values;
  for (const auto& c : columns) {
    targets += (targets.empty() ? "" : ", ") + Quote(c);
    values += (values.empty() ? "" : ", ") + FromImage(journal_alias + ".before_image", c);
  }
  return "INSERT INTO " + Quote(table) + " (" + targets + ") SELECT " + values + " FROM " +
         journal_table + " " + journal_alias + " WHERE " + journal_where + " ORDER BY " +
         journal_alias + ".row_id";
}

}  // namespace csm::db
