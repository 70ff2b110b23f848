// Runs push units: N worker threads upload and verify (each with its own store clients), the
// calling thread takes the units on the work board, keeps the claims alive and records each
// finished unit in the database (one transaction per unit, which also marks it done on the
// board), so a process killed at any moment leaves every unit either recorded or not: a re-run,
// or another worker once the claim has run out, adopts what was uploaded and verified, and never
// unpins anything twice.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudstack/ref_tables.h"
#include "cloudstack/store_factory.h"
#include "common/result.h"
#include "common/stop_request.h"
#include "db/connection.h"
#include "push/push_unit.h"
#include "push/work_board.h"

namespace csm::push {

struct RunnerOptions {
  store::StoreAccess access;                  // --nfs-root mount points and upload thresholds
  std::optional<std::string> encrypt_secret;  // to read secretkey/key details (db.properties)
  int jobs = 1;                               // transfers at a time
  bool progress = false;                      // a progress bar when stderr is a terminal
  // How long a claim on a unit outlives this worker's last heartbeat (a heartbeat every quarter
  // of it): a worker killed outright loses its units to the others after this long.
  std::chrono::seconds lease{60};
  // Signals from the operator (nullptr: none): stop finishes the transfers in flight and records
  // them, abort also ends the transfers in flight (their units are given back unrecorded).
  const StopRequest* stop = nullptr;
};

struct UnitFailure {
  std::string unit;  // PushUnit::Describe()
  Status status;
};

struct RunnerOutcome {
  int64_t units_total = 0;
  int64_t units_pushed = 0;  // uploaded, verified and recorded by this worker
  int64_t objects_filled = 0;
  int64_t objects_adopted = 0;        // uploaded by an earlier, interrupted run and verified
  int64_t bytes_total = 0;            // the units' bytes (their preferred staging copies' sizes)
  int64_t bytes_uploaded = 0;         // sent by this run (adopted objects are not)
  int64_t units_done_elsewhere = 0;   // finished (or failed) by other workers meanwhile
  int64_t units_taken_over = 0;       // this worker's claim ran out and another worker took them
  int64_t units_left = 0;             // not finished when this worker stopped (signal, abort)
  std::vector<UnitFailure> failures;  // units that failed (the others went on)
  int stopped_by_signal = 0;          // the signal that stopped the run early, 0 if none
};

// Enters this process on `conn`'s work board as a `command` ("drain" or "push") worker with
// `options`' jobs, bandwidth limit and lease (WorkBoard::Join).
Result<WorkBoard> JoinBoard(db::Connection& conn, const std::string& command,
                            const RunnerOptions& options);

// The outcome of pushing `units` before any of them has run: their count and bytes, nothing done.
RunnerOutcome NothingDoneYet(const std::vector<PushUnit>& units);

// Pushes `units`, sharing them with every other worker on `board` (the units must be on it:
// WorkBoard::Offer), after Preflight has found every store they need usable (its
// kInvalidArgument is returned before anything is uploaded). Each unit is taken on the board
// first; one another live worker holds is waited for (taken over if its lease runs out), one
// another worker finished is counted as done elsewhere. A unit that fails (its staging file is
// missing, its upload does not verify, the store refuses it) is reported in failures and the
// others go on. On a stop request no new unit is started and the run ends once the transfers in
// flight are recorded; on an abort, they end at once and are given back. A database error stops
// everything (kDatabase), after the workers have stopped. The worker leaves the board at the end
// either way.
Result<RunnerOutcome> RunUnits(db::Connection& conn,
                               const std::vector<cloudstack::RefTable>& tables,
                               const std::vector<PushUnit>& units, WorkBoard& board,
                               const RunnerOptions& options);

}  // namespace csm::push
