#include "reconcile/row_checks.h"

#include <array>
#include <utility>

#include "common/printable_text.h"
namespace csm::reconcile {

using cloudstack::AppendIdFilter;
using cloudstack::AppendLive;
using cloudstack::AppendPlaceholderExists;
using cloudstack::AppendStoreRole;
using cloudstack::RefTable;
using db::Statement;
namespace {

// The common head of a row finding: id, object, store, state, install_path in columns 0-4.
Finding RowFinding(FindingKind kind, const RefTable& table, const db::Row& row) {
  Finding f;
  f.kind = kind;
  f.table = table.name;
  f.row_id = db::AsInteger(row[0]).value_or(0);
  f.object_id = db::AsInteger(row[1]).value_or(0);
  f.store_id = db::AsInteger(row[2]).value_or(0);
  f.state = db::TextOrEmpty(row[3]);
  f.key = db::TextOrEmpty(row[4]);
  return f;
}

// `ref_cnt` as the guard of a repair compares it: a number as written (MySQL gives an unsigned
// count above 2^63-1 as its decimal text, which must stay a number to match the row), any other
// value as the dialect's literal.
std::string RefCountGuard(const db::Dialect& dialect, const db::Value& ref_cnt) {
  const auto* text = std::get_if<std::string>(&ref_cnt);
  const bool digits = text != nullptr && !text->empty() &&
                      text->find_first_not_of("0123456789") == std::string::npos;
  return digits ? *text : dialect.Literal(ref_cnt);
}

std::string RefCountRepair(const db::Dialect& dialect, const RefTable& table, int64_t id,
                           const db::Value& ref_cnt, int64_t new_count, const std::string& now) {
  return "UPDATE " + table.name + " SET ref_cnt = " + std::to_string(new_count) +
         ", last_updated = '" + now + "' WHERE id = " + std::to_string(id) +
         " AND ref_cnt = " + RefCountGuard(dialect, ref_cnt) + ";";
}

// The state each download_state CloudStack defines implies (cloudstack.md §1), as a CASE over
// bound names compared case-sensitively, as Java's Enum.valueOf does; NULL for a value CloudStack
// does not define.
void AppendExpectedState(Statement& sql, const db::Dialect& d, const std::string& column) {
  static const std::array<std::pair<const char*, const char*>, 13> kPairs = {{
      {"DOWNLOADED", "Ready"},
      {"CREATING", "Creating2"},
      {"DOWNLOAD_IN_PROGRESS", "Creating2"},
      {"UPLOAD_IN_PROGRESS", "Creating2"},
      {"DOWNLOAD_ERROR", "Failed"},
      {"UPLOAD_ERROR", "Failed"},
      {"ABANDONED", "Destroyed"},
      {"UNKNOWN", "Allocated"},
      {"NOT_DOWNLOADED", "Allocated"},
      {"UPLOADED", "Allocated"},
      {"NOT_UPLOADED", "Allocated"},
      {"CREATED", "Allocated"},
      {"BYPASSED", "Allocated"},
  }};
  sql.Append("CASE");
  for (const auto& [download_state, state] : kPairs) {
    sql.Append(" WHEN " + d.Equals(column, "?", true) + " THEN ")
        .Param(std::string(download_state))
        .Bind(std::string(state));
  }
  sql.Append(" ELSE NULL END");
}

}  // namespace

Status CheckPins(db::Connection& conn, const std::vector<RefTable>& tables,
                 const std::vector<int64_t>& stores, const std::string& now,
                 const std::function<void(const Finding&)>& emit) {
  const auto& d = conn.dialect();
  for (const auto& table : tables) {
    const std::string& obj = table.object_column;
    // Impossible counts, on any live row of an image store.
    Statement impossible;
    impossible.Append("SELECT a.id, a." + obj +
                      ", a.store_id, a.state, a.install_path, a.ref_cnt, " + "CASE WHEN ");
    AppendPlaceholderExists(impossible, d, table, "a");
    impossible.Append(" THEN 1 ELSE 0 END, st.role FROM " + table.name +
                      " a JOIN image_store st ON st.id = a.store_id WHERE st.removed IS NULL AND ");
    AppendLive(impossible, d, table, "a");
    impossible.Append(" AND (a.ref_cnt < 0 OR a.ref_cnt > " +
                      std::to_string(cloudstack::kMaxSaneRefCount) + ")");
    AppendIdFilter(impossible, "a.store_id", stores);
    impossible.Append(" ORDER BY a.id");
    CSM_RETURN_IF_ERROR(
        conn.ForEachRow(impossible.text, impossible.Values(), [&](const db::Row& row) {
          Finding f = RowFinding(FindingKind::kPinAnomaly, table, row);
          const bool depended_on =
              db::AsInteger(row[6]).value_or(0) == 1 && db::TextOrEmpty(row[7]) == "ImageCache";
          f.detail =
              "ref_cnt " + db::TextOrEmpty(row[5]) +
              " is impossible: an unsigned counter decremented below zero (a known CloudStack "
              "bug); it should be " +
              (depended_on ? "1 (a placeholder still depends on this row)" : "0");
          f.repair = RefCountRepair(d, table, f.row_id, row[5], depended_on ? 1 : 0, now);
          emit(f);
          return true;
        }));

    // Pins on staging rows that no placeholder needs any more.
    Statement stale;
    stale.Append("SELECT a.id, a." + obj +
                 ", a.store_id, a.state, a.install_path, a.ref_cnt FROM " + table.name +
                 " a JOIN image_store st ON st.id = a.store_id WHERE ");
    AppendStoreRole(stale, d, "st", "ImageCache");
    stale.Append(" AND ");
    AppendLive(stale, d, table, "a");
    stale.Append(" AND a.ref_cnt > 0 AND a.ref_cnt <= " +
                 std::to_string(cloudstack::kMaxSaneRefCount) + " AND NOT ");
    AppendPlaceholderExists(stale, d, table, "a");
    AppendIdFilter(stale, "a.store_id", stores);
    stale.Append(" ORDER BY a.id");
    CSM_RETURN_IF_ERROR(conn.ForEachRow(stale.text, stale.Values(), [&](const db::Row& row) {
      Finding f = RowFinding(FindingKind::kPinAnomaly, table, row);
      f.detail = "ref_cnt " + db::TextOrEmpty(row[5]) + " but no placeholder of this " +
                 std::string(ObjectTypeOf(table.name)) +
                 " is left: the pin keeps this staging store from being retired";
      f.repair = RefCountRepair(d, table, f.row_id, row[5], 0, now);
      emit(f);
      return true;
    }));
  }
  return Status::Ok();
}

Status CheckStatePairs(db::Connection& conn, const std::vector<RefTable>& tables,
                       const std::vector<int64_t>& stores,
                       const std::function<void(const Finding&)>& emit) {
  const auto& d = conn.dialect();
  for (const auto& table : tables) {
    if (!table.has_download_state) continue;
    Statement sql;
    sql.Append(
        "SELECT x.id, x.object_id, x.store_id, x.state, x.install_path, x.download_state, "
        "x.expected FROM (SELECT a.id, a." +
        table.object_column +
        " AS object_id, a.store_id, a.state, a.install_path, a.download_state, ");
    AppendExpectedState(sql, d, "a.download_state");
    sql.Append(" AS expected FROM " + table.name +
               " a JOIN image_store st ON st.id = a.store_id WHERE st.removed IS NULL AND ");
    AppendLive(sql, d, table, "a");
    sql.Append(" AND a.download_state IS NOT NULL");
    AppendIdFilter(sql, "a.store_id", stores);
    sql.Append(") x WHERE x.expected IS NULL OR x.state IS NULL OR NOT (" +
               d.Equals("x.state", "x.expected", true) + ") ORDER BY x.id");
    CSM_RETURN_IF_ERROR(conn.ForEachRow(sql.text, sql.Values(), [&](const db::Row& row) {
      Finding f = RowFinding(FindingKind::kStateMismatch, table, row);
      const std::string download_state = db::TextOrEmpty(row[5]);
      const std::string state = f.state.empty() ? std::string("NULL") : f.state;
      if (db::IsNull(row[6])) {
        f.detail = "download_state \"" + download_state +
                   "\" is not one CloudStack defines, so no state goes with it (state " + state +
                   ")";
        f.repair = "-- state_mismatch: " + table.name + " #" + std::to_string(f.row_id) + ": " +
                   PrintableText(f.detail) + ".\n-- No repair is guessed: find out what wrote it.";
        emit(f);
        return true;
      }
      const std::string expected = db::TextOrEmpty(row[6]);
      f.detail =
          "download_state " + download_state + " goes with state " + expected + ", not " + state;
      f.repair = "-- review: download_state " + PrintableText(download_state) + " implies state " +
                 expected + "; if the download state is right:\n-- UPDATE " + table.name +
                 " SET state = " + d.Literal(expected) + " WHERE id = " + std::to_string(f.row_id) +
                 ";";
      emit(f);
      return true;
    }));
  }
  return Status::Ok();
}

}  // namespace csm::reconcile
