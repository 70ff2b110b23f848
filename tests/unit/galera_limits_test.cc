#include "apply/galera_limits.h"

#include <gtest/gtest.h>

namespace csm::apply {
namespace {

std::vector<StepOutcome> Steps(int64_t rows, int64_t pinned) {
  StepOutcome a;
  a.rows = rows - pinned;
  StepOutcome b;
  b.rows = pinned;
  b.pinned = pinned;
  return {a, b};
}

TEST(GaleraLimits, EstimateCountsEachChangedRowThriceAndEachPickOnce) {
  const WriteSetEstimate none = EstimateWriteSet({});
  const WriteSetEstimate some = EstimateWriteSet(Steps(1000, 100));
  EXPECT_EQ(some.rows - none.rows, 3 * 1000 + 100);
  // Measured: ~400 bytes per changed row with its journal rows; the estimate stays above that.
  EXPECT_GE(some.bytes - none.bytes, 1000 * 400);
  // Linear in the rows changed.
  const WriteSetEstimate more = EstimateWriteSet(Steps(2000, 200));
  EXPECT_EQ(more.rows - none.rows, 2 * (some.rows - none.rows));
  EXPECT_EQ(more.bytes - none.bytes, 2 * (some.bytes - none.bytes));
}

TEST(GaleraLimits, NotGaleraAlwaysFits) {
  EXPECT_TRUE(CheckWriteSetFits({}, {1'000'000'000, 1'000'000'000'000}).ok());
}

TEST(GaleraLimits, RowLimitNamesTheSettingAndTheValueNeeded) {
  GaleraLimits limits{true, 5000, kGaleraMaxWsSizeCeiling, 0};
  EXPECT_TRUE(CheckWriteSetFits(limits, {5000, 100}).ok());
  Status s = CheckWriteSetFits(limits, {5001, 100});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kPrecondition);
  EXPECT_NE(s.message().find("wsrep_max_ws_rows = 5000"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at least 5001"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nothing was written"), std::string::npos) << s.message();
  // Streaming replication does not lift the row limit.
  limits.fragment_size = 10000;
  EXPECT_FALSE(CheckWriteSetFits(limits, {5001, 100}).ok());
}

TEST(GaleraLimits, SizeLimitAdvisesTheSettingOrStreamingReplication) {
  GaleraLimits limits{true, 0, 1 << 20, 0};
  EXPECT_TRUE(CheckWriteSetFits(limits, {10, 1 << 20}).ok());
  Status s = CheckWriteSetFits(limits, {10, (1 << 20) + 1});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kPrecondition);
  EXPECT_NE(s.message().find("wsrep_max_ws_size = 1048576"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at least 1048577"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("wsrep_trx_fragment_size"), std::string::npos) << s.message();
  // Past the setting's 2 GiB maximum only streaming replication is offered.
  Status huge = CheckWriteSetFits(limits, {10, kGaleraMaxWsSizeCeiling + 1});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.message().find("at least"), std::string::npos) << huge.message();
  EXPECT_NE(huge.message().find("wsrep_trx_fragment_size"), std::string::npos);
  // With streaming replication on, the size is no limit.
  limits.fragment_size = 10000;
  EXPECT_TRUE(CheckWriteSetFits(limits, {10, kGaleraMaxWsSizeCeiling + 1}).ok());
}

TEST(GaleraLimits, RecognisesTheServersWriteSetErrors) {
  EXPECT_TRUE(IsWriteSetLimitError(
      Status(ErrorCode::kDatabase, "mysql (x): wsrep_max_ws_rows exceeded [in: INSERT]")));
  EXPECT_TRUE(IsWriteSetLimitError(
      Status(ErrorCode::kDatabase, "mysql (x): Maximum writeset size exceeded [in: COMMIT]")));
  EXPECT_FALSE(IsWriteSetLimitError(Status(ErrorCode::kDatabase, "mysql (x): Deadlock found")));
  EXPECT_FALSE(IsWriteSetLimitError(Status::Ok()));
}

}  // namespace
}  // namespace csm::apply
