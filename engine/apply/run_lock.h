// The lease that lets one apply or rollback write at a time. A holder row names the process
// (host:pid) and when it took the lease; a lease whose time has passed, or whose holder process on
// this host is gone, is taken over, so a crash never leaves a lock that needs a manual fix.
#pragma once

#include <string>

#include "common/result.h"
#include "db/connection.h"

namespace csm::apply {

class RunLock {
 public:
  // Takes the lease in its own short transaction, or fails at once (kConflict) naming the holder
  // and since when. First creates csmigrate's tables where missing, under the server's advisory
  // lock. `lease_seconds` bounds how long a vanished holder can block others.
  static Result<RunLock> Acquire(db::Connection& conn, int lease_seconds = 600);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  ~RunLock();

  // Gives the lease back. Called by the destructor too; errors there are only logged.
  Status Release();

  // This process's holder name: "host:pid".
  static std::string HolderName();

 private:
  explicit RunLock(db::Connection* conn) : conn_(conn) {}
  db::Connection* conn_;
};

}  // namespace csm::apply
