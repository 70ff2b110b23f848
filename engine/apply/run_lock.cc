#include "apply/run_lock.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <thread>

#include "common/digest.h"
#include "common/process_name.h"
#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "db/transaction.h"

namespace csm::apply {
namespace {

constexpr const char* kLockName = "apply";
constexpr const char* kAdvisoryName = "csmigrate.apply";

// True when the lease transaction lost to another writer of the same row: on a Galera cluster
// the advisory lock is node-local, so two nodes may both get here; certification then aborts one
// of them (a deadlock error at commit, or at its next statement when the other node's write set
// is applied first), or its insert meets the other's row (a duplicate key).
bool LostRace(const Status& s) {
  const std::string& m = s.message();
  return m.find("Deadlock found") != std::string::npos ||
         m.find("Duplicate entry") != std::string::npos;
}

}  // namespace

std::string RunLock::HolderName() {
  return ProcessName();
}

Result<RunLock> RunLock::Acquire(db::Connection& conn, std::chrono::seconds wait,
                                 int lease_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (bool said = false;; said = true) {
    auto lock = TryAcquire(conn, lease_seconds);
    if (lock.ok() || lock.status().code() != ErrorCode::kConflict) return lock;
    if (std::chrono::steady_clock::now() >= deadline) {
      if (wait.count() == 0) return lock;
      return Status(ErrorCode::kConflict, lock.status().message() + " (waited " +
                                              std::to_string(wait.count()) +
                                              " s; --lock-wait SECONDS waits longer)");
    }
    if (!said) {
      spdlog::info("waiting up to {} s for the lock: {}", wait.count(), lock.status().message());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

Result<RunLock> RunLock::TryAcquire(db::Connection& conn, int lease_seconds) {
  const std::string select = std::string("SELECT holder, acquired_at, expires_at FROM ") +
                             db::kLockTable + " WHERE name = ?";
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto Held = [&](const db::QueryResult& r) -> Status {
    if (r.rows.empty()) return Status::Ok();
    const std::string holder = db::ToDisplay(r.rows[0][0]);
    const int64_t expires = std::get<int64_t>(r.rows[0][2]);
    if (expires <= now || ProcessIsGone(holder)) {
      spdlog::warn("taking over the lease left by {} (since {}): {}", holder,
                   db::ToDisplay(r.rows[0][1]),
                   expires <= now ? "it expired" : "that process no longer exists");
      return Status::Ok();
    }
    return Status(ErrorCode::kConflict,
                  "another csmigrate run holds the lock: " + holder + " since " +
                      db::ToDisplay(r.rows[0][1]) + " UTC (lease expires in " +
                      std::to_string(expires - now) + " s); wait for it to finish");
  };
  // The server's advisory lock decides between two live processes; the lease row says who.
  CSM_ASSIGN_OR_RETURN(bool advisory, conn.TryAdvisoryLock(kAdvisoryName));
  if (!advisory) {
    CSM_ASSIGN_OR_RETURN(bool tables, db::EngineTablesExist(conn));
    db::QueryResult current;
    if (tables) {
      CSM_ASSIGN_OR_RETURN(current, conn.Query(select, {kLockName}));
    }
    if (current.rows.empty()) {
      return Status(ErrorCode::kConflict,
                    "another csmigrate run holds the database's advisory lock; wait for it");
    }
    return Status(ErrorCode::kConflict,
                  "another csmigrate run holds the lock: " + db::ToDisplay(current.rows[0][0]) +
                      " since " + db::ToDisplay(current.rows[0][1]) +
                      " UTC; wait for it to finish");
  }
  auto Release = [&](Status s) {
    (void)conn.ReleaseAdvisoryLock(kAdvisoryName);
    return s;
  };
  // csmigrate's tables are created under the advisory lock: simultaneous first runs would race on
  // the DDL (PostgreSQL: "tuple concurrently updated").
  if (Status s = db::EnsureEngineTables(conn); !s.ok()) return Release(s);
  auto current = conn.Query(select, {kLockName});
  if (!current.ok()) return Release(current.status());
  if (Status s = Held(*current); !s.ok()) return Release(s);

  auto transaction = db::Transaction::Begin(conn);
  if (!transaction.ok()) {
    (void)conn.ReleaseAdvisoryLock(kAdvisoryName);
    return Status(ErrorCode::kConflict, "the database is busy with another writer (" +
                                            transaction.status().message() + "); try again");
  }
  auto Fail = [&](Status s) {
    (void)transaction->Rollback();
    (void)conn.ReleaseAdvisoryLock(kAdvisoryName);
    if (!LostRace(s)) return s;
    spdlog::debug("lock transaction lost: {}", s.message());
    return Status(ErrorCode::kConflict,
                  "another csmigrate run took the lock at the same moment, through another node "
                  "of the cluster; wait for it to finish");
  };
  auto again = conn.Query(select, {kLockName});
  if (!again.ok()) return Fail(again.status());
  if (Status s = Held(*again); !s.ok()) return Fail(s);
  // Only the lease read above is removed (one its holder left behind): a lease taken since through
  // another node of a Galera cluster, whose advisory lock this node does not see, stays, and the
  // insert below meets it (a duplicate key, or certification aborts one of the two: kConflict).
  if (!again->rows.empty()) {
    auto removed = conn.Execute(std::string("DELETE FROM ") + db::kLockTable +
                                    " WHERE name = ? AND holder = ? AND expires_at = ?",
                                {kLockName, again->rows[0][0], again->rows[0][2]});
    if (!removed.ok()) return Fail(removed.status());
  }
  auto inserted = conn.Execute(std::string("INSERT INTO ") + db::kLockTable +
                                   " (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)",
                               {kLockName, HolderName(), UtcNow(), now + lease_seconds});
  if (!inserted.ok()) return Fail(inserted.status());
  if (Status committed = transaction->Commit(); !committed.ok()) return Fail(committed);
  return RunLock(&conn);
}

RunLock::RunLock(RunLock&& other) noexcept : conn_(other.conn_) {
  other.conn_ = nullptr;
}

RunLock::~RunLock() {
  if (Status s = Release(); !s.ok()) spdlog::warn("could not release the lock: {}", s.message());
}

Status RunLock::Release() {
  if (conn_ == nullptr) return Status::Ok();
  db::Connection* conn = conn_;
  conn_ = nullptr;
  Status removed =
      conn->Execute(std::string("DELETE FROM ") + db::kLockTable + " WHERE name = ? AND holder = ?",
                    {kLockName, HolderName()})
          .status();
  Status released = conn->ReleaseAdvisoryLock(kAdvisoryName);
  return removed.ok() ? released : removed;
}

}  // namespace csm::apply
