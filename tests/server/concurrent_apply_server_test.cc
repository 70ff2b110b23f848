// Five identical applies started at once on MariaDB and PostgreSQL: one applies, each other one
// waits for the lock and, once it has it, finds the run applied (exit 0); none fails the
// precondition the first one's changes broke (exit 4) or gives up on the lock (exit 5). The applies
// are held just before the lock (CSM_TEST_WAIT_BEFORE_LOCK) until all have passed their read-only
// checks.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

int ExitCodeOf(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int64_t Count(db::Connection& conn, const std::string& sql) {
  auto r = conn.Query(sql, {});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? db::AsInteger(r->rows[0][0]).value_or(-1) : -1;
}

class ConcurrentApplyServer : public ::testing::TestWithParam<std::string> {};

TEST_P(ConcurrentApplyServer, ARunAppliedWhileAnotherWaitedForTheLockIsAlreadyApplied) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  ScratchDir dir;
  const std::string go = dir.File("go"), log = dir.File("late.log");
  const int late = StartCsmigrate(ServerApply(db.url()), {"CSM_TEST_WAIT_BEFORE_LOCK=" + go}, log);
  ASSERT_TRUE(WaitForText(log, "test wait")) << "the apply never reached the lock";
  const CommandResult first = RunCsmigrate(ServerApply(db.url()));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::ofstream(go).close();
  EXPECT_EQ(ExitCodeOf(late), 0);
  EXPECT_EQ(Count(db.conn(), "SELECT COUNT(*) FROM csm_run"), 1);
}

TEST_P(ConcurrentApplyServer, FiveIdenticalAppliesAtOnceApplyOnce) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  ScratchDir dir;
  const std::string go = dir.File("go");
  std::vector<int> pids;
  for (int i = 0; i < 5; ++i) {
    const std::string log = dir.File("apply" + std::to_string(i) + ".log");
    pids.push_back(StartCsmigrate(ServerApply(db.url()), {"CSM_TEST_WAIT_BEFORE_LOCK=" + go}, log));
    ASSERT_TRUE(WaitForText(log, "test wait")) << "apply " << i << " never reached the lock";
  }
  std::ofstream(go).close();
  // Each waits for the lock (--lock-wait, 10 s) and finds the run applied: all exit 0.
  for (size_t i = 0; i < pids.size(); ++i) EXPECT_EQ(ExitCodeOf(pids[i]), 0) << "apply " << i;
  EXPECT_EQ(Count(db.conn(), "SELECT COUNT(*) FROM csm_run"), 1);
  EXPECT_EQ(Count(db.conn(), "SELECT COUNT(*) FROM image_store WHERE name = 's3-region'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Servers, ConcurrentApplyServer, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
