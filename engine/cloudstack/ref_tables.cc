#include "cloudstack/ref_tables.h"

namespace csm::cloudstack {

using db::Statement;

Result<std::vector<RefTable>> DescribeRefTables(db::Connection& conn) {
  std::vector<RefTable> tables = {{"template_store_ref", "template_id", true},
                                  {"snapshot_store_ref", "snapshot_id", false},
                                  {"volume_store_ref", "volume_id", true}};
  CSM_ASSIGN_OR_RETURN(auto snapshots, conn.DescribeTable("snapshot_store_ref"));
  tables[1].has_download_state = snapshots.Find("download_state") != nullptr;
  return tables;
}

void AppendLive(Statement& sql, const db::Dialect& d, const RefTable& table,
                const std::string& alias) {
  if (table.name == "snapshot_store_ref") {
    sql.Append("NOT (" + d.Equals(alias + ".state", "?", true) + ")").Param("Destroyed");
    sql.Append(" AND (" + alias + ".store_role IS NULL OR NOT (" +
               d.Equals(alias + ".store_role", "?", true) + "))")
        .Param("Primary");
  } else {
    sql.Append("COALESCE(" + alias + ".destroyed, 0) = 0");
  }
}

void AppendStoreRole(Statement& sql, const db::Dialect& d, const std::string& alias,
                     const std::string& role) {
  sql.Append(alias + ".removed IS NULL AND " + d.Equals(alias + ".role", "?", true)).Param(role);
}

void AppendIdFilter(Statement& sql, const std::string& column, const std::vector<int64_t>& ids) {
  if (ids.empty()) return;
  sql.Append(" AND " + column + " IN (");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) sql.Append(", ");
    sql.Bind(ids[i]);
  }
  sql.Append(")");
}

void AppendPlaceholderExists(Statement& sql, const db::Dialect& d, const RefTable& table,
                             const std::string& alias) {
  sql.Append("EXISTS (SELECT 1 FROM " + table.name +
             " ph JOIN image_store phs ON phs.id = " + "ph.store_id WHERE ph." +
             table.object_column + " = " + alias + "." + table.object_column + " AND ");
  AppendStoreRole(sql, d, "phs", "Image");
  sql.Append(" AND phs.data_center_id IS NULL AND ph.install_path IS NULL AND ");
  AppendLive(sql, d, table, "ph");
  sql.Append(")");
}

}  // namespace csm::cloudstack
