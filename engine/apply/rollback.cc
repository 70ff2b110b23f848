#include "apply/rollback.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "apply/image_value_fit.h"
#include "apply/ledger.h"
#include "apply/run_lock.h"
#include "apply/run_result.h"
#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "db/transaction.h"
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

// `json_text` cut to 40 bytes (and "..."), for a message; JSON-escaped text has no control
// characters and, ASCII only, no character to cut in half.
std::string Shortened(const std::string& json_text) {
  constexpr size_t kShown = 40;
  return json_text.size() > kShown ? json_text.substr(0, kShown) + "..." : json_text;
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

  // Rows of `table` the run inserted or updated that no longer match their after-image.
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
        "j.op <> 'D' AND (t.id IS NULL OR " + d.DistinctFrom(now_image, after_image, true) +
        ") ORDER BY j.row_id";
    return Ids(conn_, sql, {run_id_, table});
  }

  // Ids of rows of `table` the run deleted that a row written since now carries: restoring the
  // deleted row would overwrite that one.
  Result<std::vector<int64_t>> Reused(const std::string& table) {
    return Ids(conn_,
               std::string("SELECT j.row_id FROM ") + db::kJournalTable + " j JOIN " +
                   conn_.dialect().Quote(table) +
                   " t ON t.id = j.row_id WHERE j.run_id = ? AND j.table_name = ? AND j.op = 'D' "
                   "ORDER BY j.row_id",
               {run_id_, table});
  }

  // The ids of rows of `table` the run inserted that hold another row now: their `created` is
  // later than `run_started_at`. CloudStack sets a row's `created` when it inserts it and no update
  // changes it (GenericDao), and a row the run inserted was created at the run's start or copied an
  // earlier time; so the run's row was deleted since and its id taken (MySQL before 8.0 and
  // MariaDB before 10.2.4 hand out the highest id again after a restart). Rows the run updated are
  // left out: they were created before the run, by clocks csmigrate cannot compare with its own.
  Result<std::vector<int64_t>> Replaced(const std::string& table,
                                        const std::string& run_started_at) {
    return Ids(conn_,
               std::string("SELECT j.row_id FROM ") + db::kJournalTable + " j JOIN " +
                   conn_.dialect().Quote(table) +
                   " t ON t.id = j.row_id WHERE j.run_id = ? AND j.table_name = ? AND j.op = 'I' "
                   "AND t.created > ? ORDER BY j.row_id",
               {run_id_, table, run_started_at});
  }

  // The journal's rows of the run per table and op, as TableChanges; kDatabase on an op that is
  // none of I, U, D.
  Result<std::map<std::string, TableChanges>> Counts() {
    CSM_ASSIGN_OR_RETURN(
        db::QueryResult r,
        conn_.Query(std::string("SELECT table_name, op, COUNT(*) FROM ") + db::kJournalTable +
                        " WHERE run_id = ? GROUP BY table_name, op",
                    {run_id_}));
    std::map<std::string, TableChanges> counts;
    for (const auto& row : r.rows) {
      const std::string table = db::ToDisplay(row[0]), op = db::ToDisplay(row[1]);
      const int64_t n = db::AsInteger(row[2]).value_or(0);
      if (op == "I") {
        counts[table].inserted = n;
      } else if (op == "U") {
        counts[table].updated = n;
      } else if (op == "D") {
        counts[table].deleted = n;
      } else {
        return DamagedRecord(run_id_, "csm_journal.op",
                             "is '" + op + "' for " + std::to_string(n) + " rows of " + table +
                                 " (expected I, U or D)");
      }
    }
    return counts;
  }

  // Fails (kDatabase) naming the first journal rows of `table` with op `op` whose before-image
  // is not a whole image of `columns`: restoring them would set the missing columns to NULL.
  Status CheckImagesComplete(const std::string& table, const std::vector<std::string>& columns,
                             char op) {
    const std::string image = "j.before_image";
    CSM_ASSIGN_OR_RETURN(
        db::QueryResult r,
        conn_.Query(std::string("SELECT j.row_id, j.before_image FROM ") + db::kJournalTable +
                        " j WHERE j.run_id = ? AND j.table_name = ? AND j.op = ? AND (" + image +
                        " IS NULL OR " + conn_.dialect().ImageIsIncomplete(image, columns) +
                        ") ORDER BY j.row_id",
                    {run_id_, table, std::string(1, op)}));
    if (r.rows.empty()) return Status::Ok();
    const db::Row& first = r.rows[0];
    const std::string row = table + " row " + db::ToDisplay(first[0]);
    const auto parsed = nlohmann::json::parse(db::TextOrEmpty(first[1]), nullptr, false);
    std::string missing;
    for (size_t i = 0; i < columns.size(); ++i) {
      const bool present = parsed.is_array()    ? i < parsed.size()
                           : parsed.is_object() ? parsed.contains(columns[i])
                                                : false;
      if (!present) missing += (missing.empty() ? "" : ", ") + columns[i];
    }
    std::string what = "holds a before-image of " + row;
    if (db::IsNull(first[1]) || parsed.is_discarded()) {
      what += " that is missing or does not parse";
    } else if (!missing.empty()) {
      what += " that lacks column(s) " + missing + " (restoring it would set them to NULL)";
    } else {
      what += " with more values than the " + std::to_string(columns.size()) +
              " columns the run recorded";
    }
    if (r.rows.size() > 1) what += ", and " + std::to_string(r.rows.size() - 1) + " more like it";
    return DamagedRecord(run_id_, "csm_journal.before_image", what);
  }

  // Fails (kDatabase) naming the first journal row of `table` with op `op` whose before-image
  // holds a value that does not fit its live column (apply/image_value_fit.h): restoring it would
  // write Inf, a float or JSON text where CloudStack keeps a count, a size or a name. The value is
  // shown (JSON-escaped, shortened) unless `table` may hold secrets (`secrets`). Run after
  // CheckImagesComplete.
  Status CheckImageValues(const std::string& table, const std::vector<std::string>& columns,
                          char op, const db::TableSchema& live, bool secrets) {
    Status misfit = Status::Ok();
    CSM_RETURN_IF_ERROR(conn_.ForEachRow(
        std::string("SELECT row_id, before_image FROM ") + db::kJournalTable +
            " WHERE run_id = ? AND table_name = ? AND op = ? ORDER BY row_id",
        {run_id_, table, std::string(1, op)}, [&](const db::Row& row) {
          const std::string text = db::TextOrEmpty(row[1]);
          const auto image = nlohmann::json::parse(text, nullptr, false);
          const std::string of =
              "holds a before-image of " + table + " row " + db::ToDisplay(row[0]) + " whose ";
          const std::string why = " (restoring it would write a value of another kind)";
          if (image.is_discarded()) {
            // The database reads it (CheckImagesComplete), csmigrate cannot: e.g. 1e400.
            const auto unreadable = FindUnreadableValue(text, columns);
            misfit = DamagedRecord(
                run_id_, "csm_journal.before_image",
                of +
                    (unreadable ? unreadable->column + " " +
                                      (secrets ? "" : Shortened(unreadable->text) + " ") +
                                      "is not a number csmigrate reads (past what a double holds)"
                                : std::string("values do not parse as JSON")) +
                    why);
            return false;
          }
          for (size_t i = 0; i < columns.size(); ++i) {
            const db::ColumnInfo* column = live.Find(columns[i]);
            const bool present = image.is_array()    ? i < image.size()
                                 : image.is_object() ? image.contains(columns[i])
                                                     : false;
            if (column == nullptr || !present) continue;  // CheckImagesComplete's to refuse
            const nlohmann::json& value = image.is_array() ? image.at(i) : image.at(columns[i]);
            const std::string problem = ImageValueMisfit(value, *column);
            if (problem.empty()) continue;
            const std::string shown =
                Shortened(value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
            misfit =
                DamagedRecord(run_id_, "csm_journal.before_image",
                              of + columns[i] + " " + (secrets ? "" : shown + " ") + problem + why);
            return false;
          }
          return true;
        }));
    return misfit;
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
    // Rows that took a deleted row's id since were refused before (Assess), even under --force.
    return conn_.Execute(d.InsertFromImages(table, columns, db::kJournalTable, "j",
                                            "j.run_id = ? AND j.table_name = ? AND j.op = ?"),
                         params);
  }

 private:
  db::Connection& conn_;
  int64_t run_id_;
};

// What rollback found, before it changes anything: the columns each table's images hold and
// the conflicts with what CloudStack wrote since.
struct Assessment {
  std::vector<std::string> tables;  // in the order of their first change
  std::map<std::string, std::vector<std::string>> columns, update_columns;
  std::vector<std::string> conflicts;  // rows changed since; --force restores over them
  // Ids of rows the run deleted, or inserted and that were deleted since, taken by another row:
  // always refused.
  std::vector<std::string> reused;
};

// Compares run `run_id`'s record `result` (its rollback guards given; it started at
// `run_started_at`) and journal with the live tables. Read-only. Fails (kDatabase) when
// csmigrate's own record of the run is damaged.
Result<Assessment> Assess(db::Connection& conn, int64_t run_id, const std::string& run_started_at,
                          const RunResult& result, const std::vector<RecordedGuard>& guards) {
  Restorer restorer(conn, run_id);
  Assessment a;
  CSM_ASSIGN_OR_RETURN(a.tables, restorer.Tables());
  CSM_ASSIGN_OR_RETURN(auto counts, restorer.Counts());
  for (const auto& [table, journaled] : counts) {
    const TableChanges recorded =
        result.tables.count(table) > 0 ? result.tables.at(table) : TableChanges{};
    if (journaled.inserted != recorded.inserted || journaled.updated != recorded.updated ||
        journaled.deleted != recorded.deleted) {
      auto n = [](const TableChanges& c) {
        return std::to_string(c.inserted) + " inserted, " + std::to_string(c.updated) +
               " updated, " + std::to_string(c.deleted) + " deleted";
      };
      return DamagedRecord(run_id, "csm_journal",
                           "holds " + n(journaled) + " rows of " + table +
                               " where csm_run.result_json records " + n(recorded));
    }
  }
  for (const auto& [table, recorded] : result.tables) {
    const bool changed = recorded.inserted + recorded.updated + recorded.deleted > 0;
    if (changed && counts.count(table) == 0) {
      return DamagedRecord(
          run_id, "csm_journal",
          "holds no rows of " + table + ", which csm_run.result_json records the run changed");
    }
  }
  for (const auto& table : a.tables) {
    if (result.image_columns) {
      if (result.image_columns->count(table) == 0) {
        return DamagedRecord(
            run_id, "csm_run.result_json",
            "lists no image columns for " + table + ", whose rows the run's journal holds");
      }
      a.columns[table] = result.image_columns->at(table);
    } else {
      CSM_ASSIGN_OR_RETURN(db::TableSchema schema, conn.DescribeTable(table));
      a.columns[table] = schema.ColumnNames();
    }
    a.update_columns[table] =
        result.update_columns.count(table) > 0 ? result.update_columns.at(table) : a.columns[table];
    CSM_RETURN_IF_ERROR(restorer.CheckImagesComplete(table, a.update_columns[table], 'U'));
    CSM_RETURN_IF_ERROR(restorer.CheckImagesComplete(table, a.columns[table], 'D'));
    CSM_ASSIGN_OR_RETURN(db::TableSchema live, conn.DescribeTable(table));
    const bool secrets = result.digest_masks.count(table) > 0;
    CSM_RETURN_IF_ERROR(
        restorer.CheckImageValues(table, a.update_columns[table], 'U', live, secrets));
    CSM_RETURN_IF_ERROR(restorer.CheckImageValues(table, a.columns[table], 'D', live, secrets));
    CSM_ASSIGN_OR_RETURN(auto reused, restorer.Reused(table));
    if (!reused.empty()) {
      a.reused.push_back(Describe(table, reused,
                                  "deleted by run " + std::to_string(run_id) +
                                      "; a row written since has its id, and restoring the "
                                      "deleted row would overwrite it"));
    }
    const auto& columns = a.columns[table];
    if (std::find(columns.begin(), columns.end(), "created") != columns.end()) {
      CSM_ASSIGN_OR_RETURN(auto replaced, restorer.Replaced(table, run_started_at));
      if (!replaced.empty()) {
        a.reused.push_back(Describe(
            table, replaced,
            "inserted by run " + std::to_string(run_id) +
                ", now created later than the run started (" + run_started_at +
                "): the run's row was deleted since and another took its id, which rolling back "
                "would delete or overwrite"));
      }
    }
    const auto mask = result.digest_masks.find(table);
    CSM_ASSIGN_OR_RETURN(
        auto changed,
        restorer.Changed(table, a.columns[table], result.after_images,
                         mask == result.digest_masks.end() ? db::DigestMask{} : mask->second));
    if (!changed.empty()) {
      a.conflicts.push_back(
          Describe(table, changed, "changed since run " + std::to_string(run_id)));
    }
  }
  for (const auto& guard : guards) {
    if (guard.optional) {
      CSM_ASSIGN_OR_RETURN(db::TableSchema schema, conn.DescribeTable(guard.table));
      if (!schema.exists()) continue;  // a table dropped since holds no row pointing anywhere
    }
    CSM_ASSIGN_OR_RETURN(auto ids, Ids(conn, guard.sql, guard.params));
    if (!ids.empty()) {
      a.conflicts.push_back(
          Describe(guard.table, ids,
                   "written since, pointing at " + guard.references + " rows this run inserted"));
    }
  }
  return a;
}

// The rollback guards of run `run_id`: those its record holds, or for a run recorded without them,
// those of the rule file `rules_for_older_run` gives, compiled for the database as it is now.
Result<std::vector<RecordedGuard>> GuardsOf(db::Connection& conn, int64_t run_id,
                                            const RunResult& result,
                                            const RulesForOlderRun& rules_for_older_run) {
  if (result.rollback_guards) return *result.rollback_guards;
  const std::string older = "run " + std::to_string(run_id) +
                            " was applied by an earlier csmigrate, whose record of it lacks its "
                            "rollback guards, so they are read from the rule file (--rules: give "
                            "the one the run applied)";
  auto rules = rules_for_older_run();
  if (!rules.ok()) return rules.status().WithContext(older);
  CSM_ASSIGN_OR_RETURN(rules::Catalog catalog, rules::LoadCatalog(*rules, conn));
  const Status valid = rules::ValidateRules(*rules, catalog);
  if (!valid.ok()) return valid.WithContext(older);
  const rules::CompiledPlan plan = rules::Compile(*rules, catalog, conn.dialect(), {});
  return RecordGuards(plan, {}, run_id);
}

// The refusal `a` calls for: rows that took a deleted row's id always, other conflicts unless
// `force`.
Status Refusal(const Assessment& a, int64_t run_id, bool force) {
  auto join = [](const std::vector<std::string>& parts) {
    std::string text;
    for (size_t i = 0; i < parts.size(); ++i) text += (i > 0 ? "; " : "") + parts[i];
    return text;
  };
  if (!a.reused.empty()) {
    return Status(ErrorCode::kConflict,
                  "run " + std::to_string(run_id) +
                      " cannot be rolled back, not even with --force: " + join(a.reused) +
                      ". Nothing was changed. Find out what that row is; only when it may go, "
                      "delete it and roll back again");
  }
  if (!a.conflicts.empty() && !force) {
    return Status(ErrorCode::kConflict,
                  "run " + std::to_string(run_id) +
                      " cannot be rolled back exactly; CloudStack has changed rows since: " +
                      join(a.conflicts) +
                      ". Review them; --force restores the journal's rows anyway");
  }
  return Status::Ok();
}

}  // namespace

Result<RollbackOutcome> Rollback(db::Connection& conn, int64_t run_id, bool force,
                                 const RulesForOlderRun& rules_for_older_run,
                                 std::chrono::seconds lock_wait) {
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
  CSM_ASSIGN_OR_RETURN(const RunResult result, ParseRunResult(run_id, record.result_json));
  CSM_ASSIGN_OR_RETURN(const std::vector<RecordedGuard> guards,
                       GuardsOf(conn, run_id, result, rules_for_older_run));

  // Every refusal is decided here, before the lock and the first write, so that a refused
  // rollback leaves the database as it was, byte for byte; the same checks are repeated under the
  // lock, for what another client may have written in between.
  CSM_ASSIGN_OR_RETURN(Assessment first, Assess(conn, run_id, record.started_at, result, guards));
  CSM_RETURN_IF_ERROR(Refusal(first, run_id, force));

  CSM_ASSIGN_OR_RETURN(RunLock lock, RunLock::Acquire(conn, lock_wait));
  CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
  CSM_ASSIGN_OR_RETURN(const Assessment a, Assess(conn, run_id, record.started_at, result, guards));
  CSM_RETURN_IF_ERROR(Refusal(a, run_id, force));

  RollbackOutcome outcome;
  outcome.run_id = run_id;
  outcome.overridden = a.conflicts;
  Restorer restorer(conn, run_id);
  // Inserted rows go first, newest table first (children before the store they point at); then
  // updated rows are restored and deleted rows re-inserted.
  for (auto it = a.tables.rbegin(); it != a.tables.rend(); ++it) {
    CSM_ASSIGN_OR_RETURN(outcome.restored[*it].inserted,
                         restorer.Undo(*it, a.columns.at(*it), 'I'));
  }
  for (const auto& table : a.tables) {
    CSM_ASSIGN_OR_RETURN(outcome.restored[table].updated,
                         restorer.Undo(table, a.update_columns.at(table), 'U'));
    CSM_ASSIGN_OR_RETURN(outcome.restored[table].deleted,
                         restorer.Undo(table, a.columns.at(table), 'D'));
  }
  CSM_RETURN_IF_ERROR(MarkRolledBack(conn, run_id));
  CSM_RETURN_IF_ERROR(transaction.Commit());
  CSM_RETURN_IF_ERROR(lock.Release());
  return outcome;
}

}  // namespace csm::apply
