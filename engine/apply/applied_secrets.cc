#include "apply/applied_secrets.h"

#include "crypto/secret_cipher.h"
#include "db/engine_tables.h"
#include "rules/secret_masks.h"

namespace csm::apply {

Result<SecretComparison> CompareAppliedSecrets(db::Connection& conn, const rules::RuleSet& rules,
                                               const rules::RunParameters& params, int64_t run_id,
                                               const std::optional<SecretEncryption>& encryption) {
  const std::set<std::string> secrets = rules::SecretNames(rules);
  const db::Dialect& d = conn.dialect();
  SecretComparison comparison;
  for (const rules::DetailColumns& columns : rules::DetailTables(rules)) {
    const auto map = params.maps.find(columns.map);
    if (map == params.maps.end()) continue;
    const std::string sql =
        "SELECT t." + d.Quote(columns.value_column) + " FROM " + d.Quote(columns.table) +
        " t JOIN " + db::kJournalTable +
        " j ON j.row_id = t.id WHERE j.run_id = ? AND j.table_name = ? AND j.op = 'I' AND " +
        d.Equals("t." + d.Quote(columns.key_column), "?", true);
    for (const auto& [key, given] : map->second) {
      if (!rules::IsSecretName(secrets, key)) continue;
      CSM_ASSIGN_OR_RETURN(db::QueryResult stored, conn.Query(sql, {run_id, columns.table, key}));
      if (stored.rows.empty() || db::IsNull(stored.rows[0][0])) {
        comparison.missing.push_back(key);
        continue;
      }
      const std::string value = db::ToDisplay(stored.rows[0][0]);
      bool same = value == given;
      if (!same && encryption) {
        auto plain = crypto::DecryptAnyVersion(encryption->password, value);
        same = plain.ok() && plain->second == given;
      }
      if (!same) comparison.differing.push_back(key);
    }
  }
  return comparison;
}

}  // namespace csm::apply
