#include "push/settle.h"

#include <cassert>

#include "db/transaction.h"

namespace csm::push {
namespace {

using db::Statement;

const cloudstack::RefTable& TableOf(const std::vector<cloudstack::RefTable>& tables,
                                    ObjectKind kind) {
  const char* name = kind == ObjectKind::kTemplate   ? "template_store_ref"
                     : kind == ObjectKind::kSnapshot ? "snapshot_store_ref"
                                                     : "volume_store_ref";
  for (const auto& t : tables) {
    if (t.name == name) return t;
  }
  assert(false && "store_ref table missing from the catalog");
  return tables.front();
}

// The placeholder's columns as CloudStack's copy answer leaves them, per kind (§3).
Result<int64_t> FillPlaceholder(db::Connection& conn, const cloudstack::RefTable& table,
                                const PushItem& item, const PushedObject& pushed) {
  Statement sql;
  sql.Append("UPDATE " + table.name + " SET install_path = ").Bind(pushed.upload.key);
  sql.Append(", state = ").Bind(std::string("Ready"));
  if (table.has_download_state) {
    sql.Append(", download_state = ").Bind(std::string("DOWNLOADED"));
    sql.Append(", download_pct = ").Bind(int64_t{100});
  }
  switch (item.kind) {
    case ObjectKind::kTemplate:
      sql.Append(", size = ").Bind(pushed.virtual_size);
      sql.Append(", physical_size = ").Bind(pushed.upload.size);
      break;
    case ObjectKind::kSnapshot:
      sql.Append(", parent_snapshot_id = ").Bind(int64_t{0});
      break;
    case ObjectKind::kVolume:
      sql.Append(", size = ").Bind(pushed.upload.size);
      sql.Append(", physical_size = ").Bind(pushed.upload.size);
      break;
  }
  sql.Append(" WHERE id = ").Bind(*item.placeholder_id).Append(" AND install_path IS NULL");
  return conn.Execute(sql.text, sql.Values());
}

// The row CloudStack's template sync creates for a template it finds on the store (§5).
Result<int64_t> CreateTemplateRow(db::Connection& conn, const cloudstack::RefTable& table,
                                  const PushItem& item, const PushedObject& pushed,
                                  const std::string& now) {
  Statement sql;
  sql.Append(
         "INSERT INTO template_store_ref (store_id, template_id, created, last_updated, "
         "download_pct, size, store_role, physical_size, download_state, install_path, url, "
         "state, destroyed, is_copy, update_count, ref_cnt) SELECT ")
      .Bind(item.object_store_id)
      .Append(", t.id, ")
      .Bind(now)
      .Append(", ")
      .Bind(now)
      .Append(", ")
      .Bind(int64_t{100})
      .Append(", ")
      .Bind(pushed.virtual_size)
      .Append(", ")
      .Bind(std::string("Image"))
      .Append(", ")
      .Bind(pushed.upload.size)
      .Append(", ")
      .Bind(std::string("DOWNLOADED"))
      .Append(", ")
      .Bind(pushed.upload.key)
      .Append(", t.url, ")
      .Bind(std::string("Ready"))
      .Append(", 0, 0, 0, 0 FROM vm_template t WHERE t.id = ")
      .Bind(item.object_id)
      .Append(" AND NOT EXISTS (SELECT 1 FROM template_store_ref e WHERE e.store_id = ")
      .Bind(item.object_store_id)
      .Append(" AND e.template_id = t.id AND ");
  cloudstack::AppendLive(sql, conn.dialect(), table, "e");
  sql.Append(")");
  return conn.Execute(sql.text, sql.Values());
}

// vm_template.size = the virtual size, and format = the file's format when it is known.
Status UpdateTemplate(db::Connection& conn, const PushItem& item, const PushedObject& pushed) {
  Statement sql;
  sql.Append("UPDATE vm_template SET size = ").Bind(pushed.virtual_size);
  if (!pushed.format.empty()) sql.Append(", format = ").Bind(pushed.format);
  sql.Append(" WHERE id = ").Bind(item.object_id);
  return conn.Execute(sql.text, sql.Values()).status();
}

Status Unpin(db::Connection& conn, const cloudstack::RefTable& table, int64_t staging_id,
             const std::string& now) {
  Statement sql;
  sql.Append("UPDATE " + table.name +
             " SET ref_cnt = CASE WHEN ref_cnt > 0 THEN ref_cnt - 1 ELSE 0 END, last_updated = ")
      .Bind(now)
      .Append(" WHERE id = ")
      .Bind(staging_id);
  return conn.Execute(sql.text, sql.Values()).status();
}

}  // namespace

Result<SettleOutcome> Settle(db::Connection& conn, const std::vector<cloudstack::RefTable>& tables,
                             const PushUnit& unit, const std::vector<PushedObject>& pushed,
                             const std::string& now, const std::function<Status()>& before_commit) {
  assert(pushed.size() == unit.items.size());
  SettleOutcome outcome;
  CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
  for (size_t i = 0; i < unit.items.size(); ++i) {
    const PushItem& item = unit.items[i];
    const auto& table = TableOf(tables, item.kind);
    int64_t written = 0;
    if (item.placeholder_id) {
      CSM_ASSIGN_OR_RETURN(written, FillPlaceholder(conn, table, item, pushed[i]));
    } else {
      assert(item.kind == ObjectKind::kTemplate && "only SYSTEM templates come without a row");
      CSM_ASSIGN_OR_RETURN(written, CreateTemplateRow(conn, table, item, pushed[i], now));
    }
    if (written == 0) {
      ++outcome.already_filled;
      continue;
    }
    ++outcome.filled;
    if (item.kind == ObjectKind::kTemplate) {
      CSM_RETURN_IF_ERROR(UpdateTemplate(conn, item, pushed[i]));
    }
    if (item.pinned_id) CSM_RETURN_IF_ERROR(Unpin(conn, table, *item.pinned_id, now));
  }
  if (before_commit) CSM_RETURN_IF_ERROR(before_commit());
  CSM_RETURN_IF_ERROR(transaction.Commit());
  return outcome;
}

}  // namespace csm::push
