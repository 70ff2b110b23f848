// Drain's work, shared through the database itself (csm_claim and csm_worker, in the same
// database as CloudStack's tables; no coordinator of csmigrate's own): any number of drain and
// push processes on any hosts offer the units they found, take units with a lease (SELECT ...
// FOR UPDATE SKIP LOCKED where the backend has it, SQLite's single writer otherwise), keep their
// leases alive with a heartbeat, and mark a unit done in the same transaction that records it in
// CloudStack's tables. A worker that dies (SIGKILL, a host lost) stops renewing: its leases
// expire and the others take its units over. Every time comes from the database server's clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"

namespace csm::push {

// Who a worker is, as csm_worker shows it.
struct WorkerIdentity {
  std::string holder;   // "host:pid"
  std::string command;  // "drain" or "push"
  int jobs = 1;
  std::optional<int64_t> bwlimit;  // bytes per second, when limited
};

// What a worker has done so far, as its heartbeat publishes it.
struct WorkerCounts {
  int64_t units_pushed = 0;
  int64_t units_failed = 0;
  int64_t bytes_uploaded = 0;
};

// The key of `unit` on the board: its kind, its object store and its object (a template or
// volume id, or for snapshots the volume whose chain it is), e.g. "template/3/201".
std::string UnitKey(const PushUnit& unit);

// The database server's clock, which every lease on the board is measured by: milliseconds since
// the Unix epoch. Needs no board tables.
Result<int64_t> BoardClockNow(db::Connection& conn);

// One unit this worker now holds.
struct Claim {
  std::string key;
  // The unit was taken before (by this or another worker, now or in an earlier run): an object,
  // or an unfinished multipart upload, may have been left on the store.
  bool earlier_attempt = false;
};

// What Take found for the keys it looked at.
struct TakeOutcome {
  std::vector<Claim> taken;                 // now held by this worker, in the order asked
  std::vector<std::string> held_elsewhere;  // another live worker holds them (or is taking them)
  std::vector<std::string> finished;        // done, or failed, by another worker: nothing to do
  std::vector<std::string> passed_over;     // after `at_most` were taken: not looked at
};

class WorkBoard {
 public:
  // Creates the board's tables when they are missing (DDL: outside any transaction) and enters
  // `me` as a running worker with a lease of `lease` (replacing an earlier row of the same
  // host:pid). Database errors as they are.
  static Result<WorkBoard> Join(db::Connection& conn, WorkerIdentity me,
                                std::chrono::seconds lease);

  // The database server's clock (BoardClockNow).
  Result<int64_t> Now() { return BoardClockNow(*conn_); }

  // Puts `units` on the board: a unit with no row gets one (open). A unit whose row is done or
  // failed since before `found_at_ms` (a Now() read before the units were found: they were found
  // again after that worker finished, so there is work again) is opened again. A row finished
  // after it is left alone (this worker's list may be older than that finish).
  Status Offer(const std::vector<PushUnit>& units, int64_t found_at_ms);

  // Takes up to `at_most` of `keys` (units Offer put on the board) that are open, or claimed under
  // a lease that has expired (a worker that died: taken over), in `keys`' order, in one
  // transaction retried on conflicts with other workers. Every key lands in one list of the
  // outcome (a key with no row counts as held elsewhere); once `at_most` are taken, the rest are
  // passed over, unlooked at, so a caller walking a list goes on from the first of those.
  Result<TakeOutcome> Take(const std::vector<std::string>& keys, size_t at_most);

  // The heartbeat: extends the lease of every unit this worker holds and its own, and publishes
  // `counts`. Conflicts are retried; other database errors are returned.
  Status Renew(const WorkerCounts& counts);

  // Inside the transaction that records the unit (push::Settle's before_commit): marks `key`
  // done and adds it, and the `bytes_uploaded` it took, to this worker's counts (so that
  // --status is exact between heartbeats). kConflict when this worker no longer holds it (its
  // lease ran out and another worker took it over): the caller must roll its transaction back,
  // the new holder records the unit.
  Status FinishInTransaction(const std::string& key, int64_t bytes_uploaded = 0);

  // Marks `key`, held by this worker, failed with `message` (the next worker to start retries
  // it). Nothing when it is no longer held by this worker.
  Status Fail(const std::string& key, const std::string& message);

  // Gives `key` back (open) when this worker stops before finishing it. `attempted`: its upload
  // began (an object or a multipart upload may be on the store, so the next taker checks); else
  // the claim is not counted.
  Status Release(const std::string& key, bool attempted);

  // Leaves the board: every unit this worker still holds is opened again (counted as attempted)
  // and its row gets `state` ("finished", "stopped" or "failed"), `counts` and no lease.
  Status Leave(const std::string& state, const WorkerCounts& counts);

  const WorkerIdentity& identity() const { return me_; }

 private:
  // Ends this worker's claim on `key` with `assignments` (SQL "col = ..." list, its `?` bound to
  // `values`): no lease, stamped now. Returns how many rows changed: 0 when no longer held.
  Result<int64_t> EndHeldClaim(const std::string& key, const std::string& assignments,
                               std::vector<db::Value> values);

  WorkBoard(db::Connection* conn, WorkerIdentity me, std::chrono::seconds lease)
      : conn_(conn), me_(std::move(me)), lease_ms_(lease.count() * 1000) {}

  db::Connection* conn_;
  WorkerIdentity me_;
  int64_t lease_ms_;
};

}  // namespace csm::push
