// reconcile's repair script on MariaDB and PostgreSQL with hostile values: a suggested statement
// for an install_path holding quotes, backslashes or control characters, run as a person would
// run it, changes exactly its row and injects nothing (on MySQL, \' is no end of the literal); a
// MySQL BIGINT UNSIGNED ref_cnt or physical_size above 2^63-1 (CloudStack's wrapped counter) is
// read and shown exactly, and its repair matches the row.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fixture/fixture.h"
#include "repair_script_support.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

const std::string kListedKey = "template/tmpl/2/201/U/x\\'; DROP TABLE vm_template; -- .qcow2";

using Case = std::tuple<std::string, std::string>;  // backend, install_path of row 1

class HostileRepairOnServer : public ::testing::TestWithParam<Case> {};

int64_t Count(db::Connection& conn, const std::string& sql, const std::vector<db::Value>& params) {
  auto n = db::QueryInt(conn, sql, params);
  EXPECT_TRUE(n.ok()) << n.status().message();
  return n.ok() ? *n : -1;
}

// "id:install_path;" of every template_store_ref row but #1.
std::string OtherPaths(db::Connection& conn) {
  std::string text;
  EXPECT_TRUE(conn.ForEachRow("SELECT id, install_path FROM template_store_ref WHERE id <> 1 "
                              "ORDER BY id",
                              {},
                              [&](const db::Row& row) {
                                text += db::ToDisplay(row[0]) + ":" + db::ToDisplay(row[1]) + ";";
                                return true;
                              })
                  .ok());
  return text;
}

TEST_P(HostileRepairOnServer, TheSuggestedStatementChangesExactlyItsRow) {
  CSM_REQUIRE_SERVER(backend, std::get<0>(GetParam()));
  ScratchDatabase db(backend, "4.22");
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const std::string hostile = std::get<1>(GetParam());
  ASSERT_TRUE(db.conn()
                  .Execute("UPDATE template_store_ref SET install_path = ? WHERE id = 1", {hostile})
                  .ok());
  const int64_t templates = Count(db.conn(), "SELECT COUNT(*) FROM vm_template", {});
  const int64_t rows = Count(db.conn(), "SELECT COUNT(*) FROM template_store_ref", {});
  const std::string others = OtherPaths(db.conn());

  const std::string script = RepointRepairScript(db.conn().dialect(), 1, hostile, kListedKey);
  for (unsigned char c : script) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c != 0x7F)) << script;
  const std::string statement =
      SuggestedStatement(script, "UPDATE template_store_ref SET install_path = ");
  ASSERT_FALSE(statement.empty()) << script;
  const Status ran = db.conn().ExecuteScript(statement);
  ASSERT_TRUE(ran.ok()) << ran.message() << "\n" << statement;

  EXPECT_EQ(Count(db.conn(), "SELECT COUNT(*) FROM vm_template", {}), templates) << statement;
  EXPECT_EQ(Count(db.conn(), "SELECT COUNT(*) FROM template_store_ref", {}), rows);
  EXPECT_EQ(
      Count(db.conn(), "SELECT COUNT(*) FROM template_store_ref WHERE id = 1 AND install_path = ?",
            {kListedKey}),
      1)
      << statement;
  EXPECT_EQ(OtherPaths(db.conn()), others);
}

INSTANTIATE_TEST_SUITE_P(
    Values, HostileRepairOnServer,
    ::testing::Combine(::testing::Values("mysql", "postgresql"),
                       ::testing::Values("z\\' WHERE 1=0; DROP TABLE vm_template; -- ",
                                         "a\nb\x1b[31mc\\", "it's \\\\ caf\xc3\xa9")),
    [](const auto& info) { return std::get<0>(info.param) + "_" + std::to_string(info.index); });

TEST(UnsignedCountsOnMysql, AWrappedRefCntIsShownExactlyAndItsRepairMatchesTheRow) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend, "4.22");
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const CommandResult applied = RunCsmigrate(
      {"apply", "--db", db.url(), "--provider", "S3", "--name", "s3", "--detail", "bucket=b",
       "--detail", "accesskey=a", "--detail", "secretkey=s", "--detail", "endpoint=127.0.0.1:9"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ScratchDir dir;
  const std::string nfs = dir.File("nfs");
  MakeSizedFile(nfs + "/" + kBasicS3TemplatePath, 523763712);
  MakeSizedFile(nfs + "/" + kBasicS3SnapshotPath, 1395261440);
  MakeSizedFile(nfs + "/" + kBasicS3VolumePath, 1073741824);
  ASSERT_TRUE(db.conn()
                  .Execute("UPDATE template_store_ref SET ref_cnt = 18446744073709551615 WHERE id "
                           "= 1")
                  .ok());
  ASSERT_TRUE(db.conn()
                  .Execute("UPDATE volume_store_ref SET physical_size = 18446744073709551615 "
                           "WHERE id = 1")
                  .ok());

  const std::string repair = dir.File("repair.sql");
  const CommandResult r = RunCsmigrate({"reconcile", "--db", db.url(), "--store", "1", "--nfs-root",
                                        "1=" + nfs, "--repair-sql", repair});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("ref_cnt 18446744073709551615 is impossible"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("physical_size 18446744073709551615 in the row is impossible"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("ref_cnt -1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[db -1 B"), std::string::npos) << r.out;
  std::ifstream in(repair);
  const std::string script((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(script.find("WHERE id = 1 AND ref_cnt = 18446744073709551615;"), std::string::npos)
      << script;
  ASSERT_TRUE(db.conn().ExecuteScript(script).ok()) << script;
  EXPECT_EQ(
      Count(db.conn(), "SELECT COUNT(*) FROM template_store_ref WHERE id = 1 AND ref_cnt <= 1", {}),
      1)
      << script;
}

}  // namespace
}  // namespace csm::test
