#include "db/transaction.h"

#include <spdlog/spdlog.h>

#include <cassert>

namespace csm::db {

Result<Transaction> Transaction::Begin(Connection& conn) {
  CSM_RETURN_IF_ERROR(conn.Begin());
  return Transaction(&conn);
}

Transaction::Transaction(Transaction&& other) noexcept : conn_(other.conn_) {
  other.conn_ = nullptr;
}

Transaction::~Transaction() {
  if (conn_ == nullptr) return;
  if (Status s = Rollback(); !s.ok()) spdlog::warn("rollback failed: {}", s.message());
}

Status Transaction::Commit() {
  assert(conn_ != nullptr && "commit of a transaction already committed or rolled back");
  CSM_RETURN_IF_ERROR(conn_->Commit());
  conn_ = nullptr;
  return Status::Ok();
}

Status Transaction::Rollback() {
  if (conn_ == nullptr) return Status::Ok();
  Connection* conn = conn_;
  conn_ = nullptr;
  return conn->Rollback();
}

}  // namespace csm::db
