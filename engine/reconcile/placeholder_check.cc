#include "reconcile/placeholder_check.h"

#include <algorithm>
#include <optional>

namespace csm::reconcile {

using cloudstack::AppendIdFilter;
using cloudstack::AppendLive;
using cloudstack::AppendStoreRole;
using cloudstack::RefTable;
using db::Statement;
namespace {

struct StagingRow {
  int64_t id = 0;
  int64_t store_id = 0;
  int64_t ref_cnt = 0;
  std::string state;
  std::string install_path;
};

struct PlaceholderGroup {
  Finding placeholder;  // kind, detail and key decided by Classify
  std::vector<StagingRow> staging;
};

std::string RowName(const StagingRow& s) {
  return "staging row #" + std::to_string(s.id) + " on store " + std::to_string(s.store_id);
}

void Classify(const RefTable& table, const StagingEvidence& evidence, PlaceholderGroup& group) {
  Finding& f = group.placeholder;
  const std::string object = std::string(ObjectTypeOf(table.name));
  f.kind = FindingKind::kPlaceholderBroken;
  if (group.staging.empty()) {
    f.detail = "no live row for this " + object +
               " on any staging (ImageCache) store: the content it stands for is gone";
    return;
  }
  std::vector<const StagingRow*> pinned;
  for (const auto& s : group.staging) {
    if (s.ref_cnt >= 1 && s.ref_cnt <= cloudstack::kMaxSaneRefCount) pinned.push_back(&s);
  }
  if (pinned.empty()) {
    const auto& s = group.staging.front();
    f.key = s.install_path;
    f.detail = RowName(s) + " has ref_cnt " + std::to_string(s.ref_cnt) +
               ": nothing pins the only copy, and the staging cleaner may delete it";
    return;
  }
  std::vector<const StagingRow*> ready;
  for (const auto* s : pinned) {
    if (s->state == "Ready" || f.state != "Ready") ready.push_back(s);
  }
  if (ready.empty()) {
    f.key = pinned.front()->install_path;
    f.detail = RowName(*pinned.front()) + " is pinned but in state " + pinned.front()->state +
               ", not Ready: the placeholder claims content that is not there";
    return;
  }
  const StagingRow* present = nullptr;
  for (const auto* s : ready) {
    if (!evidence.IsMissing(table.name, s->id)) {
      present = s;
      break;
    }
  }
  if (present == nullptr) {
    f.key = ready.front()->install_path;
    f.detail = "the file of " + RowName(*ready.front()) +
               " is missing from its store: the content this placeholder stands for is lost";
    return;
  }
  f.kind = FindingKind::kPlaceholderPending;
  f.key = present->install_path;
  f.detail = "content still on " + RowName(*present) + " (ref_cnt " +
             std::to_string(present->ref_cnt) + ")";
  if (evidence.listed_stores.count(present->store_id) == 0) {
    f.detail += "; that store was not listed, so its file was not checked";
  }
}

}  // namespace

bool StagingEvidence::IsMissing(const std::string& table, int64_t id) const {
  const auto rows = missing_rows.find(table);
  return rows != missing_rows.end() &&
         std::binary_search(rows->second.begin(), rows->second.end(), id);
}

Status CheckPlaceholders(db::Connection& conn, const std::vector<RefTable>& tables,
                         const std::vector<int64_t>& stores, const StagingEvidence& evidence,
                         const std::function<void(const Finding&)>& emit) {
  const auto& d = conn.dialect();
  for (const auto& table : tables) {
    const std::string& obj = table.object_column;
    Statement sql;
    sql.Append("SELECT p.id, p." + obj + ", p.store_id, p.state, s.id, s.store_id, s.ref_cnt, " +
               "s.state, s.install_path FROM " + table.name +
               " p JOIN image_store ps ON ps.id = " + "p.store_id LEFT JOIN (SELECT st.id, st." +
               obj + ", st.store_id, st.ref_cnt, " + "st.state, st.install_path FROM " +
               table.name + " st JOIN image_store sts ON sts.id = st.store_id WHERE ");
    AppendStoreRole(sql, d, "sts", "ImageCache");
    sql.Append(" AND ");
    AppendLive(sql, d, table, "st");
    sql.Append(") s ON s." + obj + " = p." + obj + " WHERE ");
    AppendStoreRole(sql, d, "ps", "Image");
    sql.Append(" AND ps.data_center_id IS NULL AND p.install_path IS NULL AND ");
    AppendLive(sql, d, table, "p");
    AppendIdFilter(sql, "p.store_id", stores);
    sql.Append(" ORDER BY p.id, s.id");

    std::optional<PlaceholderGroup> group;
    auto flush = [&] {
      if (!group) return;
      Classify(table, evidence, *group);
      emit(group->placeholder);
      group.reset();
    };
    CSM_RETURN_IF_ERROR(conn.ForEachRow(sql.text, sql.Values(), [&](const db::Row& row) {
      const int64_t id = db::AsInteger(row[0]).value_or(0);
      if (!group || group->placeholder.row_id != id) {
        flush();
        group.emplace();
        Finding& f = group->placeholder;
        f.table = table.name;
        f.row_id = id;
        f.object_id = db::AsInteger(row[1]).value_or(0);
        f.store_id = db::AsInteger(row[2]).value_or(0);
        f.state = db::TextOrEmpty(row[3]);
      }
      if (!db::IsNull(row[4])) {
        StagingRow s;
        s.id = db::AsInteger(row[4]).value_or(0);
        s.store_id = db::AsInteger(row[5]).value_or(0);
        s.ref_cnt = db::AsInteger(row[6]).value_or(0);
        s.state = db::TextOrEmpty(row[7]);
        s.install_path = db::TextOrEmpty(row[8]);
        group->staging.push_back(std::move(s));
      }
      return true;
    }));
    flush();
  }
  return Status::Ok();
}

}  // namespace csm::reconcile
