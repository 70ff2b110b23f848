// Identical applies started at the same moment: one applies, every other one waits for the lock
// (--lock-wait) and, once it has it, finds the run applied and says so (exit 0). None fails a
// precondition the first one's own changes broke (the store's name is taken). The applies
// are held just before the lock (CSM_TEST_WAIT_BEFORE_LOCK) until all have passed their checks.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "test_support.h"

namespace csm::test {
namespace {

// The exit code of process `pid`, waited for.
int ExitCodeOf(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ConcurrentApply, ARunAppliedWhileAnotherWaitedForTheLockIsAlreadyApplied) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string go = dir.File("go"), log = dir.File("late.log");
  const int late = StartCsmigrate(S3Args("apply", db), {"CSM_TEST_WAIT_BEFORE_LOCK=" + go}, log);
  ASSERT_TRUE(WaitForText(log, "test wait")) << "the apply never reached the lock";
  const CommandResult first = RunCsmigrate(S3Args("apply", db));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::ofstream(go).close();
  EXPECT_EQ(ExitCodeOf(late), 0);
  EXPECT_EQ(Cell(db, "SELECT COUNT(*) FROM csm_run"), "1");
  std::ifstream out(log + ".out");
  const std::string said((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_NE(said.find("already applied"), std::string::npos) << said;
}

TEST(ConcurrentApply, FiveIdenticalAppliesAtOnceApplyOnce) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string go = dir.File("go");
  std::vector<int> pids;
  for (int i = 0; i < 5; ++i) {
    const std::string log = dir.File("apply" + std::to_string(i) + ".log");
    pids.push_back(StartCsmigrate(S3Args("apply", db), {"CSM_TEST_WAIT_BEFORE_LOCK=" + go}, log));
    ASSERT_TRUE(WaitForText(log, "test wait")) << "apply " << i << " never reached the lock";
  }
  std::ofstream(go).close();
  int already = 0;
  for (size_t i = 0; i < pids.size(); ++i) {
    EXPECT_EQ(ExitCodeOf(pids[i]), 0) << "apply " << i;
    std::ifstream out(dir.File("apply" + std::to_string(i) + ".log.out"));
    const std::string said((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    already += said.find("already applied") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(already, 4);
  EXPECT_EQ(Cell(db, "SELECT COUNT(*) FROM csm_run"), "1");
  EXPECT_EQ(Cell(db, "SELECT COUNT(*) FROM image_store WHERE name = 's3-region'"), "1");
}

}  // namespace
}  // namespace csm::test
