// db::Transaction on a real SQLite file: what it commits stays, what it does not is rolled back.
#include "db/transaction.h"

#include <gtest/gtest.h>

#include <memory>

#include "db/sqlite_connection.h"
#include "test_support.h"

namespace csm::db {
namespace {

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteConnection::Open(dir_.File("cloud.db"), true);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    conn_ = std::move(*opened);
    ASSERT_TRUE(conn_->ExecuteScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  }
  int64_t Rows() {
    auto n = QueryInt(*conn_, "SELECT COUNT(*) FROM t");
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  }
  void Insert(int64_t id) {
    ASSERT_TRUE(conn_->Execute("INSERT INTO t (id) VALUES (?)", {id}).ok());
  }

  test::ScratchDir dir_;
  std::unique_ptr<SqliteConnection> conn_;
};

TEST_F(TransactionTest, WhatIsCommittedStays) {
  auto transaction = Transaction::Begin(*conn_);
  ASSERT_TRUE(transaction.ok()) << transaction.status().message();
  Insert(1);
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_EQ(Rows(), 1);
}

TEST_F(TransactionTest, LeavingTheScopeWithoutCommitRollsBack) {
  {
    auto transaction = Transaction::Begin(*conn_);
    ASSERT_TRUE(transaction.ok()) << transaction.status().message();
    Insert(1);
  }
  EXPECT_EQ(Rows(), 0);
  // The connection is out of the transaction: a new one begins.
  auto again = Transaction::Begin(*conn_);
  EXPECT_TRUE(again.ok()) << again.status().message();
}

TEST_F(TransactionTest, ExplicitRollbackUndoesAndEndsTheGuard) {
  auto transaction = Transaction::Begin(*conn_);
  ASSERT_TRUE(transaction.ok()) << transaction.status().message();
  Insert(1);
  EXPECT_TRUE(transaction->Rollback().ok());
  EXPECT_EQ(Rows(), 0);
  Insert(2);  // autocommitted, and the guard's destructor must not roll it back
  { Transaction moved = std::move(*transaction); }
  EXPECT_EQ(Rows(), 1);
}

TEST_F(TransactionTest, AMovedGuardRollsBackOnce) {
  {
    auto transaction = Transaction::Begin(*conn_);
    ASSERT_TRUE(transaction.ok()) << transaction.status().message();
    Insert(1);
    Transaction moved = std::move(*transaction);
  }
  EXPECT_EQ(Rows(), 0);
}

}  // namespace
}  // namespace csm::db
