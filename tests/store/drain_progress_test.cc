// The progress of push and drain counts only verified units as done, failed units apart, and
// takes bytes, rate and ETA from the done units: the line itself, and the bar an admin sees on a
// terminal during a drain whose first unit fails.
#include "push/drain_progress.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

TEST(DrainProgressLine, CountsDoneFailedAndLeftApartAndTakesTheRateFromDoneUnitsOnly) {
  push::DrainProgress progress(3, 8600);
  EXPECT_EQ(progress.Line(1.0),
            "drain: 0 done, 0 failed, 3 left of 3 units, 0 B of 8.4 KiB, 0 B/s, ETA unknown");
  progress.Failed(3600);
  EXPECT_EQ(progress.Line(2.0),
            "drain: 0 done, 1 failed, 2 left of 3 units, 0 B of 8.4 KiB, 0 B/s, ETA unknown")
      << "a failed unit is neither done nor moved bytes";
  progress.Done(3000);
  // 3000 bytes in 2 s: 1.5 KiB/s; the 2000 bytes left take 1 s more.
  EXPECT_EQ(progress.Line(2.0),
            "drain: 1 done, 1 failed, 1 left of 3 units, 2.9 KiB of 8.4 KiB, 1.5 KiB/s, ETA 1 s");
  progress.Done(2000);
  EXPECT_EQ(progress.Line(4.0),
            "drain: 2 done, 1 failed, 0 left of 3 units, 4.9 KiB of 8.4 KiB, 1.2 KiB/s, ETA 0 s");
}

class DrainProgressBar : public PushDrain {};

TEST_F(DrainProgressBar, ADrainWhoseFirstUnitFailsShowsItFailedNotDone) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-progress");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket));
  // The snapshot chain (3600 bytes, pushed first: largest first) cannot be read.
  std::filesystem::remove(nfs_ + "/snapshots/2/31/snap-12.vhd");
  // One unit at a time; before the last one is recorded, a pause longer than the bar's redraw
  // interval, so that the bar is drawn for the first unit and for the last.
  const CommandResult r = RunCsmigrateWithTerminalStderr(
      {"drain", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_, "--jobs", "1"},
      {"CSM_TEST_DRAIN_PAUSE=2:1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("\r\033[Kdrain: 0 done, 1 failed, 2 left of 3 units, 0 B of 8.4 KiB, 0 "
                       "B/s, ETA unknown"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("\r\033[Kdrain: 2 done, 1 failed, 0 left of 3 units, 4.9 KiB of 8.4 KiB, "),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(" 3 done"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("pushed 2 of 3 units"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed: snapshots of volume 31 (3): "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace csm::test
