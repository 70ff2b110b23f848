// Replays every fixture in fixtures/ on a fresh SQLite database: the rows after the run must be
// exactly the expected ones (or the run refused as expected, with nothing changed).
#include <gtest/gtest.h>

#include <filesystem>

#include "db/database_url.h"
#include "fixture/replay.h"
#include "rules/rule_loader.h"
#include "test_support.h"

namespace csm::test {
namespace {

// (schema version, fixture): every fixture on both CloudStack table shapes.
class GoldenFixture : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(GoldenFixture, ReplaysExactly) {
  const auto& [version, name] = GetParam();
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, "", version);
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/" + name);
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  auto rules = rules::LoadRuleFile(SourceDir() + "/rules/nfs-to-object-store.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  auto conn = db::OpenDatabase(*db::ParseDatabaseUrl("sqlite://" + db));
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  auto report = fixture::Replay(**conn, *rules, *fixture);
  ASSERT_TRUE(report.ok()) << report.status().message();
  for (const auto& d : report->differences) {
    ADD_FAILURE() << d.table << " " << d.row << ": " << d.what;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenFixture,
                         ::testing::Combine(::testing::Values("4.3", "4.22"),
                                            ::testing::ValuesIn(FixtureNames())),
                         [](const auto& info) {
                           std::string name =
                               std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           for (char& c : name) {
                             if (c == '-' || c == '.') c = '_';
                           }
                           return name;
                         });

// The comparison itself must be able to fail: a wrong expectation is reported.
TEST(GoldenFixtureComparison, ReportsAWrongExpectedValue) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  auto conn = db::OpenDatabase(*db::ParseDatabaseUrl("sqlite://" + db));
  ASSERT_TRUE(conn.ok());
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  fixture::Tables expected = fixture->before;
  ASSERT_FALSE(expected["image_store"].empty());
  for (auto& [column, value] : expected["image_store"][0]) {
    if (column == "role") value = std::string("Bogus");
  }
  auto diffs = fixture::CompareTables(**conn, fixture->before, expected);
  ASSERT_TRUE(diffs.ok());
  ASSERT_EQ(diffs->size(), 1u);
  EXPECT_NE((*diffs)[0].what.find("role: expected 'Bogus'"), std::string::npos);
}

// CloudStack's own tables have NOT NULL columns without a DEFAULT (vm_template.unique_name, ...).
// A fixture row that leaves one out is loaded with the zero of the column's type, and compared
// against that same value; other left-out columns keep their DEFAULT or NULL.
TEST(GoldenFixtureComparison, RequiredColumnsARowLeavesOutGetTheZeroOfTheirType) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, "");
  auto conn = db::OpenDatabase(*db::ParseDatabaseUrl("sqlite://" + db));
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  auto created = (*conn)->Execute(
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n bigint unsigned NOT NULL, "
      "s varchar(9) NOT NULL, d datetime NOT NULL, k varchar(5) NOT NULL DEFAULT 'x', z int)");
  ASSERT_TRUE(created.ok()) << created.status().message();
  fixture::Fixture f;
  f.directory = "inline";
  f.before["t"] = {{{"id", int64_t{1}}}, {{"id", int64_t{2}}, {"n", int64_t{7}}}};
  f.before_order = {"t"};
  ASSERT_TRUE(fixture::LoadBeforeRows(**conn, f).ok());

  auto rows = (*conn)->Query("SELECT id, n, s, d, k, z FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 2u);
  const db::Row& first = rows->rows[0];
  EXPECT_EQ(db::ToDisplay(first[1]), "0");
  EXPECT_EQ(db::ToDisplay(first[2]), "");
  EXPECT_EQ(db::ToDisplay(first[3]), "1970-01-01 00:00:00");
  EXPECT_EQ(db::ToDisplay(first[4]), "x");
  EXPECT_TRUE(db::IsNull(first[5]));
  EXPECT_EQ(db::ToDisplay(rows->rows[1][1]), "7");

  auto same = fixture::CompareTables(**conn, f.before, {});
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_TRUE(same->empty());
  fixture::Tables expected;
  expected["t"] = {{{"id", int64_t{1}}, {"n", int64_t{5}}}, {{"id", int64_t{2}}}};
  auto diffs = fixture::CompareTables(**conn, f.before, expected);
  ASSERT_TRUE(diffs.ok());
  ASSERT_EQ(diffs->size(), 1u);
  EXPECT_EQ((*diffs)[0].row, "id 1");
  EXPECT_NE((*diffs)[0].what.find("n: expected 5, got 0"), std::string::npos) << (*diffs)[0].what;
}

}  // namespace
}  // namespace csm::test
