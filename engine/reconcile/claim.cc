#include "reconcile/claim.h"

namespace csm::reconcile {

Status ForEachClaim(db::Connection& conn, int64_t store_id,
                    const std::function<Status(const Claim&)>& on_claim) {
  const auto& d = conn.dialect();
  // The role and state names are bound, and compared case-sensitively as CloudStack does.
  const std::string destroyed_state = d.Equals("state", "?", true);
  const std::string primary_role = d.Equals("store_role", "?", true);
  const std::string sql =
      "SELECT c.tbl, c.id, c.object_id, c.install_path, c.physical_size, c.state FROM ("
      "SELECT 'template_store_ref' AS tbl, id, template_id AS object_id, install_path, "
      "physical_size, state FROM template_store_ref WHERE store_id = ? AND "
      "COALESCE(destroyed, 0) = 0 AND install_path IS NOT NULL AND install_path <> '' "
      "UNION ALL "
      "SELECT 'snapshot_store_ref', id, snapshot_id, install_path, physical_size, state "
      "FROM snapshot_store_ref WHERE store_id = ? AND NOT (" +
      destroyed_state + ") AND (store_role IS NULL OR NOT (" + primary_role +
      ")) AND install_path IS NOT NULL AND install_path <> '' "
      "UNION ALL "
      "SELECT 'volume_store_ref', id, volume_id, install_path, physical_size, state "
      "FROM volume_store_ref WHERE store_id = ? AND COALESCE(destroyed, 0) = 0 AND "
      "install_path IS NOT NULL AND install_path <> '') c "
      "ORDER BY " +
      d.ByteOrder("c.install_path") + ", c.tbl, c.id";
  Status failure;
  Claim claim;
  auto status = conn.ForEachRow(
      sql, {store_id, store_id, std::string("Destroyed"), std::string("Primary"), store_id},
      [&](const db::Row& row) {
        claim.table = std::get<std::string>(row[0]);
        claim.row_id = db::AsInteger(row[1]).value_or(0);
        claim.object_id = db::AsInteger(row[2]).value_or(0);
        claim.key = db::ToDisplay(row[3]);
        claim.physical_size = db::AsInteger(row[4]);
        claim.impossible_size.clear();
        if ((claim.physical_size && *claim.physical_size < 0) ||
            (!claim.physical_size && !db::IsNull(row[4]))) {
          claim.physical_size.reset();
          claim.impossible_size = db::ToDisplay(row[4]);
        }
        claim.state = db::TextOrEmpty(row[5]);
        failure = on_claim(claim);
        return failure.ok();
      });
  CSM_RETURN_IF_ERROR(status);
  return failure;
}

}  // namespace csm::reconcile
