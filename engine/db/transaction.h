// The one way the engine opens a write transaction: a guard that rolls back whatever it did not
// commit, so every early return (an error from any statement) leaves the database as it was.
#pragma once

#include "common/result.h"
#include "db/connection.h"

namespace csm::db {

class Transaction {
 public:
  // Begins a write transaction on `conn` (Connection::Begin), or returns the backend's error.
  // `conn` must outlive the guard and must not already be in a transaction.
  static Result<Transaction> Begin(Connection& conn);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Rolls back when neither Commit succeeded nor Rollback was called; a failed rollback is only
  // logged (the backend discards the transaction anyway when the connection closes).
  ~Transaction();

  // Commits. On success the guard is done; on failure it stays open, so the destructor (or an
  // explicit Rollback) still rolls back whatever the backend kept.
  Status Commit();

  // Rolls back now and returns the backend's answer; the guard is done either way. For callers
  // that must know the rollback happened (plans, whose transaction is never meant to commit).
  Status Rollback();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;  // null once committed or rolled back
};

}  // namespace csm::db
