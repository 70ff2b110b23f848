#include "cloudstack/retire_verdict.h"

#include "cloudstack/image_stores.h"

namespace csm::cloudstack {

using db::Statement;

namespace {

// The SYSTEM templates whose Ready copy on one of `staging_stores` is the only one outside
// staging, counted per store.
Statement SystemTemplatesQuery(const db::Dialect& d, const RefTable& templates,
                               const std::vector<int64_t>& staging_stores) {
  Statement sql;
  sql.Append(
         "SELECT s.store_id, COUNT(DISTINCT s.template_id) FROM template_store_ref s JOIN "
         "vm_template t ON t.id = s.template_id WHERE " +
         d.Equals("t.type", "?", true))
      .Param(std::string("SYSTEM"));
  sql.Append(" AND t.removed IS NULL AND " + d.Equals("s.state", "?", true))
      .Param(std::string("Ready"));
  sql.Append(" AND s.install_path IS NOT NULL AND ");
  AppendLive(sql, d, templates, "s");
  AppendIdFilter(sql, "s.store_id", staging_stores);
  sql.Append(
      " AND NOT EXISTS (SELECT 1 FROM template_store_ref o JOIN image_store os ON os.id = "
      "o.store_id WHERE o.template_id = s.template_id AND ");
  AppendStoreRole(sql, d, "os", "Image");
  sql.Append(" AND os.data_center_id IS NULL AND NOT (" +
             d.Equals("os.image_provider_name", "?", true) + ")")
      .Param(std::string("NFS"));
  sql.Append(" AND o.install_path IS NOT NULL AND " + d.Equals("o.state", "?", true))
      .Param(std::string("Ready"));
  sql.Append(" AND ");
  AppendLive(sql, d, templates, "o");
  sql.Append(") GROUP BY s.store_id");
  return sql;
}

}  // namespace

std::string RetireVerdict::HeldBy() const {
  std::string text;
  for (const auto& [table, count] : held_by) {
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + table + " rows";
  }
  if (!text.empty()) text += " with ref_cnt <> 0";
  if (system_templates > 0) {
    text += std::string(text.empty() ? "" : "; ") + "the only copy of " +
            std::to_string(system_templates) + " SYSTEM template" +
            (system_templates == 1 ? "" : "s") +
            " (no object store has it yet: csmigrate drain pushes it)";
  }
  return text;
}

Result<std::vector<RetireVerdict>> RetireVerdicts(db::Connection& conn,
                                                  const std::vector<RefTable>& tables,
                                                  const std::vector<int64_t>& staging_stores) {
  std::vector<RetireVerdict> verdicts;
  if (staging_stores.empty()) return verdicts;
  std::map<int64_t, RetireVerdict*> by_store;
  verdicts.resize(staging_stores.size());
  for (size_t i = 0; i < staging_stores.size(); ++i) {
    verdicts[i].store_id = staging_stores[i];
    by_store[staging_stores[i]] = &verdicts[i];
  }
  for (const auto& table : tables) {
    Statement sql;
    sql.Append("SELECT a.store_id, COUNT(*) FROM " + table.name + " a WHERE ");
    AppendLive(sql, conn.dialect(), table, "a");
    sql.Append(" AND COALESCE(a.ref_cnt, 0) <> 0");
    AppendIdFilter(sql, "a.store_id", staging_stores);
    sql.Append(" GROUP BY a.store_id");
    CSM_ASSIGN_OR_RETURN(auto counts, conn.Query(sql.text, sql.Values()));
    for (const auto& row : counts.rows) {
      const auto it = by_store.find(db::AsInteger(row[0]).value_or(0));
      if (it != by_store.end()) it->second->held_by[table.name] = db::AsInteger(row[1]).value_or(0);
    }
    if (table.name != "template_store_ref") continue;
    const Statement system = SystemTemplatesQuery(conn.dialect(), table, staging_stores);
    CSM_ASSIGN_OR_RETURN(auto counts_system, conn.Query(system.text, system.Values()));
    for (const auto& row : counts_system.rows) {
      const auto it = by_store.find(db::AsInteger(row[0]).value_or(0));
      if (it != by_store.end()) it->second->system_templates = db::AsInteger(row[1]).value_or(0);
    }
  }
  return verdicts;
}

Result<std::vector<RetireVerdict>> StagingStoreVerdicts(
    db::Connection& conn, const std::vector<RefTable>& tables, std::optional<int64_t> only,
    const std::optional<std::string>& encrypt_secret) {
  CSM_ASSIGN_OR_RETURN(const std::vector<ImageStoreRow> stores,
                       ReadImageStores(conn, {}, encrypt_secret));
  std::vector<int64_t> staging;
  for (const auto& s : stores) {
    if (s.is_staging() && (!only || *only == s.id)) staging.push_back(s.id);
  }
  return RetireVerdicts(conn, tables, staging);
}

}  // namespace csm::cloudstack
