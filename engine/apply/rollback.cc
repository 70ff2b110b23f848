#include "apply/rollback.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "apply/ledger.h"
#include "apply/run_lock.h"
#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "rules/rule_compiler.h"
#include "rules/rule_validator.h"

namespace csm::apply {
namespace {

constexpr size_t kIdsShown = 20;

// "template_store_ref ids 4, 5, 9 (changed since the run)".
std::string Describe(const std::string& table, const std::vector<int64_t>& ids,
                     const std::string& why) {
  std::string text = table + (ids.size() == 1 ? " id " : " ids ");
  for (size_t i = 0; i < ids.size() && i < kIdsShown; ++i) {
    text += (i > 0 ? ", " : "") + std::to_string(ids[i]);
  }
  if (ids.size() > kIdsShown) text += " and " + std::to_string(ids.size() - kIdsShown) + " more";
  return text + " (" + why + ")";
}

Result<std::vector<int64_t>> Ids(db::Connection& conn, const std::string& sql,
                                 const std::vector<db::Value>& params) {
  CSM_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query(sql, params));
  std::vector<int64_t> ids;
  for (const auto& row : r.rows) ids.push_back(std::get<int64_t>(row[0]));
  return ids;
}

class Restorer {
 public:
  Restorer(db::Connection& conn, int64_t run_id) : conn_(conn), run_id_(run_id) {}

  // The tables the run journaled, in the order their first change was made.
  Result<std::vector<std::string>> Tables() {
    CSM_ASSIGN_OR_RETURN(db::QueryResult r,
                         conn_.Query(std::string("SELECT table_name, MIN(step_no) AS first FROM ") +
                                         db::kJournalTable +
                                         " WHERE run_id = ? GROUP BY table_name ORDER BY first, "
                                         "table_name",
                                     {run_id_}));
    std::vector<std::string> tables;
    for (const auto& row : r.rows) tables.push_back(std::get<std::string>(row[0]));
    return tables;
  }

  // Rows of `table` the run wrote that no longer match its after-image (or re-appeared).
  // `columns` are the columns its images hold; `digest_form` is the form of the after-image
  // digests the journal holds (Dialect::DigestForm), or "" for runs that stored the images
  // themselves.
  // `mask` is the one the run digested the table's rows with (apply/journal.h).
  Result<std::vector<int64_t>> Changed(const std::string& table,
                                       const std::vector<std::string>& columns,
                                       const std::string& digest_form, const db::DigestMask& mask) {
    const db::Dialect& d = conn_.dialect();
    const std::string now_image = digest_form.empty()
                                      ? d.RowImage("t", columns)
                                      : d.RowDigestOfForm(digest_form, "t", columns, mask);
    if (now_image.empty()) {
      return Status(ErrorCode::kConflict,
                    "run " + std::to_string(run_id_) + " recorded after-images as '" + digest_form +
                        "', which this csmigrate cannot compute on " + d.name() +
                        ": roll it back with the csmigrate version that applied it");
    }
    // An inserted row's digest is in its journal row when no later step wrote it, else (and in
    // runs made before that) in the after table.
    const std::string after_image = "COALESCE(j.after_image, a.after_image)";
    const std::string sql =
        std::string("SELECT j.row_id FROM ") + db::kJournalTable + " j LEFT JOIN " +
        db::kAfterTable +
        " a ON a.run_id = j.run_id AND a.table_name = j.table_name AND a.row_id = j.row_id "
        "LEFT JOIN " +
        d.Quote(table) + " t ON t.id = j.row_id WHERE j.run_id = ? AND j.table_name = ? AND " +
        "((j.op <> 'D' AND (t.id IS NULL OR " + d.DistinctFrom(now_image, after_image, true) +
        ")) OR (j.op = 'D' AND t.id IS NOT NULL)) ORDER BY j.row_id";
    return Ids(conn_, sql, {run_id_, table});
  }

  // Undoes the run's changes to `table`, whose images hold `columns`; `op` is 'I', 'U' or 'D'.
  // Returns the rows affected.
  Result<int64_t> Undo(const std::string& table, const std::vector<std::string>& columns, char op) {
    const db::Dialect& d = conn_.dialect();
    const std::string t = d.Quote(table);
    const std::string journaled = std::string("SELECT row_id FROM ") + db::kJournalTable +
                                  " WHERE run_id = ? AND table_name = ? AND op = ?";
    const std::vector<db::Value> params = {run_id_, table, std::string(1, op)};
    if (op == 'I') {
      return conn_.Execute("DELETE FROM " + t + " WHERE id IN (" + journaled + ")", params);
    }
    if (op == 'U') {
      return conn_.Execute(d.UpdateFromImages(table, columns, db::kJournalTable, "j",
                                              "j.run_id = ? AND j.table_name = ? AND j.op = ?"),
                           params);
    }
    // A row with a deleted row's id can only exist if something wrote it since: that is a
    // conflict, and under --force the journal's version wins.
    CSM_RETURN_IF_ERROR(
        conn_.Execute("DELETE FROM " + t + " WHERE id IN (" + journaled + ")", params).status());
    return conn_.Execute(d.InsertFromImages(table, columns, db::kJournalTable, "j",
                                            "j.run_id = ? AND j.table_name = ? AND j.op = ?"),
                         params);
  }

 private:
  db::Connection& conn_;
  int64_t run_id_;
};

}  // namespace

Result<RollbackOutcome> Rollback(db::Connection& conn, const rules::RuleSet& rules, int64_t run_id,
                                 bool force) {
  CSM_ASSIGN_OR_RETURN(bool engine_tables, db::EngineTablesExist(conn));
  if (!engine_tables) {
    return Status(ErrorCode::kNotFound, "csmigrate has never applied anything to this database");
  }
  // DDL, outside the transaction: a journal an earlier csmigrate wrote is brought up to date.
  CSM_RETURN_IF_ERROR(db::EnsureEngineTables(conn));
  CSM_ASSIGN_OR_RETURN(RunRecord record, GetRun(conn, run_id));
  if (record.state == kStateRolledBack) {
    RollbackOutcome outcome;
    outcome.run_id = run_id;
    outcome.already_rolled_back = true;
    outcome.rolled_back_at = record.rolled_back_at;
    return outcome;  // as a repeated apply: said, nothing to do
  }
  if (record.state != kStateApplied) {
    return Status(ErrorCode::kConflict, "run " + std::to_string(run_id) + " is " + record.state +
                                            "; there is nothing to undo");
  }
  CSM_ASSIGN_OR_RETURN(rules::Catalog catalog, rules::LoadCatalog(rules, conn));
  CSM_RETURN_IF_ERROR(rules::ValidateRules(rules, catalog));
  const rules::CompiledPlan plan = rules::Compile(rules, catalog, conn.dialect(), {});

  CSM_ASSIGN_OR_RETURN(RunLock lock, RunLock::Acquire(conn));
  CSM_RETURN_IF_ERROR(conn.Begin());
  auto abort = [&](Status s) -> Status {
    if (Status r = conn.Rollback(); !r.ok()) spdlog::warn("rollback failed: {}", r.message());
    return s;
  };

  Restorer restorer(conn, run_id);
  auto tables = restorer.Tables();
  if (!tables.ok()) return abort(tables.status());
  // The columns each table's images hold, as recorded with the run (older runs: the live ones).
  const auto result = nlohmann::json::parse(record.result_json, nullptr, false);
  std::map<std::string, std::vector<std::string>> columns;
  // Updated rows' images may hold only the columns the run wrote (runs that record them).
  std::map<std::string, std::vector<std::string>> update_columns;
  const std::string digest_form = result.is_object() ? result.value("after_images", "") : "";
  std::vector<std::string> conflicts;
  for (const auto& table : *tables) {
    if (result.is_object() && result.contains("image_columns") &&
        result["image_columns"].contains(table)) {
      columns[table] = result["image_columns"][table].get<std::vector<std::string>>();
    } else {
      auto schema = conn.DescribeTable(table);
      if (!schema.ok()) return abort(schema.status());
      columns[table] = schema->ColumnNames();
    }
    update_columns[table] = columns[table];
    if (result.is_object() && result.contains("update_columns") &&
        result["update_columns"].contains(table)) {
      update_columns[table] = result["update_columns"][table].get<std::vector<std::string>>();
    }
    db::DigestMask mask;  // runs that record none masked nothing
    if (result.is_object() && result.contains("digest_masks") &&
        result["digest_masks"].is_object() && result["digest_masks"].contains(table)) {
      const auto& recorded = result["digest_masks"][table];
      if (!recorded.is_object() || !recorded.contains("keys") || !recorded["keys"].is_array()) {
        return abort(Status(ErrorCode::kConflict, "run " + std::to_string(run_id) +
                                                      " recorded a damaged digest mask for " +
                                                      table + "; its rollback cannot check it"));
      }
      mask = {recorded.value("key_column", ""), recorded.value("value_column", ""),
              recorded["keys"].get<std::vector<std::string>>()};
    }
    auto changed = restorer.Changed(table, columns[table], digest_form, mask);
    if (!changed.ok()) return abort(changed.status());
    if (!changed->empty()) {
      conflicts.push_back(Describe(table, *changed, "changed since run " + std::to_string(run_id)));
    }
  }
  for (const auto& [guard, sql] : plan.guard_checks) {
    auto params = rules::ResolveParams(sql, {}, run_id);
    if (!params.ok()) return abort(params.status());
    auto ids = Ids(conn, sql.text, *params);
    if (!ids.ok()) return abort(ids.status());
    if (!ids->empty()) {
      conflicts.push_back(
          Describe(guard->table, *ids,
                   "written since, pointing at " + guard->references + " rows this run inserted"));
    }
  }
  RollbackOutcome outcome;
  outcome.run_id = run_id;
  if (!conflicts.empty() && !force) {
    std::string message = "run " + std::to_string(run_id) +
                          " cannot be rolled back exactly; CloudStack has changed rows since: ";
    for (size_t i = 0; i < conflicts.size(); ++i) message += (i > 0 ? "; " : "") + conflicts[i];
    return abort(Status(ErrorCode::kConflict,
                        message + ". Review them; --force restores the journal's rows anyway"));
  }
  outcome.overridden = conflicts;

  // Inserted rows go first, newest table first (children before the store they point at); then
  // updated rows are restored and deleted rows re-inserted.
  for (auto it = tables->rbegin(); it != tables->rend(); ++it) {
    auto n = restorer.Undo(*it, columns[*it], 'I');
    if (!n.ok()) return abort(n.status());
    outcome.restored[*it].inserted = *n;
  }
  for (const auto& table : *tables) {
    auto updated = restorer.Undo(table, update_columns[table], 'U');
    if (!updated.ok()) return abort(updated.status());
    outcome.restored[table].updated = *updated;
    auto deleted = restorer.Undo(table, columns[table], 'D');
    if (!deleted.ok()) return abort(deleted.status());
    outcome.restored[table].deleted = *deleted;
  }
  if (Status s = MarkRolledBack(conn, run_id); !s.ok()) return abort(s);
  CSM_RETURN_IF_ERROR(conn.Commit());
  CSM_RETURN_IF_ERROR(lock.Release());
  return outcome;
}

}  // namespace csm::apply
