#include "push/settle.h"

#include <cassert>

namespace csm::push {
namespace {

const catalog::RefTable& TableOf(const std::vector<catalog::RefTable>& tables, ObjectKind kind) {
  const char* name = kind == ObjectKind::kTemplate   ? "template_store_ref"
                     : kind == ObjectKind::kSnapshot ? "snapshot_store_ref"
                                                     : "volume_store_ref";
  for (const auto& t : tables) {
    if (t.name == name) return t;
  }
  assert(false && "store_ref table missing from the catalog");
  return tables.front();
}

Result<int64_t> FillPlaceholder(db::Connection& conn, const catalog::RefTable& table,
                                const PushItem& item, const UploadOutcome& upload) {
  catalog::Statement sql;
  sql.Add("UPDATE " + table.name + " SET install_path = ").Bind(upload.key);
  if (table.has_download_state) {
    sql.Add(", download_state = ").Bind(std::string("DOWNLOADED"));
    sql.Add(", download_pct = ").Bind(int64_t{100});
  }
  sql.Add(", state = ").Bind(std::string("Ready"));
  sql.Add(", physical_size = ").Bind(upload.size);
  sql.Add(", size = COALESCE(size, ").Bind(item.virtual_size.value_or(upload.size)).Add(")");
  sql.Add(" WHERE id = ").Bind(item.placeholder_id).Add(" AND install_path IS NULL");
  return conn.Execute(sql.text, sql.params);
}

Status Unpin(db::Connection& conn, const catalog::RefTable& table, int64_t staging_id,
             const std::string& now) {
  catalog::Statement sql;
  sql.Add("UPDATE " + table.name +
          " SET ref_cnt = CASE WHEN ref_cnt > 0 THEN ref_cnt - 1 ELSE 0 END, last_updated = ")
      .Bind(now)
      .Add(" WHERE id = ")
      .Bind(staging_id);
  return conn.Execute(sql.text, sql.params).status();
}

}  // namespace

Result<SettleOutcome> Settle(db::Connection& conn, const std::vector<catalog::RefTable>& tables,
                             const PushUnit& unit, const std::vector<UploadOutcome>& uploads,
                             const std::string& now) {
  assert(uploads.size() == unit.items.size());
  SettleOutcome outcome;
  CSM_RETURN_IF_ERROR(conn.Begin());
  auto work = [&]() -> Status {
    for (size_t i = 0; i < unit.items.size(); ++i) {
      const PushItem& item = unit.items[i];
      assert(item.staging_id && "a unit without a staging copy cannot have been uploaded");
      const auto& table = TableOf(tables, item.kind);
      CSM_ASSIGN_OR_RETURN(int64_t filled, FillPlaceholder(conn, table, item, uploads[i]));
      if (filled == 0) {
        ++outcome.already_filled;
        continue;
      }
      ++outcome.filled;
      CSM_RETURN_IF_ERROR(Unpin(conn, table, *item.staging_id, now));
    }
    return Status::Ok();
  };
  const Status status = work();
  if (!status.ok()) {
    const Status rolled_back = conn.Rollback();
    (void)rolled_back;  // the first error is the one to report
    return status;
  }
  CSM_RETURN_IF_ERROR(conn.Commit());
  return outcome;
}

}  // namespace csm::push
