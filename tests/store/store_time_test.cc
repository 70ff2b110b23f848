#include "store/store_time.h"

#include <gtest/gtest.h>

namespace csm::store {
namespace {

TEST(StoreTime, HttpDatesBecomeS3ListingTimes) {
  EXPECT_EQ(HttpDateToIso8601("Sun, 06 Nov 1994 08:49:37 GMT"), "1994-11-06T08:49:37.000Z");
  EXPECT_EQ(HttpDateToIso8601("Wed, 25 Nov 2026 10:35:01 GMT"), "2026-11-25T10:35:01.000Z");
  EXPECT_EQ(HttpDateToIso8601(""), "");
  EXPECT_EQ(HttpDateToIso8601("Sun, 06 Foo 1994 08:49:37 GMT"), "");
  EXPECT_EQ(HttpDateToIso8601("Sun, 06 Nov 1994 08:49:37 GMT trailing"), "");
}

TEST(StoreTime, SwiftTimestampsBecomeSwiftListingTimes) {
  EXPECT_EQ(SwiftTimestampToIso8601("1795602898.94769"), "2026-11-25T10:34:58.947690");
  EXPECT_EQ(SwiftTimestampToIso8601("1795602900.20651"), "2026-11-25T10:35:00.206510");
  EXPECT_EQ(SwiftTimestampToIso8601("0"), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(SwiftTimestampToIso8601(""), "");
  EXPECT_EQ(SwiftTimestampToIso8601("12x.5"), "");
  EXPECT_EQ(SwiftTimestampToIso8601("12.1234567"), "");
}

}  // namespace
}  // namespace csm::store
