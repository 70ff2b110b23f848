// push --bwlimit against the Swift all-in-one's S3 API: the limit holds the upload to its rate
// (only a lower bound on time is asserted), and a value that is not a rate is exit 2 naming it.
#include <gtest/gtest.h>

#include <chrono>

#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

TEST_F(PushDrain, BwlimitHoldsAPushToItsRate) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-bwlimit");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket), /*template_size=*/3 << 20);
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = Run("push", {"template", "201", "--bwlimit", "1M"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 3 MiB at 1 MiB/s: the first second's worth passes at once, the other 2 MiB take 2 s.
  EXPECT_GE(seconds, 2.0);
  EXPECT_EQ(Cell(db_, "SELECT physical_size FROM template_store_ref WHERE id = 2"),
            std::to_string(3 << 20));
}

TEST_F(PushDrain, BwlimitThatIsNotARateIsExit2NamingIt) {
  for (const std::string value : {"10X", "-1M", "fast", "1M:512K"}) {
    const CommandResult r = RunCsmigrate(
        {"push", "--db", "sqlite:///nonexistent/cloud.db", "template", "201", "--bwlimit", value});
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.err;
    EXPECT_NE(r.err.find("--bwlimit"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'" + value + "'"), std::string::npos) << r.err;
  }
  const CommandResult drain =
      RunCsmigrate({"drain", "--db", "sqlite:///nonexistent/cloud.db", "--bwlimit", "1.5Q"});
  EXPECT_EQ(drain.exit_code, 2) << drain.err;
  EXPECT_NE(drain.err.find("'1.5Q'"), std::string::npos) << drain.err;
}

}  // namespace
}  // namespace csm::test
