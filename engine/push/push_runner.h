// Runs push units: N worker threads upload and verify (each with its own store clients), the
// calling thread records each finished unit in the database (one transaction per unit), so a
// process killed at any moment leaves every unit either recorded or not: a re-run adopts what
// was uploaded and verified, and never unpins anything twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"
#include "store/store_factory.h"

namespace csm::push {

struct RunnerOptions {
  store::StoreAccess access;                  // --nfs-root mount points and upload thresholds
  std::optional<std::string> encrypt_secret;  // to read secretkey/key details (db.properties)
  int jobs = 1;                               // transfers at a time
  bool progress = false;                      // a progress bar when stderr is a terminal
  // Test hook: after this many units are recorded, and the next one is uploaded but not yet
  // recorded, sleep pause_seconds (so that a test can kill the process exactly there).
  int pause_after_units = -1;
  int pause_seconds = 0;
};

struct UnitFailure {
  std::string unit;  // PushUnit::Describe()
  Status status;
};

struct RunnerOutcome {
  int64_t units_total = 0;
  int64_t units_pushed = 0;  // uploaded, verified and recorded
  int64_t objects_filled = 0;
  int64_t objects_adopted = 0;        // uploaded by an earlier, interrupted run and verified
  int64_t bytes_total = 0;            // the units' bytes (their preferred staging copies' sizes)
  int64_t bytes_uploaded = 0;         // sent by this run (adopted objects are not)
  std::vector<UnitFailure> failures;  // units that failed (the others went on)
};

// The outcome of pushing `units` before any of them has run: their count and bytes, nothing done.
RunnerOutcome NothingDoneYet(const std::vector<PushUnit>& units);

// Pushes `units`, after Preflight has found every store they need usable (its kInvalidArgument
// is returned before anything is uploaded). A unit that fails (its staging file is missing, its
// upload does not verify, the store refuses it) is reported in failures and the others go on; a
// database error stops everything (kDatabase), after the workers have stopped.
Result<RunnerOutcome> RunUnits(db::Connection& conn, const std::vector<catalog::RefTable>& tables,
                               const std::vector<PushUnit>& units, const RunnerOptions& options);

}  // namespace csm::push
