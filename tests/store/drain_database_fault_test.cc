// drain when its database server goes away mid-drain: a MariaDB or PostgreSQL server of the test's
// own is stopped and started again while the fault proxy holds an upload (a window that does not
// depend on timing). The drain must stop with the database's exit code (7) without recording
// half a unit (each unit's settle is one transaction); what was recorded before stays; the object
// uploaded and verified meanwhile stays on the store; a re-run adopts it, sends the rest once,
// and releases every pin exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fault_proxy.h"
#include "fixture/fixture.h"
#include "private_database_server.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

const std::string kVolumeKey = "volumes/2/41/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2";

// The whole text of the file at `path` ("" when there is none).
std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class DrainDatabaseFaults : public ::testing::TestWithParam<std::string> {
 protected:
  // The first value `sql` returns on `url`'s database, through a new connection (the server may
  // have been restarted since the last one).
  static std::string Value(const std::string& url, const std::string& sql) {
    auto conn = Connect(url);
    if (!conn) return "<no connection>";
    auto result = conn->Query(sql);
    EXPECT_TRUE(result.ok()) << result.status().message();
    if (!result.ok() || result->rows.empty()) return "<none>";
    return db::ToDisplay(result->rows[0][0]);
  }

  // The ref_cnt of the template's, the snapshot's and the volume's staging rows.
  static std::string StagingRefCounts(const std::string& url) {
    return "template " + Value(url, "SELECT ref_cnt FROM template_store_ref WHERE id = 1") +
           ", snapshot " + Value(url, "SELECT ref_cnt FROM snapshot_store_ref WHERE id = 2") +
           ", volume " + Value(url, "SELECT ref_cnt FROM volume_store_ref WHERE id = 1");
  }

  // The placeholders on the object store (image store 2) that are filled, per kind.
  static std::string Filled(const std::string& url) {
    auto filled = [&](const std::string& table) {
      return Value(url, "SELECT COUNT(*) FROM " + table +
                            " WHERE store_id = 2 AND install_path IS NOT NULL");
    };
    return "templates " + filled("template_store_ref") + ", snapshots " +
           filled("snapshot_store_ref") + ", volumes " + filled("volume_store_ref");
  }

  // CloudStack's own reference on each staging row, taken before the drain and given back
  // after it: a pin released twice would take it.
  static void CloudStackReferences(const std::string& url, int delta) {
    auto conn = Connect(url);
    ASSERT_TRUE(conn);
    const std::string change = "ref_cnt = ref_cnt + (" + std::to_string(delta) + ")";
    for (const std::string table : {"template_store_ref", "volume_store_ref"}) {
      ASSERT_TRUE(conn->Execute("UPDATE " + table + " SET " + change + " WHERE id = 1").ok());
    }
    ASSERT_TRUE(conn->Execute("UPDATE snapshot_store_ref SET " + change + " WHERE id = 2").ok());
  }
};

TEST_P(DrainDatabaseFaults, TheServerRestartedMidDrainStopsItCleanlyAndTheRerunResumes) {
  CSM_REQUIRE_SWIFT(swift);
  CSM_REQUIRE_SERVER(shared, GetParam());  // the suite's server: this kind is installed
  (void)shared;  // the test stops and starts a server of its own, never the shared one
  PrivateDatabaseServer server(GetParam());
  ASSERT_FALSE(server.url().empty());
  ScratchDatabase db(ServerBackend{GetParam(), server.url()}, "4.22");
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  // The staging files' real sizes, as CloudStack recorded them (the conversion copies them).
  for (const auto& [table, size] : std::vector<std::pair<std::string, int>>{
           {"template_store_ref", 3000}, {"volume_store_ref", 2000}}) {
    ASSERT_TRUE(db.conn()
                    .Execute("UPDATE " + table + " SET physical_size = " + std::to_string(size) +
                             " WHERE id = 1")
                    .ok());
  }
  ASSERT_TRUE(
      db.conn().Execute("UPDATE snapshot_store_ref SET physical_size = 1100 WHERE id = 2").ok());
  FaultProxy proxy(swift);
  const std::string bucket = UniqueName("csm-dbfault");
  CreateContainer(swift, bucket);
  const CommandResult applied =
      RunCsmigrate({"apply", "--db", db.url(), "--provider", "S3", "--name", "objects", "--detail",
                    "bucket=" + bucket, "--detail", "accesskey=test:tester", "--detail",
                    "secretkey=testing", "--detail", "endpoint=" + proxy.url()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ScratchDir dir;
  const std::string nfs = dir.File("nfs");
  for (const auto& [key, size] : std::vector<std::pair<std::string, size_t>>{
           {"template/tmpl/2/201/201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2", 3000},
           {"snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60", 1100},
           {kVolumeKey, 2000}}) {
    fs::create_directories(fs::path(nfs + "/" + key).parent_path());
    WriteFile(nfs + "/" + key, PatternBytes(size));
  }
  CloudStackReferences(db.url(), +1);
  ASSERT_EQ(StagingRefCounts(db.url()), "template 2, snapshot 2, volume 2");

  // Largest first, one at a time: the template is recorded, then the volume's upload is held;
  // meanwhile the database server stops and starts again, then the upload goes on and verifies.
  proxy.Add(FaultRule::Stall(1000).For("PUT", "volumes/"));
  const std::vector<std::string> drain = {"drain",    "--db",   db.url(), "--nfs-root",
                                          "1=" + nfs, "--jobs", "1",      "--quiet"};
  const std::string log = dir.File("drain.log");
  const int pid = StartCsmigrate(drain, {}, log);
  if (!proxy.WaitForHeld()) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    FAIL() << "the volume's upload never came: " << FileText(log);
  }
  server.Stop();
  ASSERT_TRUE(server.Start());
  proxy.Release(/*forward=*/true);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 7) << "the database's exit code";
  EXPECT_NE(FileText(log).find("csmigrate: error: recording volume 41 failed (1 of 3 units were "
                               "recorded before it; this one is recorded whole or not at all"),
            std::string::npos)
      << FileText(log);

  // The template stays recorded; nothing of the volume's unit is (its settle never committed).
  EXPECT_EQ(Filled(db.url()), "templates 1, snapshots 0, volumes 0");
  EXPECT_EQ(StagingRefCounts(db.url()), "template 1, snapshot 2, volume 2");
  auto s3 = store::S3Store::Create(SwiftS3Config(swift, bucket));
  ASSERT_TRUE(s3.ok());
  auto volume = (*s3)->Head(kVolumeKey);
  ASSERT_TRUE(volume.ok());
  EXPECT_TRUE(*volume) << "the verified upload is kept for the re-run";

  proxy.Clear();
  const CommandResult again = RunCsmigrate(drain);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("pushed 2 of 2 units: 2 placeholders filled"), std::string::npos)
      << again.out;
  EXPECT_EQ(again.out.find(" 0 verified uploads of an earlier run adopted"), std::string::npos)
      << "the volume was sent again: " << again.out;
  EXPECT_EQ(proxy.Count("PUT", "volumes/"), 1) << "the volume was sent again";
  EXPECT_EQ(proxy.Count("PUT", "snapshots/"), 1) << "the snapshot was sent twice";
  EXPECT_EQ(Filled(db.url()), "templates 1, snapshots 1, volumes 1");
  EXPECT_EQ(StagingRefCounts(db.url()), "template 1, snapshot 1, volume 1");

  CloudStackReferences(db.url(), -1);
  const CommandResult reconciled =
      RunCsmigrate({"reconcile", "--db", db.url(), "--nfs-root", "1=" + nfs});
  EXPECT_EQ(reconciled.exit_code, 0) << reconciled.out << reconciled.err;
  EXPECT_NE(reconciled.out.find("can be retired now"), std::string::npos) << reconciled.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, DrainDatabaseFaults, ::testing::Values("mysql", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace csm::test
