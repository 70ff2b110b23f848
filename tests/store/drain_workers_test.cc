// Many drain workers on one database (SQLite, MariaDB, PostgreSQL), sharing the work through the
// work board (csm_claim, csm_worker): each object is uploaded once and each pin released once; a
// worker killed outright loses its units to the others once its claim runs out; `drain --status`
// shows the workers and their progress; SIGTERM stops a drain cleanly (finishing what is in
// flight, or, at a second signal, ending it), and a re-run finishes the rest. Uploads go through
// the test's counting proxy in front of the Swift all-in-one's S3 API.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "fault_proxy.h"
#include "fixture/fixture.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

constexpr int kExtraVolumes = 24;  // beside basic-s3's template, snapshot and volume
constexpr int64_t kVolumeBytes = 48 << 10;

std::string VolumeKey(int volume) {
  const std::string v = std::to_string(volume);
  return "volumes/2/" + v + "/vol-" + v + ".qcow2";
}

// The --json document of a run, from its output (stderr may come before it in a log).
nlohmann::json JsonDocumentIn(const std::string& text) {
  const size_t at = text.rfind("{\n  \"csmigrate_version\"");
  if (at == std::string::npos) return nlohmann::json();
  return nlohmann::json::parse(text.substr(at), nullptr, false);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int WaitExit(int pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class DrainWorkers : public ::testing::TestWithParam<std::string> {
 protected:
  // A cloud (basic-s3 plus kExtraVolumes uploaded volumes of kVolumeBytes each) on the backend
  // under test, staged under nfs_ and converted to a new bucket of the S3 API behind proxy_.
  void SetUp() override {
    url_ = std::getenv("CSM_TEST_SWIFT_URL") ? std::getenv("CSM_TEST_SWIFT_URL") : "";
    if (url_.empty()) {
      if (std::getenv("CSM_TEST_REQUIRE_SERVERS")) FAIL() << "CSM_TEST_SWIFT_URL is not set";
      GTEST_SKIP() << "no Swift all-in-one (tools/test.sh starts one)";
    }
    if (GetParam() == "sqlite") {
      db_url_ = "sqlite://" + dir_.File("cloud.db");
      CreateCloudDb(dir_.File("cloud.db"), SourceDir() + "/fixtures/basic-s3");
      conn_ = Connect(db_url_);
    } else {
      const auto backend = FindServer(GetParam());
      if (!backend) {
        if (std::getenv("CSM_TEST_REQUIRE_SERVERS")) FAIL() << GetParam() << " not configured";
        GTEST_SKIP() << GetParam() << " server not configured (tools/test.sh starts one)";
      }
      server_db_ = std::make_unique<ScratchDatabase>(*backend, "4.3");
      db_url_ = server_db_->url();
      auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
      ASSERT_TRUE(fixture.ok());
      ASSERT_TRUE(fixture::LoadBeforeRows(server_db_->conn(), *fixture).ok());
    }
    for (int i = 0; i < kExtraVolumes; ++i) {
      const int volume = 100 + i;
      const std::string v = std::to_string(volume);
      Exec(
          "INSERT INTO volumes (id, account_id, domain_id, name, uuid, size, data_center_id, "
          "volume_type, disk_offering_id, created, state, format) SELECT " +
          v + ", account_id, domain_id, 'data-" + v + "', 'uuid-volume-" + v +
          "', size, data_center_id, volume_type, disk_offering_id, created, state, format FROM "
          "volumes WHERE id = 41");
      Exec(
          "INSERT INTO volume_store_ref (id, store_id, volume_id, zone_id, created, "
          "last_updated, download_pct, size, physical_size, download_state, install_path, url, "
          "state, destroyed, update_count, ref_cnt) SELECT " +
          std::to_string(volume) + ", store_id, " + v +
          ", zone_id, created, last_updated, download_pct, size, " + std::to_string(kVolumeBytes) +
          ", download_state, '" + VolumeKey(volume) +
          "', url, state, destroyed, update_count, ref_cnt FROM volume_store_ref WHERE id = 1");
      StageFile(VolumeKey(volume), kVolumeBytes);
    }
    StageFile(kBasicS3TemplatePath, 3000);
    StageFile(kBasicS3SnapshotPath, 1100);
    StageFile(kBasicS3VolumePath, 2000);
    Exec("UPDATE template_store_ref SET physical_size = 3000 WHERE id = 1");
    Exec("UPDATE snapshot_store_ref SET physical_size = 1100 WHERE id = 2");
    Exec("UPDATE volume_store_ref SET physical_size = 2000 WHERE id = 1");
    // CloudStack's own reference on every staging row: a pin released twice would show as 0.
    for (const char* table : {"template_store_ref", "snapshot_store_ref", "volume_store_ref"}) {
      Exec(std::string("UPDATE ") + table +
           " SET ref_cnt = 1 WHERE store_id = 1 AND "
           "install_path NOT LIKE '/%'");
    }

    proxy_ = std::make_unique<FaultProxy>(url_);
    bucket_ = UniqueName("csm-workers");
    CreateContainer(url_, bucket_);
    const CommandResult applied =
        RunCsmigrate({"apply", "--db", db_url_, "--provider", "S3", "--name", "objects", "--detail",
                      "bucket=" + bucket_, "--detail", "accesskey=test:tester", "--detail",
                      "secretkey=testing", "--detail", "endpoint=" + proxy_->url()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  void Exec(const std::string& sql) {
    db::Connection& conn = server_db_ ? server_db_->conn() : *conn_;
    auto done = conn.Execute(sql, {});
    ASSERT_TRUE(done.ok()) << done.status().message() << " in " << sql;
  }

  std::string Query(const std::string& sql) {
    db::Connection& conn = server_db_ ? server_db_->conn() : *conn_;
    auto rows = conn.Query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::string text;
    if (rows.ok()) {
      for (const auto& row : rows->rows) {
        for (size_t i = 0; i < row.size(); ++i) text += (i ? " " : "") + db::ToDisplay(row[i]);
        text += "\n";
      }
    }
    return text;
  }

  void StageFile(const std::string& key, int64_t size) {
    fs::create_directories(fs::path(nfs_ + "/" + key).parent_path());
    WriteFile(nfs_ + "/" + key, PatternBytes(static_cast<size_t>(size)));
  }

  std::vector<std::string> DrainArgs(std::vector<std::string> extra) {
    std::vector<std::string> args = {"drain",      "--db",      db_url_,
                                     "--nfs-root", "1=" + nfs_, "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Placeholders left on the object store, and staging rows whose ref_cnt is not CloudStack's own
  // reference alone (1): still pinned by the conversion (2), or released twice (0).
  std::string Pins() {
    return Query(
        "SELECT (SELECT COUNT(*) FROM template_store_ref WHERE store_id = 2 AND install_path IS "
        "NULL) + (SELECT COUNT(*) FROM snapshot_store_ref WHERE store_id = 2 AND install_path "
        "IS NULL) + (SELECT COUNT(*) FROM volume_store_ref WHERE store_id = 2 AND install_path "
        "IS NULL), (SELECT COUNT(*) FROM template_store_ref WHERE store_id = 1 AND install_path "
        "NOT LIKE '/%' AND ref_cnt <> 1) "
        "+ (SELECT COUNT(*) FROM snapshot_store_ref WHERE store_id = 1 AND install_path NOT LIKE "
        "'/%' AND ref_cnt <> 1) + "
        "(SELECT COUNT(*) FROM volume_store_ref WHERE store_id = 1 AND install_path NOT LIKE '/%' "
        "AND ref_cnt <> 1)");
  }

  // Waits (30 s at most: a bound against a hung test) until a worker holds a unit; a read that
  // meets the worker's write lock (SQLite) is simply tried again.
  bool WaitForClaims() {
    db::Connection& conn = server_db_ ? server_db_->conn() : *conn_;
    for (int i = 0; i < 600; ++i) {
      auto rows = conn.Query("SELECT COUNT(*) FROM csm_claim WHERE state = 'claimed'", {});
      if (rows.ok() && !rows->rows.empty() && db::AsInteger(rows->rows[0][0]).value_or(0) > 0) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Volumes whose placeholder is filled while the conversion's pin on their staging row is still
  // there, or the other way round: a unit recorded in part (there must be none).
  std::string VolumesRecordedInPart() {
    return Query(
        "SELECT COUNT(*) FROM volume_store_ref p JOIN volume_store_ref s ON s.volume_id = "
        "p.volume_id AND s.store_id = 1 WHERE p.store_id = 2 AND (p.install_path IS NULL) <> "
        "(s.ref_cnt > 1)");
  }

  // Every object of the cloud was sent to the store exactly once (counted at the proxy).
  void ExpectEachObjectSentOnce() {
    for (int i = 0; i < kExtraVolumes; ++i) {
      EXPECT_EQ(proxy_->Count("PUT", VolumeKey(100 + i)), 1) << VolumeKey(100 + i);
    }
    EXPECT_EQ(proxy_->Count("PUT", "/volumes/2/41/"), 1);
    EXPECT_EQ(proxy_->Count("PUT", "/template/tmpl/2/201/"), 1);
    EXPECT_EQ(proxy_->Count("PUT", "/snapshots/2/31/"), 1);
  }

  // Reconcile of everything exits 0 (once CloudStack's own references are dropped again: reconcile
  // takes a staging pin without a placeholder for a pin left over).
  void ExpectReconcileClean() {
    for (const char* table : {"template_store_ref", "snapshot_store_ref", "volume_store_ref"}) {
      Exec(std::string("UPDATE ") + table +
           " SET ref_cnt = ref_cnt - 1 WHERE store_id = 1 AND install_path NOT LIKE '/%' AND "
           "ref_cnt > 0");
    }
    const CommandResult r =
        RunCsmigrate({"reconcile", "--db", db_url_, "--nfs-root", "1=" + nfs_, "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  static constexpr int kUnits = kExtraVolumes + 3;
  ScratchDir dir_;
  std::string nfs_ = dir_.File("nfs");
  std::string url_, db_url_, bucket_;
  std::unique_ptr<db::Connection> conn_;
  std::unique_ptr<ScratchDatabase> server_db_;
  std::unique_ptr<FaultProxy> proxy_;
};

TEST_P(DrainWorkers, ThreeWorkersShareTheUnitsAndSendEachObjectOnce) {
  // Three workers started together, each slowed to 256 KiB/s so that none can finish alone.
  std::vector<std::future<CommandResult>> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(std::async(std::launch::async, [&] {
      return RunCsmigrate(DrainArgs({"--jobs", "2", "--bwlimit", "256K", "--json"}));
    }));
  }
  int64_t pushed = 0;
  int workers_with_units = 0;
  for (auto& run : runs) {
    const CommandResult r = run.get();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const nlohmann::json doc = JsonDocumentIn(r.out);
    ASSERT_TRUE(doc.is_object()) << r.out;
    pushed += doc["units_pushed"].get<int64_t>();
    workers_with_units += doc["units_pushed"].get<int64_t>() > 0 ? 1 : 0;
    // Of the units a worker found (all, or fewer when it started after others had recorded
    // some), it pushed some and saw the others finish the rest.
    EXPECT_EQ(doc["units_pushed"].get<int64_t>() + doc["units_done_elsewhere"].get<int64_t>(),
              doc["units_total"].get<int64_t>())
        << r.out;
    EXPECT_EQ(doc["units_failed"], 0);
  }
  EXPECT_EQ(pushed, kUnits) << "every unit recorded by exactly one worker";
  EXPECT_GE(workers_with_units, 2) << "the work was shared";
  ExpectEachObjectSentOnce();
  // Each unit's first claim: nothing can be on the store yet, so nothing is looked for first.
  EXPECT_EQ(proxy_->Count("HEAD", "/volumes/") + proxy_->Count("HEAD", "/template/") +
                proxy_->Count("HEAD", "/snapshots/"),
            0);
  EXPECT_EQ(Pins(), "0 0\n");
  EXPECT_EQ(Query("SELECT state, COUNT(*), MAX(claims) FROM csm_claim GROUP BY state"),
            "done " + std::to_string(kUnits) + " 1\n");
  ExpectReconcileClean();
}

TEST_P(DrainWorkers, AKilledWorkersUnitIsTakenOverWhenItsClaimRunsOut) {
  // Worker A uploads its first unit and is killed before recording it.
  const std::string log = dir_.File("a.log");
  const int a = StartCsmigrate(DrainArgs({"--jobs", "1", "--lease", "4", "--order", "oldest"}),
                               {"CSM_TEST_DRAIN_PAUSE=0:60"}, log);
  ASSERT_TRUE(WaitForText(log, "test pause")) << "worker A never reached the pause";
  ::kill(a, SIGKILL);
  WaitExit(a);
  // As if A had run on another host (this host would see its process gone and take over at
  // once): its claim must run out first.
  Exec("UPDATE csm_claim SET holder = 'other-host:1' WHERE state = 'claimed'");
  ASSERT_EQ(Query("SELECT COUNT(*) FROM csm_claim WHERE state = 'claimed'"), "1\n");

  const CommandResult b = RunCsmigrate(DrainArgs({"--jobs", "2", "--json"}));
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  const nlohmann::json doc = JsonDocumentIn(b.out);
  EXPECT_EQ(doc["units_pushed"], kUnits) << b.out;
  EXPECT_EQ(doc["objects_adopted"], 1) << "A's verified upload is adopted, not sent again";
  ExpectEachObjectSentOnce();
  EXPECT_EQ(Pins(), "0 0\n");
  EXPECT_EQ(Query("SELECT claims FROM csm_claim WHERE claims > 1"), "2\n");
  ExpectReconcileClean();
}

TEST_P(DrainWorkers, StatusShowsTheLiveWorkerItsClaimAndTheProgressOfAll) {
  const std::string log = dir_.File("a.log");
  const int a = StartCsmigrate(DrainArgs({"--jobs", "1", "--order", "oldest"}),
                               {"CSM_TEST_DRAIN_PAUSE=1:60"}, log);
  ASSERT_TRUE(WaitForText(log, "test pause")) << "the worker never reached the pause";
  const CommandResult text = RunCsmigrate({"drain", "--status", "--db", db_url_});
  const CommandResult json = RunCsmigrate({"drain", "--status", "--db", db_url_, "--json"});
  ::kill(a, SIGKILL);
  WaitExit(a);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string holder = ":" + std::to_string(a) + "  drain  running, 1 jobs";
  EXPECT_NE(text.out.find(holder), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("      holds "), std::string::npos) << text.out;
  EXPECT_NE(
      text.out.find("progress of all workers: 1 of " + std::to_string(kUnits) + " units done"),
      std::string::npos)
      << text.out;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  if (HaveJsonSchema()) {
    EXPECT_EQ(JsonSchemaErrors(json.out, "drain-status.schema.json", dir_), "") << json.out;
  }
  const nlohmann::json doc = JsonDocumentIn(json.out);
  ASSERT_EQ(doc["workers"].size(), 1u) << json.out;
  EXPECT_EQ(doc["workers"][0]["alive"], true);
  EXPECT_EQ(doc["workers"][0]["claims"].size(), 1u);
  EXPECT_EQ(doc["units_done"], 1);
  EXPECT_EQ(doc["units_left"], kUnits - 1);
  EXPECT_EQ(doc["units_claimed"], 1);
}

TEST_P(DrainWorkers, SigtermFinishesTheTransfersInFlightThenARerunFinishesTheRest) {
  const std::string log = dir_.File("a.log");
  const int a = StartCsmigrate(DrainArgs({"--jobs", "2", "--bwlimit", "64K", "--json"}), {}, log);
  // Some transfers are in flight (the whole drain takes about 20 s at this rate).
  ASSERT_TRUE(WaitForClaims()) << "the drain never took a unit";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(a, SIGTERM);
  EXPECT_EQ(WaitExit(a), 143);
  // StartCsmigrate writes stdout to LOG.out.
  const nlohmann::json doc = JsonDocumentIn(ReadFile(log + ".out"));
  ASSERT_TRUE(doc.is_object()) << ReadFile(log + ".out") << ReadFile(log);
  EXPECT_EQ(doc["stopped_by_signal"], 15);
  EXPECT_GT(doc["units_left"].get<int64_t>(), 0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM csm_claim WHERE state = 'claimed'"), "0\n")
      << "every claim is recorded or given back";
  // What was recorded is whole: each placeholder filled has its pin released, no more.
  EXPECT_EQ(VolumesRecordedInPart(), "0\n");

  const CommandResult rest = RunCsmigrate(DrainArgs({"--jobs", "4"}));
  ASSERT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  ExpectEachObjectSentOnce();
  EXPECT_EQ(Pins(), "0 0\n");
  ExpectReconcileClean();
}

TEST_P(DrainWorkers, ASecondSignalEndsTheTransfersInFlightUnrecorded) {
  const std::string log = dir_.File("a.log");
  const int a = StartCsmigrate(DrainArgs({"--jobs", "2", "--bwlimit", "32K", "--json"}), {}, log);
  ASSERT_TRUE(WaitForClaims()) << "the drain never took a unit";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(a, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(a, SIGINT);
  EXPECT_EQ(WaitExit(a), 130);
  // StartCsmigrate writes stdout to LOG.out.
  const nlohmann::json doc = JsonDocumentIn(ReadFile(log + ".out"));
  ASSERT_TRUE(doc.is_object()) << ReadFile(log + ".out") << ReadFile(log);
  EXPECT_EQ(doc["stopped_by_signal"], 2);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM csm_claim WHERE state = 'claimed'"), "0\n");
  EXPECT_EQ(VolumesRecordedInPart(), "0\n");
  const CommandResult rest = RunCsmigrate(DrainArgs({"--jobs", "4"}));
  ASSERT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  EXPECT_EQ(Pins(), "0 0\n");
  ExpectReconcileClean();
}

INSTANTIATE_TEST_SUITE_P(Backends, DrainWorkers, ::testing::Values("sqlite", "mysql", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace csm::test
