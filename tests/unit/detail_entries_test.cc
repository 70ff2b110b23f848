#include "rules/detail_entries.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace csm::rules {
namespace {

const std::set<std::string> kKnown = {"bucket", "accesskey", "secretkey", "endpoint", "key"};

TEST(DetailEntries, TrimsKeysAndValuesOfSpacesTabsAndCarriageReturns) {
  auto entry = ParseDetailEntry(" secretkey =\tX y \r", "--detail", kKnown);
  ASSERT_TRUE(entry.ok()) << entry.status().message();
  EXPECT_EQ(entry->first, "secretkey");
  EXPECT_EQ(entry->second, "X y");
  entry = ParseDetailEntry("endpoint=http://h:9000/?a=b", "--detail", kKnown);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->second, "http://h:9000/?a=b") << "the value keeps every later '='";
}

// A line holding a secret is never echoed: the error names where it is and, when the line starts
// with a known detail name, that name.
TEST(DetailEntries, ErrorsNameTheOriginAndKeyButNeverTheValue) {
  auto entry = ParseDetailEntry("secretkey: wJalrXUtnFEMI", "s3.properties:3", kKnown);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(entry.status().message().find("s3.properties:3: expected KEY=VALUE (the entry "
                                          "starting with 'secretkey')"),
            std::string::npos)
      << entry.status().message();
  EXPECT_EQ(entry.status().message().find("wJalr"), std::string::npos);
  // A bare secret on its own line: its first word is not a detail name, so nothing is quoted.
  entry = ParseDetailEntry("wJalrXUtnFEMI", "s3.properties:4", kKnown);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().message().find("wJalr"), std::string::npos) << entry.status().message();
  for (const char* bad : {"=value-secret", " \t=value-secret", "secret key=value-secret"}) {
    entry = ParseDetailEntry(bad, "--detail", kKnown);
    ASSERT_FALSE(entry.ok()) << bad;
    EXPECT_EQ(entry.status().message().find("value-secret"), std::string::npos)
        << entry.status().message();
  }
}

TEST(DetailEntries, ReadsACrlfFileSkippingBlanksAndComments) {
  test::ScratchDir dir;
  const std::string path = dir.File("s3.properties");
  std::ofstream(path, std::ios::binary)
      << "# S3\r\nbucket=b\r\n\r\n  # indented comment\r\n   \r\nsecretkey =X\r\naccesskey = a\r\n";
  auto entries = ReadDetailsFile(path, kKnown);
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  EXPECT_EQ(*entries, (KeyValues{{"bucket", "b"}, {"secretkey", "X"}, {"accesskey", "a"}}));
}

TEST(DetailEntries, ReadsNoFurtherThanTheBadLineAndNamesIt) {
  test::ScratchDir dir;
  const std::string path = dir.File("s3.properties");
  std::ofstream(path) << "bucket=b\nsecretkey: hunter2\n";
  auto entries = ReadDetailsFile(path, kKnown);
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.status().message().find(path + ":2: expected KEY=VALUE"), std::string::npos)
      << entries.status().message();
  EXPECT_EQ(entries.status().message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace csm::rules
