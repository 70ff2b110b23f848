#include "apply/ledger.h"

#include "common/digest.h"
#include "db/engine_tables.h"
#include "rules/run_parameters.h"

namespace csm::apply {
namespace {

const std::string kColumns =
    "id, rules_name, rules_checksum, params_checksum, params_json, state, operator, started_at, "
    "finished_at, rolled_back_at, result_json";

RunRecord FromRow(const db::Row& r) {
  RunRecord run;
  run.id = std::get<int64_t>(r[0]);
  run.rules_name = db::TextOrEmpty(r[1]);
  run.rules_checksum = db::TextOrEmpty(r[2]);
  run.params_checksum = db::TextOrEmpty(r[3]);
  run.params_json = db::TextOrEmpty(r[4]);
  run.state = db::TextOrEmpty(r[5]);
  run.operator_name = db::TextOrEmpty(r[6]);
  run.started_at = db::TextOrEmpty(r[7]);
  run.finished_at = db::TextOrEmpty(r[8]);
  run.rolled_back_at = db::TextOrEmpty(r[9]);
  run.result_json = db::TextOrEmpty(r[10]);
  return run;
}

// Rewrites every params_checksum that is not the checksum of its row's masked parameters (rows
// older csmigrates wrote, from which a guessed secret could be confirmed) to that checksum.
// Idempotent.
Status RewriteLegacyChecksums(db::Connection& conn) {
  CSM_ASSIGN_OR_RETURN(db::QueryResult r,
                       conn.Query(std::string("SELECT id, params_checksum, params_json FROM ") +
                                  db::kRunTable + " ORDER BY id"));
  for (const db::Row& row : r.rows) {
    const std::string checksum = rules::MaskedParametersChecksum(db::TextOrEmpty(row[2]));
    if (checksum.empty() || checksum == db::TextOrEmpty(row[1])) continue;
    CSM_RETURN_IF_ERROR(conn.Execute(std::string("UPDATE ") + db::kRunTable +
                                         " SET params_checksum = ? WHERE id = ?",
                                     {checksum, row[0]})
                            .status());
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<RunRecord>> FindAppliedRun(db::Connection& conn,
                                                const std::string& rules_checksum,
                                                const std::string& params_checksum) {
  CSM_ASSIGN_OR_RETURN(db::QueryResult r,
                       conn.Query("SELECT " + kColumns + " FROM " + db::kRunTable +
                                      " WHERE rules_checksum = ? AND state = ? ORDER BY id DESC",
                                  {rules_checksum, kStateApplied}));
  for (const db::Row& row : r.rows) {
    RunRecord run = FromRow(row);
    if (run.params_checksum == params_checksum ||
        rules::MaskedParametersChecksum(run.params_json) == params_checksum) {
      return std::optional<RunRecord>(std::move(run));
    }
  }
  return std::optional<RunRecord>();
}

Result<int64_t> InsertRun(db::Connection& conn, const RunRecord& run) {
  CSM_RETURN_IF_ERROR(RewriteLegacyChecksums(conn));
  CSM_RETURN_IF_ERROR(
      conn.Execute(std::string("INSERT INTO ") + db::kRunTable +
                       " (rules_name, rules_checksum, params_checksum, params_json, state, "
                       "operator, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   {run.rules_name, run.rules_checksum, run.params_checksum, run.params_json,
                    kStateApplied, run.operator_name, run.started_at})
          .status());
  return conn.LastInsertId();
}

Status FinishRun(db::Connection& conn, int64_t run_id, const std::string& result_json) {
  return conn
      .Execute(std::string("UPDATE ") + db::kRunTable +
                   " SET finished_at = ?, result_json = ? WHERE id = ?",
               {UtcNow(), result_json, run_id})
      .status();
}

Status MarkRolledBack(db::Connection& conn, int64_t run_id) {
  CSM_RETURN_IF_ERROR(RewriteLegacyChecksums(conn));
  return conn
      .Execute(std::string("UPDATE ") + db::kRunTable +
                   " SET state = ?, rolled_back_at = ? WHERE id = ?",
               {kStateRolledBack, UtcNow(), run_id})
      .status();
}

Result<std::vector<RunRecord>> ListRuns(db::Connection& conn) {
  CSM_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query("SELECT " + kColumns + " FROM " +
                                                     db::kRunTable + " ORDER BY id"));
  std::vector<RunRecord> runs;
  for (const auto& row : r.rows) runs.push_back(FromRow(row));
  return runs;
}

Result<RunRecord> GetRun(db::Connection& conn, int64_t run_id) {
  CSM_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT " + kColumns + " FROM " + db::kRunTable + " WHERE id = ?", {run_id}));
  if (r.rows.empty()) {
    return Status(ErrorCode::kNotFound, "there is no run " + std::to_string(run_id) +
                                            " in this database (see `csmigrate status`)");
  }
  return FromRow(r.rows[0]);
}

}  // namespace csm::apply
