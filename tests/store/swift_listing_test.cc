// Parsing of Swift's JSON listings: a damaged page is an error, never a shorter listing.
#include "store/swift_listing.h"

#include <gtest/gtest.h>

#include <string>

namespace csm::store {
namespace {

constexpr char kWhere[] = "account test at http://swift";
constexpr char kWhat[] = "the listing of T-5";

Result<std::vector<SwiftListingEntry>> Parse(std::string_view body, std::string_view prefix = "",
                                             std::string_view marker = "") {
  return ParseSwiftListing(body, prefix, marker, kWhere, kWhat);
}

TEST(SwiftListing, ReadsEveryEntryAndItsMembers) {
  const auto entries = Parse(R"([
    {"name": "a.qcow2", "bytes": 5, "hash": "9dd4e461268c8034f5c8564e155c67a6",
     "last_modified": "2026-11-25T10:34:58.947690", "content_type": "application/octet-stream"},
    {"name": "big", "bytes": 6442450944, "hash": "0f", "slo_etag": "\"0123\"", "last_modified": 7}
  ])");
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].name, "a.qcow2");
  EXPECT_EQ((*entries)[0].bytes, 5);
  EXPECT_EQ((*entries)[0].hash, "9dd4e461268c8034f5c8564e155c67a6");
  EXPECT_EQ((*entries)[0].slo_etag, "");
  EXPECT_EQ((*entries)[0].last_modified, "2026-11-25T10:34:58.947690");
  EXPECT_EQ((*entries)[1].bytes, 6442450944);
  EXPECT_EQ((*entries)[1].slo_etag, "\"0123\"");
  EXPECT_EQ((*entries)[1].last_modified, "") << "a member that is not a string reads as empty";
  EXPECT_TRUE(Parse("[]")->empty());
}

TEST(SwiftListing, ADamagedPageIsAnIoErrorNamingTheListing) {
  const struct {
    const char* body;
    const char* says;
  } cases[] = {
      {"[{\"name\": \"a\", \"bytes\": 1}", "with invalid JSON"},
      {"{\"name\": \"a\", \"bytes\": 1}", "with invalid JSON"},
      {"[{\"name\": \"a\"}]", "without a name and size"},
      {"[{\"name\": \"a\", \"bytes\": \"1\"}]", "without a name and size"},
      {"[{\"name\": \"\", \"bytes\": 1}]", "without a name and size"},
      {"[\"a\"]", "without a name and size"},
      {"[{\"name\": \"b\", \"bytes\": 1}, {\"name\": \"a\", \"bytes\": 1}]", "out of order"},
      {"[{\"name\": \"a\", \"bytes\": 1}, {\"name\": \"a\", \"bytes\": 1}]", "out of order"},
  };
  for (const auto& c : cases) {
    const auto entries = Parse(c.body);
    ASSERT_FALSE(entries.ok()) << c.body;
    EXPECT_EQ(entries.status().code(), ErrorCode::kIo) << c.body;
    EXPECT_NE(entries.status().message().find(c.says), std::string::npos)
        << entries.status().message();
    EXPECT_NE(entries.status().message().find(std::string("Swift ") + kWhere), std::string::npos)
        << entries.status().message();
    EXPECT_NE(entries.status().message().find(kWhat), std::string::npos)
        << entries.status().message();
  }
}

TEST(SwiftListing, NamesMustFollowTheMarkerAndStartWithThePrefix) {
  EXPECT_TRUE(Parse(R"([{"name": "T-5/b", "bytes": 1}])", "T-5/", "T-5/a").ok());
  const auto outside = Parse(R"([{"name": "T-6/a", "bytes": 1}])", "T-5/");
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.status().message().find("outside prefix \"T-5/\""), std::string::npos)
      << outside.status().message();
  const auto before = Parse(R"([{"name": "a", "bytes": 1}])", "", "b");
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.status().message().find("\"a\" after \"b\""), std::string::npos)
      << before.status().message();
  EXPECT_TRUE(Parse(R"([{"name": "\u00e9", "bytes": 1}])", "", "z").ok())
      << "names compare as bytes: UTF-8 sorts after ASCII";
}

}  // namespace
}  // namespace csm::store
