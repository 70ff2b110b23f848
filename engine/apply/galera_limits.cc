#include "apply/galera_limits.h"

#include <cstdint>
#include <map>
#include <string>

#include "common/whole_number.h"

namespace csm::apply {
namespace {

// Row events per changed row: the row itself, its journal row, its after-digest row.
constexpr int64_t kRowsPerChangedRow = 3;
// The ledger row (inserted, then finished) and the statements' few fixed rows.
constexpr int64_t kFixedRows = 8;
// Write-set bytes per changed row, with its journal and after-digest rows (binlog row images,
// full before and after images for updates, keys for certification): measured 397 at 10^5 and
// 401 at 10^6 store_ref rows (1,208,827,592 bytes for 3,017,138 rows changed), plus 20%.
constexpr int64_t kBytesPerChangedRow = 480;
// Bytes per pick row, and the write set's fixed part.
constexpr int64_t kBytesPerPick = 64;
constexpr int64_t kFixedBytes = 64 * 1024;

int64_t ToInt(const std::string& text) {
  return ParseWholeNumber(text, 0, INT64_MAX).value_or(0);
}

std::string Mib(int64_t bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB";
}

}  // namespace

Result<GaleraLimits> ReadGaleraLimits(db::Connection& conn) {
  GaleraLimits limits;
  if (conn.dialect().name() != "mysql") return limits;
  CSM_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query("SHOW SESSION VARIABLES LIKE 'wsrep\\_%'"));
  std::map<std::string, std::string> vars;
  for (const auto& row : r.rows) vars[db::ToDisplay(row[0])] = db::ToDisplay(row[1]);
  if (vars["wsrep_on"] != "ON") return limits;
  limits.galera = true;
  limits.max_ws_rows = ToInt(vars["wsrep_max_ws_rows"]);
  limits.max_ws_size = ToInt(vars["wsrep_max_ws_size"]);
  limits.fragment_size = ToInt(vars["wsrep_trx_fragment_size"]);
  return limits;
}

WriteSetEstimate EstimateWriteSet(const std::vector<StepOutcome>& steps) {
  int64_t changed = 0, pinned = 0;
  for (const auto& step : steps) {
    changed += step.rows;
    pinned += step.pinned;
  }
  return {kRowsPerChangedRow * changed + pinned + kFixedRows,
          kBytesPerChangedRow * changed + kBytesPerPick * pinned + kFixedBytes};
}

Status CheckWriteSetFits(const GaleraLimits& limits, const WriteSetEstimate& estimate) {
  if (!limits.galera) return Status::Ok();
  if (limits.max_ws_rows > 0 && estimate.rows > limits.max_ws_rows) {
    return Status(ErrorCode::kPrecondition,
                  "this apply is one Galera write set of about " + std::to_string(estimate.rows) +
                      " rows (the rows it changes, their journal and after-digest rows), more "
                      "than wsrep_max_ws_rows = " +
                      std::to_string(limits.max_ws_rows) +
                      " on this node: nothing was written; set it to 0 (no limit) or at least " +
                      std::to_string(estimate.rows) +
                      " on the node you apply through (SET GLOBAL wsrep_max_ws_rows = 0) and "
                      "apply again (streaming replication does not lift this limit)");
  }
  if (limits.fragment_size > 0 || estimate.bytes <= limits.max_ws_size) return Status::Ok();
  std::string advice;
  if (estimate.bytes <= kGaleraMaxWsSizeCeiling) {
    advice = "set wsrep_max_ws_size to at least " + std::to_string(estimate.bytes) +
             " (SET GLOBAL wsrep_max_ws_size = " + std::to_string(kGaleraMaxWsSizeCeiling) +
             ", its maximum) or turn on streaming replication (SET GLOBAL "
             "wsrep_trx_fragment_unit = 'rows', wsrep_trx_fragment_size = 10000; MariaDB 10.4 or "
             "later) on the node you apply through, and apply again";
  } else {
    advice =
        "that is past wsrep_max_ws_size's maximum (2 GiB): turn on streaming replication "
        "(SET GLOBAL wsrep_trx_fragment_unit = 'rows', wsrep_trx_fragment_size = 10000; "
        "MariaDB 10.4 or later) on the node you apply through, and apply again";
  }
  return Status(ErrorCode::kPrecondition,
                "this apply is one Galera write set of about " + Mib(estimate.bytes) +
                    ", more than wsrep_max_ws_size = " + std::to_string(limits.max_ws_size) +
                    " bytes on this node: nothing was written; " + advice);
}

Status PlanReachedRowLimit(const GaleraLimits& limits) {
  return Status(ErrorCode::kPrecondition,
                "this apply changes more rows in one transaction than wsrep_max_ws_rows = " +
                    std::to_string(limits.max_ws_rows) +
                    " allows on this node (its plan alone reached the limit): nothing was "
                    "written; set it to 0 (no limit) on the node you apply through (SET GLOBAL "
                    "wsrep_max_ws_rows = 0) and apply again (streaming replication does not lift "
                    "this limit)");
}

bool IsWriteSetLimitError(const Status& error) {
  if (error.ok()) return false;
  const std::string& m = error.message();
  return m.find("wsrep_max_ws_rows exceeded") != std::string::npos ||
         m.find("Maximum writeset size exceeded") != std::string::npos;
}

}  // namespace csm::apply
