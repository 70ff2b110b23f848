// A process killed in the middle of apply leaves CloudStack's tables unchanged and a re-run
// completes; a second apply while one runs waits for it (--lock-wait) and is then refused naming
// the holder, or finds the same run applied; a lease left by a dead or expired holder is taken
// over without manual help.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "test_support.h"

namespace csm::test {
namespace {

class CrashAndLock : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
  }
  // Starts an apply that pauses inside its transaction after step 10 (placeholders exist).
  int StartPausedApply() {
    const int pid = StartCsmigrate(S3Args("apply", db_), {"CSM_TEST_PAUSE=10:60"}, log_);
    EXPECT_TRUE(WaitForText(log_, "test pause")) << "apply never reached the pause";
    return pid;
  }
  ScratchDir dir_;
  std::string db_;
  std::string log_ = dir_.File("apply.log");
};

TEST_F(CrashAndLock, SigkillMidApplyLeavesNoChangeAndRerunCompletes) {
  const std::string before = DumpDatabase(db_);
  const int pid = StartPausedApply();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  EXPECT_EQ(DumpDatabase(db_), before);  // every CloudStack table as before
  const std::string engine = DumpDatabase(db_, true);
  EXPECT_EQ(engine.find("== csm_run\n1|"), std::string::npos) << "no run may be recorded";

  // The dead process's lease does not block the re-run.
  CommandResult rerun = RunCsmigrate(S3Args("apply", db_));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("no longer exists"), std::string::npos) << rerun.err;
  CommandResult runs = RunCsmigrate({"status", "--db", "sqlite://" + db_, "--json"});
  EXPECT_EQ(nlohmann::json::parse(runs.out)["runs"].size(), 1u);
}

TEST_F(CrashAndLock, SecondApplyWithLockWaitZeroIsRefusedAtOnceNamingTheHolder) {
  const int pid = StartPausedApply();
  const auto started = std::chrono::steady_clock::now();
  auto args = S3Args("apply", db_, "another-name");
  args.insert(args.end(), {"--lock-wait", "0"});
  CommandResult second = RunCsmigrate(args);
  const auto waited = std::chrono::steady_clock::now() - started;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_NE(second.err.find("holds the lock: "), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(":" + std::to_string(pid) + " since "), std::string::npos)
      << second.err;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(waited).count(), 5)
      << "--lock-wait 0 must not wait for the holder";
}

TEST_F(CrashAndLock, SecondApplyGivesUpAfterItsLockWaitNamingTheHolderAndTheWait) {
  const int pid = StartPausedApply();  // holds the lock for 60 s
  auto args = S3Args("apply", db_, "another-name");
  args.insert(args.end(), {"--lock-wait", "1"});
  CommandResult second = RunCsmigrate(args);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_NE(second.err.find("waiting up to 1 s for the lock"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(":" + std::to_string(pid) + " since "), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find("(waited 1 s; --lock-wait SECONDS waits longer)"), std::string::npos)
      << second.err;
}

// The same apply started while the first holds the lock waits for it (default --lock-wait, 10 s)
// and then finds the run applied: exit 0, one run, one store.
TEST_F(CrashAndLock, TheSameApplyStartedWhileOneRunsWaitsAndFindsItApplied) {
  const int pid = StartCsmigrate(S3Args("apply", db_), {"CSM_TEST_PAUSE=10:2"}, log_);
  ASSERT_TRUE(WaitForText(log_, "test pause")) << "apply never reached the pause";
  CommandResult second = RunCsmigrate(S3Args("apply", db_));
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("waiting up to 10 s for the lock"), std::string::npos) << second.err;
  EXPECT_NE(second.out.find("already applied"), std::string::npos) << second.out;
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_run"), "1");
}

TEST_F(CrashAndLock, ExpiredLeaseOfAnotherHostIsTakenOver) {
  ASSERT_EQ(RunCsmigrate({"init", "--db", "sqlite://" + db_}).exit_code, 0);
  ExecSql(db_,
          "INSERT INTO csm_lock (name, holder, acquired_at, expires_at) VALUES ('apply', "
          "'other-host:4242', '2026-01-01 00:00:00', 1)");
  CommandResult r = RunCsmigrate(S3Args("apply", db_));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("it expired"), std::string::npos) << r.err;
}

TEST_F(CrashAndLock, LiveLeaseOfAnotherHostRefuses) {
  ASSERT_EQ(RunCsmigrate({"init", "--db", "sqlite://" + db_}).exit_code, 0);
  ExecSql(db_,
          "INSERT INTO csm_lock (name, holder, acquired_at, expires_at) VALUES ('apply', "
          "'other-host:4242', '2026-11-25 08:00:00', 99999999999)");
  const std::string before = DumpDatabase(db_);
  auto args = S3Args("apply", db_);
  args.insert(args.end(), {"--lock-wait", "0"});
  CommandResult r = RunCsmigrate(args);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("other-host:4242 since 2026-11-25 08:00:00"), std::string::npos) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before);
}

}  // namespace
}  // namespace csm::test
