#include "push/unit_query.h"

#include <algorithm>
#include <map>

namespace csm::push {
namespace {

using catalog::AppendLive;
using catalog::AppendStoreRole;
using catalog::RefTable;
using catalog::Statement;

ObjectKind KindOf(const RefTable& table) {
  if (table.name == "template_store_ref") return ObjectKind::kTemplate;
  if (table.name == "snapshot_store_ref") return ObjectKind::kSnapshot;
  return ObjectKind::kVolume;
}

// One query per table: placeholder p, its object's owner, and its Ready staging rows s.
Statement UnitQuery(const db::Dialect& d, const RefTable& table, const UnitFilter& filter) {
  const std::string& obj = table.object_column;
  const ObjectKind kind = KindOf(table);
  Statement sql;
  std::string owner_join, owner_columns;
  switch (kind) {
    case ObjectKind::kTemplate:
      owner_join = " JOIN vm_template o ON o.id = p.template_id";
      owner_columns = "o.account_id, o.unique_name, 0";
      break;
    case ObjectKind::kSnapshot:
      owner_join = " JOIN snapshots o ON o.id = p.snapshot_id";
      owner_columns = "o.account_id, NULL, o.volume_id";
      break;
    case ObjectKind::kVolume:
      owner_join = " JOIN volumes o ON o.id = p.volume_id";
      owner_columns = "o.account_id, NULL, p.volume_id";
      break;
  }
  sql.Add(
      "SELECT p.id, p.store_id, p." + obj + ", " + owner_columns +
      ", s.id, s.store_id, s.install_path, s.physical_size, s.size, s.ref_cnt, s.created FROM " +
      table.name + " p JOIN image_store ps ON ps.id = p.store_id" + owner_join +
      " LEFT JOIN (SELECT st.id, st." + obj +
      ", st.store_id, st.install_path, st.physical_size, st.size, st.ref_cnt, st.created "
      "FROM " +
      table.name + " st JOIN image_store sts ON sts.id = st.store_id WHERE ");
  AppendStoreRole(sql, d, "sts", "ImageCache");
  sql.Add(" AND ");
  AppendLive(sql, d, table, "st");
  sql.Add(" AND " + d.Equals("st.state", "?", true)).params.push_back(std::string("Ready"));
  sql.Add(" AND st.install_path IS NOT NULL) s ON s." + obj + " = p." + obj + " WHERE ");
  AppendStoreRole(sql, d, "ps", "Image");
  sql.Add(" AND ps.data_center_id IS NULL AND p.install_path IS NULL AND ");
  AppendLive(sql, d, table, "p");
  sql.Add(" AND " + d.Equals("p.state", "?", true)).params.push_back(std::string("Ready"));
  if (filter.object_id) sql.Add(" AND p." + obj + " = ").Bind(*filter.object_id);
  if (filter.snapshot_volume_id) sql.Add(" AND o.volume_id = ").Bind(*filter.snapshot_volume_id);
  if (filter.staging_store_id) sql.Add(" AND s.store_id = ").Bind(*filter.staging_store_id);
  sql.Add(" ORDER BY p.id, CASE WHEN s.ref_cnt > 0 THEN 0 ELSE 1 END, s.id");
  return sql;
}

}  // namespace

Result<std::vector<PushUnit>> FindUnits(db::Connection& conn, const std::vector<RefTable>& tables,
                                        const UnitFilter& filter, UnitOrder order) {
  std::vector<PushUnit> units;
  for (const auto& table : tables) {
    const ObjectKind kind = KindOf(table);
    if (filter.kind && *filter.kind != kind) continue;
    const Statement sql = UnitQuery(conn.dialect(), table, filter);
    std::map<int64_t, std::vector<PushItem>> chains;  // snapshots per volume
    int64_t last_placeholder = 0;
    CSM_RETURN_IF_ERROR(conn.ForEachRow(sql.text, sql.params, [&](const db::Row& row) {
      const int64_t placeholder = db::AsInteger(row[0]).value_or(0);
      if (placeholder == last_placeholder) return true;  // a less preferred staging copy
      last_placeholder = placeholder;
      PushItem item;
      item.kind = kind;
      item.placeholder_id = placeholder;
      item.object_store_id = db::AsInteger(row[1]).value_or(0);
      item.object_id = db::AsInteger(row[2]).value_or(0);
      item.account_id = db::AsInteger(row[3]).value_or(0);
      item.unique_name = db::TextOrEmpty(row[4]);
      item.volume_id = db::AsInteger(row[5]).value_or(0);
      item.staging_id = db::AsInteger(row[6]);
      item.staging_store_id = db::AsInteger(row[7]).value_or(0);
      item.staging_path = db::TextOrEmpty(row[8]);
      item.staging_size = db::AsInteger(row[9]).value_or(0);
      item.virtual_size = db::AsInteger(row[10]);
      item.created = db::TextOrEmpty(row[12]);
      if (kind == ObjectKind::kSnapshot) {
        chains[item.volume_id].push_back(std::move(item));
      } else {
        units.push_back(PushUnit{{std::move(item)}});
      }
      return true;
    }));
    for (auto& [volume, items] : chains) {
      std::sort(items.begin(), items.end(),
                [](const PushItem& a, const PushItem& b) { return a.object_id < b.object_id; });
      units.push_back(PushUnit{std::move(items)});
    }
  }
  if (order == UnitOrder::kLargestFirst) {
    std::stable_sort(units.begin(), units.end(),
                     [](const PushUnit& a, const PushUnit& b) { return a.bytes() > b.bytes(); });
  } else {
    std::stable_sort(units.begin(), units.end(), [](const PushUnit& a, const PushUnit& b) {
      return a.items.front().created < b.items.front().created;
    });
  }
  return units;
}

}  // namespace csm::push
