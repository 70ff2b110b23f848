// apply::RunLock on SQLite: one holder at a time, named when refused; a lease left by an expired
// or vanished holder is taken over; releasing (or dropping) the lock frees it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

#include "apply/run_lock.h"
#include "db/database_url.h"
#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "test_support.h"

namespace csm::apply {
namespace {

// This host's name, as the holder names of its processes give it ("host:pid").
std::string ThisHost() {
  const std::string holder = RunLock::HolderName();
  return holder.substr(0, holder.rfind(':'));
}

class RunLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = db::ParseDatabaseUrl("sqlite://" + dir_.File("cloud.db"));
    ASSERT_TRUE(url.ok());
    auto conn = db::OpenDatabase(*url, true);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    conn_ = std::move(*conn);
  }

  // The holders of the lease rows, in order.
  std::vector<std::string> Holders() {
    auto rows =
        conn_->Query(std::string("SELECT holder FROM ") + db::kLockTable + " ORDER BY holder", {});
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::vector<std::string> holders;
    if (rows.ok()) {
      for (const auto& row : rows->rows) holders.push_back(db::ToDisplay(row[0]));
    }
    return holders;
  }

  // Writes a lease held by `holder` that expires `seconds` from now (negative: in the past).
  void LeaseHeldBy(const std::string& holder, int64_t seconds) {
    ASSERT_TRUE(db::EnsureEngineTables(*conn_).ok());
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    auto inserted = conn_->Execute(std::string("INSERT INTO ") + db::kLockTable +
                                       " (name, holder, acquired_at, expires_at) VALUES ('apply', "
                                       "?, '2026-01-02 03:04:05', ?)",
                                   {holder, now + seconds});
    ASSERT_TRUE(inserted.ok()) << inserted.status().message();
  }

  test::ScratchDir dir_;
  std::unique_ptr<db::Connection> conn_;
};

TEST_F(RunLockTest, AcquireCreatesTheTablesAndNamesThisProcessUntilReleased) {
  auto lock = RunLock::Acquire(*conn_);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(RunLock::HolderName(), ThisHost() + ":" + std::to_string(getpid()));
  EXPECT_EQ(Holders(), std::vector<std::string>{RunLock::HolderName()});
  ASSERT_TRUE(lock->Release().ok());
  EXPECT_TRUE(Holders().empty());
  EXPECT_TRUE(lock->Release().ok()) << "a second release does nothing";
}

TEST_F(RunLockTest, DroppingTheLockReleasesIt) {
  {
    auto lock = RunLock::Acquire(*conn_);
    ASSERT_TRUE(lock.ok()) << lock.status().message();
    RunLock moved = std::move(*lock);
    EXPECT_EQ(Holders().size(), 1u);
  }
  EXPECT_TRUE(Holders().empty());
  auto again = RunLock::Acquire(*conn_);
  EXPECT_TRUE(again.ok()) << again.status().message();
}

TEST_F(RunLockTest, ALiveHoldersLeaseIsAConflictNamingItAndIsKept) {
  LeaseHeldBy("other-host:4242", 600);
  auto lock = RunLock::Acquire(*conn_);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), ErrorCode::kConflict);
  EXPECT_NE(lock.status().message().find(
                "another csmigrate run holds the lock: other-host:4242 since 2026-01-02 03:04:05 "
                "UTC (lease expires in "),
            std::string::npos)
      << lock.status().message();
  EXPECT_EQ(Holders(), std::vector<std::string>{"other-host:4242"});
}

TEST_F(RunLockTest, AnExpiredLeaseIsTakenOver) {
  LeaseHeldBy("other-host:4242", -1);
  auto lock = RunLock::Acquire(*conn_);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(Holders(), std::vector<std::string>{RunLock::HolderName()});
}

TEST_F(RunLockTest, ALeaseOfAProcessOfThisHostThatIsGoneIsTakenOver) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);  // reaped: no process has that pid now
  LeaseHeldBy(ThisHost() + ":" + std::to_string(child), 600);
  auto lock = RunLock::Acquire(*conn_);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  EXPECT_EQ(Holders(), std::vector<std::string>{RunLock::HolderName()});
}

TEST_F(RunLockTest, ALeaseOfALiveProcessOfThisHostIsAConflict) {
  LeaseHeldBy(ThisHost() + ":" + std::to_string(getppid()), 600);
  auto lock = RunLock::Acquire(*conn_);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), ErrorCode::kConflict) << lock.status().message();
}

}  // namespace
}  // namespace csm::apply
