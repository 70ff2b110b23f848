#include "catalog/retire_verdict.h"

namespace csm::catalog {

std::string RetireVerdict::HeldBy() const {
  std::string text;
  for (const auto& [table, count] : held_by) {
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + table + " rows";
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
    sql.Add("SELECT a.store_id, COUNT(*) FROM " + table.name + " a WHERE ");
    AppendLive(sql, conn.dialect(), table, "a");
    sql.Add(" AND COALESCE(a.ref_cnt, 0) <> 0");
    AppendIdFilter(sql, "a.store_id", staging_stores);
    sql.Add(" GROUP BY a.store_id");
    CSM_ASSIGN_OR_RETURN(auto counts, conn.Query(sql.text, sql.params));
    for (const auto& row : counts.rows) {
      const auto it = by_store.find(db::AsInteger(row[0]).value_or(0));
      if (it != by_store.end()) it->second->held_by[table.name] = db::AsInteger(row[1]).value_or(0);
    }
  }
  return verdicts;
}

}  // namespace csm::catalog
