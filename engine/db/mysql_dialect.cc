#include "db/mysql_dialect.h"

namespace csm::db {

std::string MysqlDialect::Quote(const std::string& name) const {
  std::string quoted = "`";
  for (char c : name) {
    quoted += c;
    if (c == '`') quoted += '`';
  }
  return quoted + "`";
}

// BINARY makes text comparisons exact (CloudStack's utf8 collations ignore case). It costs the
// index on `lhs`, which only matters for ids and other integer columns, compared plainly.
std::string MysqlDialect::RowDigest(const std::string& alias,
                                    const std::vector<std::string>& columns) const {
  return "MD5(" + RowImage(alias, columns) + ")";
}

std::string MysqlDialect::ByteOrder(const std::string& expr) const {
  return "CAST(" + expr + " AS BINARY)";
}

std::string MysqlDialect::Equals(const std::string& lhs, const std::string& rhs, bool text) const {
  return std::string(text ? "BINARY " : "") + lhs + " = " + rhs;
}

std::string MysqlDialect::DistinctFrom(const std::string& lhs, const std::string& rhs,
                                       bool text) const {
  return "NOT (" + std::string(text ? "BINARY " : "") + lhs + " <=> " + rhs + ")";
}

std::string MysqlDialect::RowImage(const std::string& alias,
                                   const std::vector<std::string>& columns) const {
  std::string expr = "JSON_ARRAY(";
  for (size_t i = 0; i < columns.size(); ++i) {
    expr += (i > 0 ? ", " : "") + alias + "." + Quote(columns[i]);
  }
  return expr + ")";
}

// JSON_UNQUOTE of a JSON null is the text 'null', so nulls are told apart first.
std::string MysqlDialect::FromImage(const std::string& image_expr, const std::vector<std::string>&,
                                    size_t index) const {
  const std::string value = "JSON_EXTRACT(" + image_expr + ", '$[" + std::to_string(index) + "]')";
  return "(CASE WHEN JSON_TYPE(" + value + ") = 'NULL' THEN NULL ELSE JSON_UNQUOTE(" + value +
         ") END)";
}

std::string MysqlDialect::UpdateFromImages(const std::string& table,
                                           const std::vector<std::string>& columns,
                                           const std::string& journal_table,
                                           const std::string& journal_alias,
                                           const std::string& journal_where) const {
  std::string sql = "UPDATE " + Quote(table) + " JOIN " + journal_table + " AS " + journal_alias +
                    " ON " + journal_alias + ".row_id = " + Quote(table) + ".id SET ";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += Quote(table) + "." + Quote(columns[i]) + " = " +
           FromImage(journal_alias + ".before_image", columns, i);
  }
  return sql + " WHERE " + journal_where;
}

}  // namespace csm::db
