// The lease that lets one apply or rollback write at a time. A holder row names the process
// (host:pid) and when it took the lease; a lease whose time has passed, or whose holder process on
// this host is gone, is taken over, so a crash never leaves a lock that needs a manual fix.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"
#include "db/connection.h"

namespace csm::apply {

class RunLock {
 public:
  // Takes the lease in its own short transaction. While another live process holds it, tries
  // again every 250 ms for up to `wait` (saying once that it waits, and for whom), then fails
  // (kConflict) naming the holder and since when; a `wait` of 0 fails at once. First creates
  // csmigrate's tables where missing, under the server's advisory lock. `lease_seconds` bounds
  // how long a vanished holder can block others.
  static Result<RunLock> Acquire(db::Connection& conn,
                                 std::chrono::seconds wait = std::chrono::seconds(0),
                                 int lease_seconds = 600);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  ~RunLock();

  // Gives the lease back. Called by the destructor too; errors there are only logged.
  Status Release();

  // This process's holder name: "host:pid".
  static std::string HolderName();

 private:
  explicit RunLock(db::Connection* conn) : conn_(conn) {}
  // One attempt: the lease, or kConflict at once.
  static Result<RunLock> TryAcquire(db::Connection& conn, int lease_seconds);
  db::Connection* conn_;
};

}  // namespace csm::apply
