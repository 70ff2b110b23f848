// Every value a run binds into a written column is checked against that column's declared type
// and width before the first write: too long (or not a number where one is due), it is refused
// with exit 2 naming the parameter, the table.column, its width and the value's length, and the
// database file stays byte for byte the same (on SQLite, which would store it anyway).
#include <gtest/gtest.h>

#include "test_support.h"

namespace csm::test {
namespace {

struct TooLong {
  std::string label;
  std::string name;                // --name
  std::vector<std::string> extra;  // appended to a valid S3 apply
  std::vector<std::string> says;
};

void PrintTo(const TooLong& t, std::ostream* os) {
  *os << t.label;
}

class ColumnWidth : public ::testing::TestWithParam<TooLong> {};

TEST_P(ColumnWidth, ValuesLongerThanTheirColumnAreRefusedBeforeAnyWrite) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string digest = FileDigest(db);
  for (const char* command : {"plan", "apply"}) {
    std::vector<std::string> args = S3Args(command, db, GetParam().name);
    args.insert(args.end(), GetParam().extra.begin(), GetParam().extra.end());
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    for (const auto& text : GetParam().says) {
      EXPECT_NE(r.err.find(text), std::string::npos) << command << ": " << r.err;
    }
    EXPECT_LT(r.err.size(), 1000u) << "the value itself must not be echoed";
  }
  EXPECT_EQ(FileDigest(db), digest);
}

// n two-byte characters (é): what a width counts is characters, not bytes.
std::string TwoByteCharacters(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\xC3\xA9";
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Values, ColumnWidth,
    ::testing::Values(TooLong{"name",
                              std::string(10000, 'n'),
                              {},
                              {"--name", "10000 characters long", "image_store.name (VARCHAR(255))",
                               "at most 255"}},
                      TooLong{"name_in_utf8",
                              TwoByteCharacters(256),
                              {},
                              {"--name", "256 characters long", "at most 255"}},
                      TooLong{"url",
                              "s3-region",
                              {"--url", "https://s3.example.org/" + std::string(10000, 'u')},
                              {"--url", "10023 characters long", "image_store.url (VARCHAR(255))"}},
                      TooLong{"detail_key",
                              "s3-region",
                              {"--detail", std::string(300, 'k') + "=v"},
                              {"the key of --detail", "300 characters long",
                               "image_store_details.name (VARCHAR(255))"}}),
    [](const auto& info) { return info.param.label; });

TEST(ColumnWidthFits, ValuesExactlyAsWideAsTheirColumnAreWritten) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string name(255, 'n');
  const CommandResult r = RunCsmigrate(S3Args("apply", db, name));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Cell(db, "SELECT length(name) FROM image_store WHERE name LIKE 'nnn%'"), "255");
}

}  // namespace
}  // namespace csm::test
