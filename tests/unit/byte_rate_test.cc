#include "common/byte_rate.h"

#include <gtest/gtest.h>

namespace csm {
namespace {

std::optional<int64_t> Rate(const std::string& text) {
  auto rate = ParseByteRate(text, "--bwlimit");
  EXPECT_TRUE(rate.ok()) << text << ": " << rate.status().message();
  return rate.ok() ? *rate : std::optional<int64_t>(-1);
}

TEST(ByteRate, ReadsRcloneSuffixesAs1024Based) {
  EXPECT_EQ(Rate("10M"), 10 * 1024 * 1024);
  EXPECT_EQ(Rate("512K"), 512 * 1024);
  EXPECT_EQ(Rate("512k"), 512 * 1024);
  EXPECT_EQ(Rate("1.5G"), int64_t{3} << 29);
  EXPECT_EQ(Rate("2T"), int64_t{2} << 40);
  EXPECT_EQ(Rate("100B"), 100);
  EXPECT_EQ(Rate("1M"), 1 << 20);
  EXPECT_EQ(Rate("0.5K"), 512);
  EXPECT_EQ(Rate("1.B"), 1);
  EXPECT_EQ(Rate("10"), 10 * 1024) << "a bare number is KiB/s, as in rclone";
}

TEST(ByteRate, OffAndZeroMeanNoLimit) {
  EXPECT_EQ(Rate("off"), std::nullopt);
  EXPECT_EQ(Rate("0"), std::nullopt);
  EXPECT_EQ(Rate("0M"), std::nullopt);
  EXPECT_EQ(Rate("0.0"), std::nullopt);
}

TEST(ByteRate, RefusesAnythingElseNamingTheFlagAndTheValue) {
  for (const std::string text : {"", "M", "10X", "-1M", "+1M", "1e3", " 10M", "10M ", "10MB",
                                 "1.2.3", ".", "10M:1M", "08:00,512K", "0.5B", "1K/s", "on"}) {
    auto rate = ParseByteRate(text, "--bwlimit");
    ASSERT_FALSE(rate.ok()) << "'" << text << "'";
    EXPECT_EQ(rate.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(rate.status().message().find("--bwlimit '" + text + "'"), std::string::npos)
        << rate.status().message();
  }
}

}  // namespace
}  // namespace csm
