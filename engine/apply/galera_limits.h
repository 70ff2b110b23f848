// Galera replicates a transaction as one write set, and a node refuses one that holds more rows
// than wsrep_max_ws_rows (0: no limit) or more bytes than wsrep_max_ws_size (at most 2 GiB).
// Apply writes its whole conversion in ONE transaction, so on a Galera node it estimates the write
// set from the plan's row counts first and refuses, before writing anything, a run that would not
// fit, naming the setting and the value it needs. MariaDB's streaming replication
// (wsrep_trx_fragment_size > 0) replicates a transaction in fragments: it lifts the size limit, not
// the row limit.
#pragma once

#include <cstdint>
#include <vector>

#include "apply/executor.h"
#include "common/result.h"
#include "db/connection.h"

namespace csm::apply {

// A node's write-set settings, as its session sees them.
struct GaleraLimits {
  bool galera = false;        // wsrep_on is ON: this connection writes through Galera
  int64_t max_ws_rows = 0;    // wsrep_max_ws_rows; 0 means no limit
  int64_t max_ws_size = 0;    // wsrep_max_ws_size, bytes
  int64_t fragment_size = 0;  // wsrep_trx_fragment_size; > 0 means streaming replication
};

// What one apply's transaction replicates, estimated.
struct WriteSetEstimate {
  int64_t rows = 0;   // row events: changed rows, their journal rows and after-digests, picks
  int64_t bytes = 0;  // write-set bytes
};

// The largest value wsrep_max_ws_size takes (2 GiB - 1).
inline constexpr int64_t kGaleraMaxWsSizeCeiling = 2147483647;

// Reads wsrep_on and the limits. On a server that is not MariaDB/MySQL with Galera (SQLite,
// PostgreSQL, a MySQL-family server without wsrep) returns {galera = false}; fails only when the
// server does not answer.
Result<GaleraLimits> ReadGaleraLimits(db::Connection& conn);

// Estimates the write set of applying a run whose plan reported `steps` (rows changed and pinned
// per step). Each changed row replicates its own row image, its journal row (before-image) and
// its after-digest row; each pinned row one pick row. Measured on MariaDB 10.11 with galera-4 at
// 10^5 and 10^6 store_ref rows (README "Galera"); the per-row figure is rounded up.
WriteSetEstimate EstimateWriteSet(const std::vector<StepOutcome>& steps);

// Ok when `estimate` fits `limits` (or the server is not Galera); kPrecondition otherwise, naming
// the setting, its value, the value the run needs and how to set it.
Status CheckWriteSetFits(const GaleraLimits& limits, const WriteSetEstimate& estimate);

// The refusal (kPrecondition) for a plan that reached wsrep_max_ws_rows before it could count
// the run's rows.
Status PlanReachedRowLimit(const GaleraLimits& limits);

// True when `error` is the server refusing a write set past wsrep_max_ws_rows or
// wsrep_max_ws_size (a plan can hit the row limit itself, since it runs the steps).
bool IsWriteSetLimitError(const Status& error);

}  // namespace csm::apply
