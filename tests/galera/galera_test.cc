// csmigrate on a 3-node MariaDB Galera cluster (tools/galera-server.sh; label "galera"): plan and
// apply through node 1, status through node 2, rollback through node 3 restore every row; two
// applies through two nodes at once apply once; a node killed while another node's apply runs
// leaves a cluster that agrees; a run past wsrep_max_ws_rows is refused before anything is
// written. The nodes' URLs come from $CSM_TEST_GALERA_URLS (three, separated by white space), the
// cluster's directory (for kill-node and start-node) from $CSM_TEST_GALERA_DIR.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "fault_proxy.h"
#include "fixture/fixture.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

std::vector<std::string> GaleraUrls() {
  std::vector<std::string> urls;
  const char* text = std::getenv("CSM_TEST_GALERA_URLS");
  if (text == nullptr) return urls;
  std::istringstream in(text);
  for (std::string url; in >> url;) urls.push_back(url);
  return urls;
}

#define CSM_REQUIRE_GALERA(var)                                                   \
  const std::vector<std::string> var = GaleraUrls();                              \
  if (var.empty())                                                                \
    GTEST_SKIP() << "no Galera cluster: set CSM_TEST_GALERA_URLS (tools/test.sh " \
                    "starts one with tools/galera-server.sh)";                    \
  ASSERT_EQ(var.size(), 3u) << "CSM_TEST_GALERA_URLS must name three nodes"

// `url` (mysql://user@host:port/db) with another database.
std::string OnDatabase(const std::string& url, const std::string& database) {
  return url.substr(0, url.rfind('/') + 1) + database;
}

// A scratch database created through node 1 with basic-s3's rows, and its URL on each node.
class ClusterDatabase {
 public:
  explicit ClusterDatabase(const std::vector<std::string>& urls)
      : db_(ServerBackend{"mysql", urls[0]}) {
    const std::string name = db_.url().substr(db_.url().rfind('/') + 1);
    for (const auto& url : urls) urls_.push_back(OnDatabase(url, name));
    auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
    EXPECT_TRUE(fixture.ok()) << fixture.status().message();
    if (fixture.ok()) {
      Status loaded = fixture::LoadBeforeRows(db_.conn(), *fixture);
      EXPECT_TRUE(loaded.ok()) << loaded.message();
    }
  }
  const std::string& url(int node) const { return urls_[node - 1]; }

  // DumpCloudTables through node `node`, and csmigrate's ledger there.
  std::string Dump(int node) const {
    auto conn = Connect(url(node));
    if (!conn) return "cannot connect to node " + std::to_string(node);
    std::string dump = DumpCloudTables(*conn);
    auto runs = conn->Query("SELECT COUNT(*) FROM csm_run");
    dump += "runs=" + (runs.ok() ? db::ToDisplay(runs->rows[0][0]) : std::string("none"));
    return dump;
  }

 private:
  ScratchDatabase db_;
  std::vector<std::string> urls_;
};

std::vector<std::string> Plan(const std::string& url) {
  std::vector<std::string> args = ServerApply(url);
  args[0] = "plan";
  return args;
}

int ExitCodeOf(int pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs tools/galera-server.sh COMMAND $CSM_TEST_GALERA_DIR NODE; true when it succeeded.
bool ClusterCommand(const std::string& command, int node) {
  const std::string cmd = "bash " + SourceDir() + "/tools/galera-server.sh " + command + " " +
                          std::getenv("CSM_TEST_GALERA_DIR") + " " + std::to_string(node);
  return std::system(cmd.c_str()) == 0;
}

TEST(Galera, ApplyStatusAndRollbackThroughThreeNodes) {
  CSM_REQUIRE_GALERA(urls);
  ClusterDatabase db(urls);
  const std::string before = DumpCloudTables(*Connect(db.url(1)));

  CommandResult plan = RunCsmigrate(Plan(db.url(1)));
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  CommandResult applied = RunCsmigrate(ServerApply(db.url(1)));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(DumpCloudTables(*Connect(db.url(2))), before) << "the apply did not reach node 2";

  CommandResult status = RunCsmigrate({"status", "--db", db.url(2), "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("\"applied\""), std::string::npos) << status.out;

  CommandResult rolled = RunCsmigrate({"rollback", "--db", db.url(3), "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  for (int node = 1; node <= 3; ++node) {
    EXPECT_EQ(DumpCloudTables(*Connect(db.url(node))), before) << "node " << node;
  }
}

TEST(Galera, TwoAppliesThroughTwoNodesAtOnceApplyOnce) {
  CSM_REQUIRE_GALERA(urls);
  ClusterDatabase db(urls);
  ScratchDir dir;
  const std::string go = dir.File("go");
  std::vector<int> pids;
  for (int node = 1; node <= 2; ++node) {
    const std::string log = dir.File("apply" + std::to_string(node) + ".log");
    pids.push_back(
        StartCsmigrate(ServerApply(db.url(node)), {"CSM_TEST_WAIT_BEFORE_LOCK=" + go}, log));
    ASSERT_TRUE(WaitForText(log, "test wait"))
        << "the apply through node " << node << " never reached the lock";
  }
  std::ofstream(go).close();
  int applied = 0;
  for (int node = 1; node <= 2; ++node) {
    const int code = ExitCodeOf(pids[node - 1]);
    std::ifstream log(dir.File("apply" + std::to_string(node) + ".log"));
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    std::ifstream out(dir.File("apply" + std::to_string(node) + ".log.out"));
    const std::string said((std::istreambuf_iterator<char>(out)), {});
    // Applied, or found applied after waiting for the lock (held, or taken through the other
    // node at the same moment): never a database error.
    EXPECT_EQ(code, 0) << "node " << node << ": " << text;
    EXPECT_EQ(text.find("Deadlock"), std::string::npos) << text;
    if (code == 0 && said.find("already applied") == std::string::npos) ++applied;
  }
  EXPECT_EQ(applied, 1);
  for (int node = 1; node <= 3; ++node) {
    auto conn = Connect(db.url(node));
    auto runs = conn->Query("SELECT COUNT(*) FROM csm_run");
    ASSERT_TRUE(runs.ok()) << runs.status().message();
    EXPECT_EQ(db::ToDisplay(runs->rows[0][0]), "1") << "node " << node;
    auto stores = conn->Query("SELECT COUNT(*) FROM image_store WHERE name = 's3-region'");
    ASSERT_TRUE(stores.ok()) << stores.status().message();
    EXPECT_EQ(db::ToDisplay(stores->rows[0][0]), "1") << "node " << node;
  }
}

TEST(Galera, ANodeKilledDuringAnotherNodesApplyLeavesAClusterThatAgrees) {
  CSM_REQUIRE_GALERA(urls);
  if (std::getenv("CSM_TEST_GALERA_DIR") == nullptr) {
    GTEST_SKIP() << "CSM_TEST_GALERA_DIR not set: cannot kill a node";
  }
  ClusterDatabase db(urls);
  const std::string before = DumpCloudTables(*Connect(db.url(1)));
  ScratchDir dir;
  const std::string log = dir.File("apply.log");
  // The apply holds its transaction open after step 10 while node 3 dies.
  const int pid = StartCsmigrate(ServerApply(db.url(1)), {"CSM_TEST_PAUSE=10:5"}, log);
  ASSERT_TRUE(WaitForText(log, "test pause")) << "the apply never reached its pause";
  ASSERT_TRUE(ClusterCommand("kill-node", 3));
  const int code = ExitCodeOf(pid);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  // Completed, or failed as a database error with nothing written.
  EXPECT_TRUE(code == 0 || code == 7) << code << ": " << text;
  ASSERT_TRUE(ClusterCommand("start-node", 3));
  if (code == 0) {
    EXPECT_NE(DumpCloudTables(*Connect(db.url(1))), before);
  } else {
    EXPECT_EQ(DumpCloudTables(*Connect(db.url(1))), before);
  }
  const std::string after = db.Dump(1);
  EXPECT_EQ(db.Dump(2), after);
  EXPECT_EQ(db.Dump(3), after);
}

TEST(Galera, ARunPastWsrepMaxWsRowsIsRefusedBeforeWriting) {
  CSM_REQUIRE_GALERA(urls);
  ClusterDatabase db(urls);
  const std::string before = DumpCloudTables(*Connect(db.url(1)));
  auto admin = Connect(urls[0]);
  // A limit only the plan's estimate can exceed: basic-s3 changes a few dozen rows.
  ASSERT_TRUE(admin->ExecuteScript("SET GLOBAL wsrep_max_ws_rows = 20").ok());
  CommandResult planned = RunCsmigrate(Plan(db.url(1)));
  CommandResult refused = RunCsmigrate(ServerApply(db.url(1)));
  ASSERT_TRUE(admin->ExecuteScript("SET GLOBAL wsrep_max_ws_rows = 0").ok());
  EXPECT_EQ(planned.exit_code, 4) << planned.err;  // plan says what apply will say
  EXPECT_NE(planned.err.find("wsrep_max_ws_rows = 20"), std::string::npos) << planned.err;
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("wsrep_max_ws_rows = 20"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("nothing was written"), std::string::npos) << refused.err;
  EXPECT_EQ(DumpCloudTables(*Connect(db.url(1))), before);

  // The limit at exactly the estimate is enough: the estimate is an upper bound.
  const std::string estimate = refused.err.substr(refused.err.find("at least ") + 9);
  const std::string rows = estimate.substr(0, estimate.find(' '));
  ASSERT_TRUE(admin->ExecuteScript("SET GLOBAL wsrep_max_ws_rows = " + rows).ok()) << rows;
  CommandResult applied = RunCsmigrate(ServerApply(db.url(1)));
  ASSERT_TRUE(admin->ExecuteScript("SET GLOBAL wsrep_max_ws_rows = 0").ok());
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
}

// Three drain workers, one through each node, share the units; node 3 dies mid-drain, so its worker
// stops (the database failed) and the other two take its units over: every unit is recorded once,
// every pin released once, an object is sent twice at most where a unit was taken over (the dead
// worker's upload was cut short), once everywhere else; the three nodes agree afterwards.
TEST(Galera, ThreeDrainWorkersThroughThreeNodesFinishWhenANodeDiesMidDrain) {
  CSM_REQUIRE_GALERA(urls);
  if (std::getenv("CSM_TEST_GALERA_DIR") == nullptr) {
    GTEST_SKIP() << "CSM_TEST_GALERA_DIR not set: cannot kill a node";
  }
  const char* swift = std::getenv("CSM_TEST_SWIFT_URL");
  if (swift == nullptr) GTEST_SKIP() << "no Swift all-in-one (tools/test.sh starts one)";
  ClusterDatabase db(urls);
  ScratchDir dir;
  const std::string nfs = dir.File("nfs");
  auto conn = Connect(db.url(1));
  constexpr int kVolumes = 30;
  auto exec = [&](const std::string& sql) {
    auto done = conn->Execute(sql, {});
    ASSERT_TRUE(done.ok()) << done.status().message();
  };
  for (int volume = 100; volume < 100 + kVolumes; ++volume) {
    const std::string v = std::to_string(volume);
    const std::string key = "volumes/2/" + v + "/vol-" + v + ".qcow2";
    exec(
        "INSERT INTO volumes (id, account_id, domain_id, name, uuid, size, data_center_id, "
        "volume_type, disk_offering_id, created, state, format) SELECT " +
        v + ", account_id, domain_id, 'data-" + v + "', 'uuid-volume-" + v +
        "', size, data_center_id, volume_type, disk_offering_id, created, state, format FROM "
        "volumes WHERE id = 41");
    exec(
        "INSERT INTO volume_store_ref (id, store_id, volume_id, zone_id, created, last_updated, "
        "download_pct, size, physical_size, download_state, install_path, url, state, "
        "destroyed, update_count, ref_cnt) SELECT " +
        v + ", store_id, " + v +
        ", zone_id, created, last_updated, download_pct, size, 65536, download_state, '" + key +
        "', url, state, destroyed, update_count, ref_cnt FROM volume_store_ref WHERE id = 1");
    std::filesystem::create_directories(std::filesystem::path(nfs + "/" + key).parent_path());
    WriteFile(nfs + "/" + key, PatternBytes(65536));
  }
  for (const auto& [key, size] :
       std::vector<std::pair<std::string, size_t>>{{kBasicS3TemplatePath, 3000},
                                                   {kBasicS3SnapshotPath, 1100},
                                                   {kBasicS3VolumePath, 2000}}) {
    std::filesystem::create_directories(std::filesystem::path(nfs + "/" + key).parent_path());
    WriteFile(nfs + "/" + key, PatternBytes(size));
  }
  exec("UPDATE template_store_ref SET physical_size = 3000 WHERE id = 1");
  exec("UPDATE snapshot_store_ref SET physical_size = 1100 WHERE id = 2");
  exec("UPDATE volume_store_ref SET physical_size = 2000 WHERE id = 1");
  // CloudStack's own reference on every staging volume: a pin released twice would show as 0.
  exec("UPDATE volume_store_ref SET ref_cnt = 1 WHERE store_id = 1");
  FaultProxy proxy(swift);
  const std::string bucket = UniqueName("csm-galera");
  CreateContainer(swift, bucket);
  const CommandResult applied =
      RunCsmigrate({"apply", "--db", db.url(1), "--provider", "S3", "--name", "objects", "--detail",
                    "bucket=" + bucket, "--detail", "accesskey=test:tester", "--detail",
                    "secretkey=testing", "--detail", "endpoint=" + proxy.url()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;

  std::vector<int> pids;
  for (int node = 1; node <= 3; ++node) {
    pids.push_back(StartCsmigrate({"drain", "--db", db.url(node), "--nfs-root", "1=" + nfs,
                                   "--jobs", "2", "--bwlimit", "128K", "--lease", "6", "--json"},
                                  {}, dir.File("drain" + std::to_string(node) + ".log")));
  }
  // The three share about 2 MiB at 128 KiB/s each: about 5 s. Node 3 dies a second in.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(ClusterCommand("kill-node", 3));
  std::vector<int> codes;
  for (int pid : pids) codes.push_back(ExitCodeOf(pid));
  ASSERT_TRUE(ClusterCommand("start-node", 3));
  auto log = [&](int node) {
    std::ifstream in(dir.File("drain" + std::to_string(node) + ".log"));
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  EXPECT_EQ(codes[0], 0) << log(1);
  EXPECT_EQ(codes[1], 0) << log(2);
  EXPECT_EQ(codes[2], 7) << "node 3's worker stops: its database failed\n" << log(3);

  conn = Connect(db.url(1));
  auto one = [&](const std::string& sql) {
    auto rows = conn->Query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() && !rows->rows.empty() ? db::ToDisplay(rows->rows[0][0]) : "?";
  };
  EXPECT_EQ(
      one("SELECT COUNT(*) FROM volume_store_ref WHERE store_id = 2 AND install_path IS NULL"),
      "0");
  EXPECT_EQ(one("SELECT COUNT(*) FROM volume_store_ref WHERE store_id = 1 AND ref_cnt <> 1"), "0")
      << "every pin the conversion added released, once (CloudStack's own stays)";
  EXPECT_EQ(one("SELECT COUNT(*) FROM csm_claim WHERE state <> 'done'"), "0");
  auto claims = conn->Query("SELECT unit_key, claims FROM csm_claim", {});
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  int taken_over = 0;
  for (const auto& row : claims->rows) {
    const std::string key = db::ToDisplay(row[0]);
    if (key.rfind("volume/", 0) != 0) continue;
    const std::string volume = key.substr(key.rfind('/') + 1);
    const int puts = proxy.Count("PUT", "/volumes/2/" + volume + "/");
    if (db::AsInteger(row[1]).value_or(0) == 1) {
      EXPECT_EQ(puts, 1) << key << " was claimed once: sent once";
    } else {
      ++taken_over;
      EXPECT_LE(puts, 2) << key;
    }
  }
  EXPECT_LE(taken_over, 2) << "at most the dead worker's --jobs units were taken over";
  const std::string after = db.Dump(1);
  EXPECT_EQ(db.Dump(2), after);
  EXPECT_EQ(db.Dump(3), after);
}

}  // namespace
}  // namespace csm::test
