// reconcile's SQL on MariaDB and PostgreSQL, on both CloudStack table shapes: claims streamed in
// byte order (whatever the collation), pins, state pairs, placeholders and verdicts give the same
// findings as on SQLite, and the repair script runs on the server as written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fixture/fixture.h"
#include "reconcile/placeholder_check.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTemplate = kBasicS3TemplatePath;
constexpr const char* kSnapshot = kBasicS3SnapshotPath;
constexpr const char* kVolume = kBasicS3VolumePath;

using Case = std::tuple<std::string, std::string>;  // backend, CloudStack version

class ReconcileOnServer : public ::testing::TestWithParam<Case> {};

TEST_P(ReconcileOnServer, FindsWhatSqliteFinds) {
  CSM_REQUIRE_SERVER(backend, std::get<0>(GetParam()));
  ScratchDatabase db(backend, std::get<1>(GetParam()));
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const CommandResult applied = RunCsmigrate(
      {"apply", "--db", db.url(), "--provider", "S3", "--name", "s3", "--detail", "bucket=b",
       "--detail", "accesskey=a", "--detail", "secretkey=s", "--detail", "endpoint=127.0.0.1:9"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;

  ScratchDir dir;
  const std::string nfs = dir.File("nfs");
  MakeSizedFile(nfs + "/" + kTemplate, 1000);  // size mismatch
  MakeSizedFile(nfs + "/" + kSnapshot + ".vhd", 1395261440);
  // Two claims whose order differs between bytes ('Z' < 'a') and a case-insensitive collation
  // (MariaDB's utf8_general_ci): merged in the wrong order they would be an orphan and a missing.
  MakeSizedFile(nfs + "/volumes/2/41/Z-upper.qcow2", 3);
  MakeSizedFile(nfs + "/volumes/2/41/a-lower.qcow2", 3);
  ASSERT_TRUE(
      db.conn()
          .Execute("UPDATE volume_store_ref SET install_path = ?, physical_size = 3 WHERE id = 1",
                   {std::string("volumes/2/41/Z-upper.qcow2")})
          .ok());
  ASSERT_TRUE(
      db.conn()
          .Execute("UPDATE snapshot_store_ref SET install_path = ?, physical_size = 3 WHERE id = 2",
                   {std::string("volumes/2/41/a-lower.qcow2")})
          .ok());
  ASSERT_TRUE(db.conn().Execute("DELETE FROM volume_store_ref WHERE id = 2").ok());
  ASSERT_TRUE(db.conn()
                  .Execute("UPDATE template_store_ref SET download_state = ? WHERE id = 1",
                           {std::string("DOWNLOAD_ERROR")})
                  .ok());
  const std::string before = DumpCloudTables(db.conn());

  const std::string repair = dir.File("repair.sql");
  const CommandResult r =
      RunCsmigrate({"reconcile", "--db", db.url(), "--store", "1", "--nfs-root", "1=" + nfs,
                    "--format", "jsonl", "--show-ok", "--repair-sql", repair});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out),
            (std::multiset<std::string>{
                "size_mismatch template_store_ref#1 " + std::string(kTemplate),
                "orphan  " + std::string(kSnapshot) + ".vhd",
                "ok volume_store_ref#1 volumes/2/41/Z-upper.qcow2",
                "ok snapshot_store_ref#2 volumes/2/41/a-lower.qcow2",
                "pin_anomaly volume_store_ref#1 volumes/2/41/Z-upper.qcow2",
                "state_mismatch template_store_ref#1 " + std::string(kTemplate),
            }))
      << r.out;
  EXPECT_EQ(DumpCloudTables(db.conn()), before) << "reconcile wrote to the database";

  // Placeholders: the template's and the snapshot's are pending; the volume's was deleted.
  auto tables = cloudstack::DescribeRefTables(db.conn());
  ASSERT_TRUE(tables.ok());
  reconcile::StagingEvidence evidence;
  evidence.listed_stores = {1};
  std::multiset<std::string> placeholders;
  ASSERT_TRUE(reconcile::CheckPlaceholders(db.conn(), *tables, {2}, evidence,
                                           [&](const reconcile::Finding& f) {
                                             placeholders.insert(
                                                 std::string(reconcile::KindName(f.kind)) + " " +
                                                 f.table + "#" + std::to_string(f.row_id));
                                           })
                  .ok());
  EXPECT_EQ(placeholders, (std::multiset<std::string>{"placeholder_pending snapshot_store_ref#3",
                                                      "placeholder_pending template_store_ref#2"}));

  // The repair script runs on the server as written, and the stale pin is gone.
  std::ifstream in(repair);
  const std::string script((std::istreambuf_iterator<char>(in)), {});
  ASSERT_TRUE(db.conn().ExecuteScript(script).ok()) << script;
  const CommandResult again = RunCsmigrate({"reconcile", "--db", db.url(), "--store", "1",
                                            "--nfs-root", "1=" + nfs, "--format", "jsonl"});
  EXPECT_EQ(
      ReportFindings(again.out).count("pin_anomaly volume_store_ref#1 volumes/2/41/Z-upper.qcow2"),
      0u)
      << again.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReconcileOnServer,
                         ::testing::Combine(::testing::Values("mysql", "postgresql"),
                                            ::testing::Values("4.3", "4.22")),
                         [](const auto& info) {
                           std::string name =
                               std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           for (char& c : name) {
                             if (c == '.') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace csm::test
