// Values checked against their columns before the first write, on MariaDB and PostgreSQL: a
// character past U+FFFF for a MySQL utf8 (utf8mb3) column, refused by parameter and column before
// the server would refuse it mid-run (exit 2, AUTO_INCREMENT counters untouched); and a pin that
// would carry a staging ref_cnt past its column's range (exit 4, where the servers failed
// mid-run with "Out of range" / "bigint out of range", exit 7).
#include <gtest/gtest.h>

#include "fixture/fixture.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

const std::string kEmoji = "\xF0\x9F\x98\x80";  // U+1F600, 4 bytes in UTF-8

void LoadBasicS3(db::Connection& conn) {
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  Status loaded = fixture::LoadBeforeRows(conn, *fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
}

// The next AUTO_INCREMENT value of each table the conversion inserts into.
std::string AutoIncrements(db::Connection& conn) {
  auto r = conn.Query(
      "SELECT table_name, auto_increment FROM information_schema.tables WHERE table_schema = "
      "DATABASE() AND table_name IN ('image_store', 'image_store_details', "
      "'template_store_ref', 'snapshot_store_ref', 'volume_store_ref') ORDER BY table_name");
  EXPECT_TRUE(r.ok()) << r.status().message();
  std::string text;
  if (r.ok()) {
    for (const auto& row : r->rows)
      text += db::ToDisplay(row[0]) + "=" + db::ToDisplay(row[1]) + " ";
  }
  return text;
}

TEST(ServerValueLimits, ACharacterPastU0000FFFFIsRefusedByAUtf8mb3ColumnBeforeTheFirstWrite) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);  // CloudStack 4.3's schema: DEFAULT CHARSET=utf8
  LoadBasicS3(db.conn());
  const std::string tables = DumpCloudTables(db.conn());
  const std::string counters = AutoIncrements(db.conn());
  CommandResult name = RunCsmigrate(ServerApply(db.url(), "s3-" + kEmoji, "s3cr3t"));
  EXPECT_EQ(name.exit_code, 2) << name.err;
  for (const std::string& text : std::vector<std::string>{
           "$store_name (from --name, --url) is not storable in image_store.name (varchar(255))",
           "holds only characters up to U+FFFF (utf8mb3)", "its character 4 is one past U+FFFF",
           "nothing was changed"}) {
    EXPECT_NE(name.err.find(text), std::string::npos) << name.err;
  }
  CommandResult secret = RunCsmigrate(ServerApply(db.url(), "s3-region", "zq" + kEmoji + "xw"));
  EXPECT_EQ(secret.exit_code, 2) << secret.err;
  EXPECT_NE(secret.err.find("--detail secretkey (as stored) is not storable in "
                            "image_store_details.value"),
            std::string::npos)
      << secret.err;
  EXPECT_EQ((secret.out + secret.err).find("zq"), std::string::npos) << "the secret was shown";
  EXPECT_EQ(DumpCloudTables(db.conn()), tables);
  EXPECT_EQ(AutoIncrements(db.conn()), counters);
}

TEST(ServerValueLimits, AUtf8mb4ColumnAndPostgresqlTakeACharacterPastU0000FFFF) {
  for (const std::string server : {"mysql", "postgresql"}) {
    CSM_REQUIRE_SERVER(backend, server);
    ScratchDatabase db(backend);
    LoadBasicS3(db.conn());
    if (server == "mysql") {  // as CloudStack 4.20+ declares its names
      auto altered = db.conn().Execute(
          "ALTER TABLE image_store MODIFY name varchar(255) CHARACTER SET utf8mb4", {});
      ASSERT_TRUE(altered.ok()) << altered.status().message();
    }
    CommandResult r = RunCsmigrate(ServerApply(db.url(), "s3-" + kEmoji, "s3cr3t"));
    ASSERT_EQ(r.exit_code, 0) << server << ": " << r.err;
    auto stored = db.conn().Query("SELECT name FROM image_store WHERE name LIKE 's3-%'");
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    ASSERT_EQ(stored->rows.size(), 1u);
    EXPECT_EQ(db::ToDisplay(stored->rows[0][0]), "s3-" + kEmoji) << server;
  }
}

class ServerPinOverflow : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerPinOverflow, AStagingCountAtItsLimitIsRefusedBeforeTheStepWrites) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadBasicS3(db.conn());
  // MySQL's ref_cnt is bigint unsigned, PostgreSQL's bigint: each at its top.
  const std::string top = GetParam() == "mysql" ? "18446744073709551615" : "9223372036854775807";
  auto set = db.conn().Execute("UPDATE template_store_ref SET ref_cnt = " + top + " WHERE id = 1");
  ASSERT_TRUE(set.ok()) << set.status().message();
  const std::string tables = DumpCloudTables(db.conn());
  CommandResult r = RunCsmigrate(ServerApply(db.url(), "s3-region", "s3cr3t"));
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("would pin template_store_ref row 1: its ref_cnt " + top +
                       " plus 1 is past 9223372036854775807"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), tables);
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerPinOverflow, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
