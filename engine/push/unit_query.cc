#include "push/unit_query.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "db/engine_tables.h"
#include "db/schema_files.h"

namespace csm::push {
namespace {

using cloudstack::AppendLive;
using cloudstack::AppendStoreRole;
using cloudstack::RefTable;
using db::Statement;

ObjectKind KindOf(const RefTable& table) {
  if (table.name == "template_store_ref") return ObjectKind::kTemplate;
  if (table.name == "snapshot_store_ref") return ObjectKind::kSnapshot;
  return ObjectKind::kVolume;
}

// The columns of a staging row `alias` every query below selects last, in this order.
std::string StagingColumns(const std::string& alias) {
  const std::string a = alias + ".";
  return a + "id, " + a + "store_id, " + a + "install_path, " + a + "physical_size, " + a +
         "size, " + a + "ref_cnt, " + a + "created, " + a + "state";
}
constexpr size_t kStagingColumnCount = 8;

// A staging row as StagingColumns selects it from `row` at `at`.
struct StagingRow {
  std::optional<int64_t> id;  // nullopt: the LEFT JOIN found none
  StagingCopy copy;
  int64_t ref_cnt = 0;
  bool ready = false;
};

StagingRow ReadStagingRow(const db::Row& row, size_t at) {
  StagingRow s;
  s.id = db::AsInteger(row[at]);
  s.copy.id = s.id.value_or(0);
  s.copy.store_id = db::AsInteger(row[at + 1]).value_or(0);
  s.copy.install_path = db::TextOrEmpty(row[at + 2]);
  s.copy.physical_size = db::AsInteger(row[at + 3]).value_or(0);
  s.copy.size = db::AsInteger(row[at + 4]);
  s.ref_cnt = db::AsInteger(row[at + 5]).value_or(0);
  s.copy.created = db::TextOrEmpty(row[at + 6]);
  s.ready = db::TextOrEmpty(row[at + 7]) == "Ready" && !s.copy.install_path.empty();
  return s;
}

// Appends "live staging rows of `table` on live ImageCache stores" as a derived table `alias`
// with StagingColumns and the object column.
void AppendStagingRows(Statement& sql, const db::Dialect& d, const RefTable& table,
                       const std::string& alias) {
  sql.Append("(SELECT " + StagingColumns("st") + ", st." + table.object_column + " FROM " +
             table.name + " st JOIN image_store sts ON sts.id = st.store_id WHERE ");
  AppendStoreRole(sql, d, "sts", "ImageCache");
  sql.Append(" AND ");
  AppendLive(sql, d, table, "st");
  sql.Append(") " + alias);
}

// One query per table: placeholder p, its object's owner, and every live staging row s of the
// same object (any state: the pin may be on a row that is not Ready).
Statement PlaceholderQuery(const db::Dialect& d, const RefTable& table, const UnitFilter& filter) {
  const std::string& obj = table.object_column;
  Statement sql;
  std::string owner_join, owner_columns;
  switch (KindOf(table)) {
    case ObjectKind::kTemplate:
      owner_join = " JOIN vm_template o ON o.id = p.template_id";
      owner_columns = "o.account_id, o.unique_name, 0, o.url";
      break;
    case ObjectKind::kSnapshot:
      owner_join = " JOIN snapshots o ON o.id = p.snapshot_id";
      owner_columns = "o.account_id, NULL, o.volume_id, NULL";
      break;
    case ObjectKind::kVolume:
      owner_join = " JOIN volumes o ON o.id = p.volume_id";
      owner_columns = "o.account_id, NULL, p.volume_id, NULL";
      break;
  }
  sql.Append("SELECT p.id, p.store_id, p." + obj + ", " + owner_columns + ", " +
             StagingColumns("s") + " FROM " + table.name +
             " p JOIN image_store ps ON ps.id = p.store_id" + owner_join + " LEFT JOIN ");
  AppendStagingRows(sql, d, table, "s");
  sql.Append(" ON s." + obj + " = p." + obj + " WHERE ");
  AppendStoreRole(sql, d, "ps", "Image");
  sql.Append(" AND ps.data_center_id IS NULL AND p.install_path IS NULL AND ");
  AppendLive(sql, d, table, "p");
  sql.Append(" AND (" + d.Equals("p.state", "?", true) +
             " OR (COALESCE(p.update_count, 0) = 0 AND p.last_updated IS NULL))")
      .Param(std::string("Ready"));
  if (filter.object_id) sql.Append(" AND p." + obj + " = ").Bind(*filter.object_id);
  if (filter.snapshot_volume_id) sql.Append(" AND o.volume_id = ").Bind(*filter.snapshot_volume_id);
  sql.Append(" ORDER BY p.id, s.id");
  return sql;
}

// Per placeholder of `table` still unfilled, the staging row its conversion run pinned: the
// source row the run's one_per step picked for the same object (csm_pick, kept with the run).
Result<std::unordered_map<int64_t, int64_t>> RecordedPins(db::Connection& conn,
                                                          const RefTable& table) {
  std::unordered_map<int64_t, int64_t> pins;
  CSM_ASSIGN_OR_RETURN(bool recorded, db::EngineTablesExist(conn));
  if (!recorded) return pins;  // never converted by csmigrate
  const std::string& obj = table.object_column;
  const std::string sql = std::string("SELECT j.row_id, pk.src_id FROM ") + db::kJournalTable +
                          " j JOIN " + db::kRunTable + " r ON r.id = j.run_id JOIN " + table.name +
                          " p ON p.id = j.row_id JOIN " + table.name + " x ON x." + obj + " = p." +
                          obj + " JOIN " + db::kPickTable +
                          " pk ON pk.run_id = j.run_id AND pk.step_no = j.step_no AND pk.src_id = "
                          "x.id WHERE j.table_name = ? AND j.op = 'I' AND r.state = 'applied' AND "
                          "p.install_path IS NULL";
  CSM_RETURN_IF_ERROR(conn.ForEachRow(sql, {table.name}, [&](const db::Row& row) {
    pins.emplace(db::AsInteger(row[0]).value_or(0), db::AsInteger(row[1]).value_or(0));
    return true;
  }));
  return pins;
}

// SYSTEM templates (not removed) with a Ready staging copy and no live row on a region object
// store, per such store, with each of their Ready staging rows.
Statement SystemTemplateQuery(const db::Dialect& d, const RefTable& table,
                              const UnitFilter& filter) {
  Statement sql;
  sql.Append("SELECT os.id, t.id, t.account_id, t.unique_name, t.url, " + StagingColumns("s") +
             " FROM vm_template t JOIN image_store os ON ");
  AppendStoreRole(sql, d, "os", "Image");
  sql.Append(" AND os.data_center_id IS NULL AND NOT (" +
             d.Equals("os.image_provider_name", "?", true) + ") JOIN ")
      .Param(std::string("NFS"));
  AppendStagingRows(sql, d, table, "s");
  sql.Append(" ON s.template_id = t.id WHERE " + d.Equals("t.type", "?", true))
      .Param(std::string("SYSTEM"));
  sql.Append(" AND t.removed IS NULL AND " + d.Equals("s.state", "?", true))
      .Param(std::string("Ready"));
  sql.Append(" AND s.install_path IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + table.name +
             " e WHERE e.store_id = os.id AND e.template_id = t.id AND ");
  AppendLive(sql, d, table, "e");
  sql.Append(")");
  if (filter.object_id) sql.Append(" AND t.id = ").Bind(*filter.object_id);
  sql.Append(" ORDER BY os.id, t.id, s.id");
  return sql;
}

// Builds items from rows that come grouped by item: Start begins the next item, Add gives it each
// of its staging rows; Take completes the last one and returns those the filter keeps.
class ItemBuilder {
 public:
  explicit ItemBuilder(const std::optional<int64_t>& staging_store)
      : staging_store_(staging_store) {}

  void Start(PushItem item, std::optional<int64_t> recorded_pin) {
    Finish();
    current_ = std::move(item);
    recorded_pin_ = recorded_pin;
  }

  void Add(const StagingRow& s) {
    if (!s.id) return;
    if (s.ready) current_->copies.push_back(s.copy);
    if (s.ref_cnt > 0 && !first_pinned_) first_pinned_ = s.copy;
    stores_[s.copy.id] = s.copy.store_id;
  }

  std::vector<PushItem> Take() {
    Finish();
    return std::move(done_);
  }

 private:
  // Completes the current item (pin, copy order, the staging store filter) and hands it over.
  void Finish() {
    if (!current_) return;
    PushItem item = std::move(*current_);
    current_.reset();
    if (recorded_pin_) {
      item.pinned_id = recorded_pin_;
    } else if (item.placeholder_id && first_pinned_) {
      item.pinned_id = first_pinned_->id;
    }
    if (item.pinned_id) {
      std::stable_partition(item.copies.begin(), item.copies.end(),
                            [&](const StagingCopy& c) { return c.id == *item.pinned_id; });
    }
    const bool keep =
        !staging_store_ ||
        std::any_of(item.copies.begin(), item.copies.end(),
                    [&](const StagingCopy& c) { return c.store_id == *staging_store_; }) ||
        (item.pinned_id && stores_.count(*item.pinned_id) > 0 &&
         stores_.at(*item.pinned_id) == *staging_store_);
    first_pinned_.reset();
    stores_.clear();
    if (keep) done_.push_back(std::move(item));
  }

  const std::optional<int64_t>& staging_store_;
  std::optional<PushItem> current_;
  std::optional<int64_t> recorded_pin_;
  std::optional<StagingCopy> first_pinned_;
  std::map<int64_t, int64_t> stores_;  // staging row id -> store id, of the current item
  std::vector<PushItem> done_;
};

// Groups items into units: snapshots of one volume together, in id order; others alone.
void AddUnits(std::vector<PushItem> items, std::vector<PushUnit>& units) {
  std::map<int64_t, std::vector<PushItem>> chains;
  for (auto& item : items) {
    if (item.kind == ObjectKind::kSnapshot) {
      chains[item.volume_id].push_back(std::move(item));
    } else {
      units.push_back(PushUnit{{std::move(item)}});
    }
  }
  for (auto& [volume, chain] : chains) {
    std::sort(chain.begin(), chain.end(),
              [](const PushItem& a, const PushItem& b) { return a.object_id < b.object_id; });
    units.push_back(PushUnit{std::move(chain)});
  }
}

Result<std::vector<PushItem>> FindPlaceholders(db::Connection& conn, const RefTable& table,
                                               const UnitFilter& filter) {
  CSM_ASSIGN_OR_RETURN(auto pins, RecordedPins(conn, table));
  const Statement sql = PlaceholderQuery(conn.dialect(), table, filter);
  ItemBuilder builder(filter.staging_store_id);
  int64_t last = 0;
  CSM_RETURN_IF_ERROR(conn.ForEachRow(sql.text, sql.Values(), [&](const db::Row& row) {
    const int64_t placeholder = db::AsInteger(row[0]).value_or(0);
    if (placeholder != last) {
      last = placeholder;
      PushItem item;
      item.kind = KindOf(table);
      item.placeholder_id = placeholder;
      item.object_store_id = db::AsInteger(row[1]).value_or(0);
      item.object_id = db::AsInteger(row[2]).value_or(0);
      item.account_id = db::AsInteger(row[3]).value_or(0);
      item.unique_name = db::TextOrEmpty(row[4]);
      item.volume_id = db::AsInteger(row[5]).value_or(0);
      item.template_url = db::TextOrEmpty(row[6]);
      const auto pin = pins.find(placeholder);
      builder.Start(std::move(item),
                    pin == pins.end() ? std::nullopt : std::optional<int64_t>(pin->second));
    }
    builder.Add(ReadStagingRow(row, 7));
    return true;
  }));
  return builder.Take();
}

Result<std::vector<PushItem>> FindSystemTemplates(db::Connection& conn, const RefTable& table,
                                                  const UnitFilter& filter) {
  const Statement sql = SystemTemplateQuery(conn.dialect(), table, filter);
  ItemBuilder builder(filter.staging_store_id);
  std::pair<int64_t, int64_t> last{0, 0};  // (object store, template)
  CSM_RETURN_IF_ERROR(conn.ForEachRow(sql.text, sql.Values(), [&](const db::Row& row) {
    const std::pair<int64_t, int64_t> key{db::AsInteger(row[0]).value_or(0),
                                          db::AsInteger(row[1]).value_or(0)};
    if (key != last) {
      last = key;
      PushItem item;
      item.kind = ObjectKind::kTemplate;
      item.object_store_id = key.first;
      item.object_id = key.second;
      item.account_id = db::AsInteger(row[2]).value_or(0);
      item.unique_name = db::TextOrEmpty(row[3]);
      item.template_url = db::TextOrEmpty(row[4]);
      builder.Start(std::move(item), std::nullopt);
    }
    builder.Add(ReadStagingRow(row, 5));
    return true;
  }));
  return builder.Take();
}

}  // namespace

Result<std::vector<PushUnit>> FindUnits(db::Connection& conn, const std::vector<RefTable>& tables,
                                        const UnitFilter& filter, UnitOrder order) {
  std::vector<PushUnit> units;
  for (const auto& table : tables) {
    const ObjectKind kind = KindOf(table);
    if (filter.kind && *filter.kind != kind) continue;
    CSM_ASSIGN_OR_RETURN(auto items, FindPlaceholders(conn, table, filter));
    AddUnits(std::move(items), units);
    if (kind == ObjectKind::kTemplate) {
      CSM_ASSIGN_OR_RETURN(auto system, FindSystemTemplates(conn, table, filter));
      AddUnits(std::move(system), units);
    }
  }
  if (order == UnitOrder::kLargestFirst) {
    std::stable_sort(units.begin(), units.end(),
                     [](const PushUnit& a, const PushUnit& b) { return a.bytes() > b.bytes(); });
  } else {
    std::stable_sort(units.begin(), units.end(), [](const PushUnit& a, const PushUnit& b) {
      return a.created() < b.created();
    });
  }
  return units;
}

}  // namespace csm::push
