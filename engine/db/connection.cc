#include "db/connection.h"

namespace csm::db {

const ColumnInfo* TableSchema::Find(const std::string& column) const {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

std::vector<std::string> TableSchema::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns) names.push_back(c.name);
  return names;
}

Status RefreshStatistics(Connection& conn, const std::string& table) {
  const std::string sql = conn.dialect().RefreshStatistics(table);
  if (sql.empty()) return Status::Ok();
  return conn.Execute(sql, {}).status();
}

Result<int64_t> QueryInt(Connection& conn, const std::string& sql, const std::vector<Value>& params,
                         int64_t if_null) {
  CSM_ASSIGN_OR_RETURN(QueryResult result, conn.Query(sql, params));
  if (result.rows.empty() || result.rows[0].empty() || IsNull(result.rows[0][0])) return if_null;
  if (const auto* i = std::get_if<int64_t>(&result.rows[0][0])) return *i;
  if (const auto* d = std::get_if<double>(&result.rows[0][0])) return static_cast<int64_t>(*d);
  return static_cast<int64_t>(std::stoll(std::get<std::string>(result.rows[0][0])));
}

}  // namespace csm::db
