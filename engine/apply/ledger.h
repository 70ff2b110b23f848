// The ledger: one csm_run row per applied run, with its rule checksum, masked parameters, state and
// what it changed. It is how a re-run is recognised as already applied and what `status` lists.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"

namespace csm::apply {

struct RunRecord {
  int64_t id = 0;
  std::string rules_name, rules_checksum, params_checksum, params_json;
  std::string state;  // "applied" or "rolled_back"
  std::string operator_name, started_at, finished_at, rolled_back_at;
  std::string result_json;  // {"steps": [...], "tables": {...}, "new_store_id": N}
};

inline constexpr const char* kStateApplied = "applied";
inline constexpr const char* kStateRolledBack = "rolled_back";

// The latest applied run with these checksums, if any. A run an older csmigrate recorded (its
// params_checksum hashed the secrets too) matches by the checksum of its masked parameters
// (rules::MaskedParametersChecksum), so an upgrade keeps repeated applies recognised.
Result<std::optional<RunRecord>> FindAppliedRun(db::Connection& conn,
                                                const std::string& rules_checksum,
                                                const std::string& params_checksum);

// Inserts `run` (state applied, finished_at empty) and returns its id. Inside the run's
// transaction. Ledger rows older csmigrates wrote lose their secret-derived params_checksum
// (rewritten to the checksum of their masked parameters) in the same transaction.
Result<int64_t> InsertRun(db::Connection& conn, const RunRecord& run);

// Records the run's end: finished_at = now and its result.
Status FinishRun(db::Connection& conn, int64_t run_id, const std::string& result_json);

// Marks a run rolled back (now); older ledger rows' checksums are rewritten as by InsertRun.
Status MarkRolledBack(db::Connection& conn, int64_t run_id);

// Every run, oldest first.
Result<std::vector<RunRecord>> ListRuns(db::Connection& conn);

// One run; kNotFound naming the id when there is none.
Result<RunRecord> GetRun(db::Connection& conn, int64_t run_id);

}  // namespace csm::apply
