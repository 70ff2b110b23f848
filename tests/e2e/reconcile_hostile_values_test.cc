// reconcile on SQLite with hostile values in the database and on the export: a repair statement
// suggested for a value holding quotes, backslashes, control characters or bytes that are not
// UTF-8 matches exactly its row when run, and injects nothing; a download_state CloudStack does not
// define is named, with no repair guessed; a negative physical_size is impossible, never a size;
// a template.properties larger than 1 MiB is a finding, never read whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "db/database_url.h"
#include "db/sqlite_dialect.h"
#include "repair_script_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

const std::string kListedKey = "template/tmpl/2/201/U/x\\'; DROP TABLE vm_template; -- .qcow2";

class HostileRepairOnSqlite : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileRepairOnSqlite, TheSuggestedStatementChangesExactlyItsRow) {
  ScratchDir dir;
  const std::string path = dir.File("cloud.db");
  CreateCloudDb(path, SourceDir() + "/fixtures/basic-s3");
  auto url = db::ParseDatabaseUrl("sqlite://" + path);
  ASSERT_TRUE(url.ok());
  auto conn = db::OpenDatabase(*url);
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  ASSERT_TRUE(
      (*conn)
          ->Execute("UPDATE template_store_ref SET install_path = ? WHERE id = 1", {GetParam()})
          .ok());
  const std::string templates = Cell(path, "SELECT COUNT(*) FROM vm_template");
  const std::string others =
      Cell(path,
           "SELECT group_concat(id || ':' || install_path, '|') FROM template_store_ref "
           "WHERE id <> 1");

  const std::string script = RepointRepairScript((*conn)->dialect(), 1, GetParam(), kListedKey);
  for (unsigned char c : script) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c != 0x7F)) << script;
  const std::string statement =
      SuggestedStatement(script, "UPDATE template_store_ref SET install_path = ");
  ASSERT_FALSE(statement.empty()) << script;
  ASSERT_TRUE((*conn)->ExecuteScript(statement).ok()) << statement;

  EXPECT_EQ(Cell(path, "SELECT COUNT(*) FROM vm_template"), templates) << statement;
  auto moved = (*conn)->Query("SELECT install_path FROM template_store_ref WHERE id = 1");
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->rows.size(), 1u);
  EXPECT_EQ(db::TextOrEmpty(moved->rows[0][0]), kListedKey) << statement;
  EXPECT_EQ(Cell(path,
                 "SELECT group_concat(id || ':' || install_path, '|') FROM "
                 "template_store_ref WHERE id <> 1"),
            others);
}

INSTANTIATE_TEST_SUITE_P(Values, HostileRepairOnSqlite,
                         ::testing::Values("z\\' WHERE 1=0; DROP TABLE vm_template; -- ",
                                           "a\nb\x1b[31mc", "x\xff\xfe/it's"));

// basic-s3 converted to S3, and the export of store 1 holding what its rows claim.
class HostileValuesOnNfs : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    const CommandResult applied = RunCsmigrate(S3Args("apply", db_));
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    MakeSizedFile(nfs_ + "/" + kBasicS3TemplatePath, 523763712);
    fs::create_directories(nfs_ + "/template/tmpl/2/201");
    std::ofstream(nfs_ + "/template/tmpl/2/201/template.properties")
        << "filename=201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2\n"
           "uniquename=201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f\nvirtualsize=10737418240\n"
           "size=523763712\n";
    MakeSizedFile(nfs_ + "/" + kBasicS3SnapshotPath, 1395261440);
    MakeSizedFile(nfs_ + "/" + kBasicS3VolumePath, 1073741824);
  }

  CommandResult Reconcile(std::vector<std::string> extra) {
    std::vector<std::string> args = {"reconcile", "--db",       "sqlite://" + db_, "--store",
                                     "1",         "--nfs-root", "1=" + nfs_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  }

  std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
};

TEST_F(HostileValuesOnNfs, ADownloadStateCloudStackDoesNotDefineIsNamedWithNoRepairGuessed) {
  ExecSql(db_, "UPDATE volume_store_ref SET download_state = 'D' || char(10) || 'X' WHERE id = 1");
  ExecSql(db_, "UPDATE template_store_ref SET download_state = 'downloaded' WHERE id = 1");
  const std::string repair = dir_.File("repair.sql");
  const CommandResult r = Reconcile({"--repair-sql", repair});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("download_state \"D\\nX\" is not one CloudStack defines"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("download_state \"downloaded\" is not one CloudStack defines"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("goes with state Allocated"), std::string::npos) << r.out;
  const std::string script = Read(repair);
  EXPECT_EQ(script.find("SET state"), std::string::npos) << script;
  EXPECT_NE(script.find("-- No repair is guessed"), std::string::npos) << script;
}

TEST_F(HostileValuesOnNfs, ANegativePhysicalSizeIsImpossibleAndNeverCounted) {
  ExecSql(db_, "UPDATE volume_store_ref SET physical_size = -1 WHERE id = 1");
  const CommandResult r = Reconcile({});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("physical_size -1 in the row is impossible"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[db -1 B"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("-1 B"), std::string::npos) << r.out;
}

TEST_F(HostileValuesOnNfs, ATemplatePropertiesOverOneMebibyteIsAFindingNamingTheFile) {
  const std::string properties = nfs_ + "/template/tmpl/2/201/template.properties";
  {
    std::ofstream out(properties);
    out << "uniquename=" << std::string(2 << 20, 'u') << "\nvirtualsize=1\nfilename=f\n";
  }
  const CommandResult r = Reconcile({"--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out).count("incomplete  template/tmpl/2/201/template.properties"), 1u)
      << r.out;
  EXPECT_NE(r.out.find("template.properties is larger than 1 MiB: not a template.properties"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace csm::test
