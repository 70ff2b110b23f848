// Reliability on real servers: exact rollback and its refusals, a second apply refused while one
// runs, a client killed mid-apply (the server rolls back), the server stopped mid-apply, and
// unsigned reference counts.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "db/schema_files.h"
#include "fixture/fixture.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

void LoadFixture(db::Connection& conn, const std::string& name) {
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/" + name);
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  Status loaded = fixture::LoadBeforeRows(conn, *fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
}

// Runs `sql` and fails the test on error.
void Exec(db::Connection& conn, const std::string& sql) {
  auto r = conn.Execute(sql, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
}

class ServerReliability : public ::testing::TestWithParam<std::string> {
 protected:
  ScratchDir dir_;
};

TEST_P(ServerReliability, RollbackIsExactAndRefusedAfterCloudStackKeptWorking) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "ref-cnt-copied");
  const std::string before = DumpCloudTables(db.conn());
  ASSERT_EQ(RunCsmigrate(ServerApply(db.url())).exit_code, 0);
  const std::string applied = DumpCloudTables(db.conn());
  ASSERT_NE(applied, before);

  // A push filled a placeholder: refused, naming the row.
  Exec(db.conn(),
       "UPDATE template_store_ref SET install_path = 'template/tmpl/2/201/x.qcow2' WHERE id = "
       "(SELECT m FROM (SELECT MAX(id) AS m FROM template_store_ref) x)");
  CommandResult refused = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("template_store_ref id"), std::string::npos) << refused.err;
  Exec(db.conn(),
       "UPDATE template_store_ref SET install_path = NULL WHERE id = "
       "(SELECT m FROM (SELECT MAX(id) AS m FROM template_store_ref) x)");

  // A new snapshot row landed on the object store: refused, naming it.
  Exec(db.conn(),
       "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, store_role, size, "
       "install_path, state, ref_cnt, volume_id) SELECT 9001, s.id, n.id, '2026-11-25 10:00:00', "
       "'Image', 1, 'snapshots/2/7/x', 'Ready', 0, n.volume_id FROM image_store s, snapshots n "
       "WHERE s.name = 's3-region' AND n.id = (SELECT MIN(id) FROM snapshots)");
  refused = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("snapshot_store_ref id 9001"), std::string::npos) << refused.err;
  Exec(db.conn(), "DELETE FROM snapshot_store_ref WHERE id = 9001");

  CommandResult rolled = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

// A row created after the run holds the id of a placeholder the run inserted (the placeholder
// deleted, its id handed out again): rollback would delete another row, so it is refused even
// with --force; the comparison of `created` with the run's start holds on each server's types.
TEST_P(ServerReliability, ARowThatTookAnInsertedRowsIdIsRefusedEvenWithForce) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "basic-s3");
  const std::string before = DumpCloudTables(db.conn());
  ASSERT_EQ(RunCsmigrate(ServerApply(db.url())).exit_code, 0);
  const std::string placeholder = "(SELECT m FROM (SELECT MAX(id) AS m FROM template_store_ref) x)";
  Exec(db.conn(),
       "UPDATE template_store_ref SET created = '2999-01-01 00:00:00' WHERE id = " + placeholder);
  const std::string replaced = DumpCloudTables(db.conn());
  for (const char* force : {"", "--force"}) {
    std::vector<std::string> args = {"rollback", "--db", db.url(), "1"};
    if (*force != '\0') args.push_back(force);
    const CommandResult refused = RunCsmigrate(args);
    EXPECT_EQ(refused.exit_code, 5) << refused.err;
    EXPECT_NE(refused.err.find("now created later than the run started"), std::string::npos)
        << refused.err;
    EXPECT_EQ(DumpCloudTables(db.conn()), replaced);
  }
  Exec(db.conn(),
       "UPDATE template_store_ref SET created = (SELECT started_at FROM csm_run WHERE "
       "id = 1) WHERE id = " +
           placeholder);
  const CommandResult rolled = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

// CloudStack's upload table (not in `init`'s schema) points at image_store with ON DELETE CASCADE:
// rolling back the new store would delete CloudStack's upload rows with it, so it is refused.
TEST_P(ServerReliability, RollbackRefusesWhileAnUploadCascadesFromTheNewStore) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "ref-cnt-copied");
  const std::string id_type = GetParam() == "mysql" ? "BIGINT UNSIGNED" : "BIGINT";
  Exec(db.conn(), "CREATE TABLE upload (id " + id_type + " PRIMARY KEY, host_id " + id_type +
                      " NOT NULL, url VARCHAR(255), CONSTRAINT fk_upload__store_id FOREIGN KEY "
                      "(host_id) REFERENCES image_store (id) ON DELETE CASCADE)");
  const std::string before = DumpCloudTables(db.conn());
  ASSERT_EQ(RunCsmigrate(ServerApply(db.url())).exit_code, 0);
  Exec(db.conn(),
       "INSERT INTO upload (id, host_id, url) SELECT 31, id, 'https://x/t.qcow2' FROM "
       "image_store WHERE name = 's3-region'");

  CommandResult refused = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("upload id 31"), std::string::npos) << refused.err;
  auto uploads = db.conn().Query("SELECT COUNT(*) FROM upload", {});
  ASSERT_TRUE(uploads.ok()) << uploads.status().message();
  EXPECT_EQ(db::ToDisplay(uploads->rows.at(0).at(0)), "1");

  Exec(db.conn(), "DELETE FROM upload WHERE id = 31");
  CommandResult rolled = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

// The run's record holds its rollback guards, compiled for this server: with the rule file it was
// applied with deleted, a new snapshot on the new store is still refused, and once it is gone the
// rollback is exact.
TEST_P(ServerReliability, RollbackFromTheRunsOwnRecordWithTheRuleFileDeleted) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "ref-cnt-copied");
  const std::string rules = dir_.File("conversion.yaml");
  {
    std::ifstream shipped(SourceDir() + "/rules/nfs-to-object-store.yaml");
    std::ofstream(rules) << shipped.rdbuf();
  }
  const std::string before = DumpCloudTables(db.conn());
  auto apply = ServerApply(db.url());
  apply.insert(apply.end(), {"--rules", rules});
  ASSERT_EQ(RunCsmigrate(apply).exit_code, 0);
  ASSERT_EQ(std::remove(rules.c_str()), 0);

  Exec(db.conn(),
       "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, store_role, size, "
       "install_path, state, ref_cnt, volume_id) SELECT 9001, s.id, n.id, '2026-11-25 10:00:00', "
       "'Image', 1, 'snapshots/2/7/x', 'Ready', 0, n.volume_id FROM image_store s, snapshots n "
       "WHERE s.name = 's3-region' AND n.id = (SELECT MIN(id) FROM snapshots)");
  const std::vector<std::string> rollback = {"rollback", "--db", db.url(), "1", "--rules", rules};
  CommandResult refused = RunCsmigrate(rollback);
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("snapshot_store_ref id 9001"), std::string::npos) << refused.err;
  Exec(db.conn(), "DELETE FROM snapshot_store_ref WHERE id = 9001");

  CommandResult rolled = RunCsmigrate(rollback);
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

TEST_P(ServerReliability, SecondApplyIsRefusedWhileOneRuns) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "basic-s3");
  const std::string log = dir_.File("first.log");
  const int pid = StartCsmigrate(ServerApply(db.url()), {"CSM_TEST_PAUSE=10:60"}, log);
  ASSERT_TRUE(WaitForText(log, "test pause"));
  auto args = ServerApply(db.url(), "other");
  args.insert(args.end(), {"--lock-wait", "1"});
  CommandResult second = RunCsmigrate(args);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_NE(second.err.find(":" + std::to_string(pid) + " since "), std::string::npos)
      << second.err;
}

TEST_P(ServerReliability, ClientKilledMidApplyLeavesNoChangeAndRerunCompletes) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "basic-s3");
  const std::string before = DumpCloudTables(db.conn());
  const std::string log = dir_.File("killed.log");
  const int pid = StartCsmigrate(ServerApply(db.url()), {"CSM_TEST_PAUSE=12:60"}, log);
  ASSERT_TRUE(WaitForText(log, "test pause"));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  // The server notices the dead client and rolls its transaction back.
  for (int i = 0; i < 50 && DumpCloudTables(db.conn()) != before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
  CommandResult rerun = RunCsmigrate(ServerApply(db.url()));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  CommandResult status = RunCsmigrate({"status", "--db", db.url(), "--json"});
  EXPECT_EQ(nlohmann::json::parse(status.out)["runs"].size(), 1u);
}

TEST_P(ServerReliability, PlanOnADatabaseCsmigrateNeverTouchedWritesNothing) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "basic-s3");
  auto engine_tables = db::EngineTablesExist(db.conn());
  ASSERT_TRUE(engine_tables.ok() && !*engine_tables) << "the scratch database should be bare";
  const std::string before = DumpCloudTables(db.conn());

  std::vector<std::string> plan = ServerApply(db.url());
  plan[0] = "plan";
  plan.push_back("--json");
  const CommandResult r = RunCsmigrate(plan);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto planned = nlohmann::json::parse(r.out);
  int64_t placeholders = 0;
  for (const auto& step : planned["steps"]) {
    if (step["name"] == "template placeholders") placeholders = step["rows"].get<int64_t>();
  }
  EXPECT_EQ(placeholders, 1) << "the plan counts rows by running the steps: " << r.out;
  // Before the fix the pick table's CREATE TABLE committed MySQL's transaction, and the steps
  // after it converted the cloud for real.
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
  engine_tables = db::EngineTablesExist(db.conn());
  ASSERT_TRUE(engine_tables.ok());
  EXPECT_FALSE(*engine_tables) << "plan created csmigrate's tables";
}

TEST_P(ServerReliability, ReferenceCountsCannotGoNegative) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "basic-s3");
  Exec(db.conn(), "UPDATE volume_store_ref SET ref_cnt = 0");
  auto negative = db.conn().Execute("UPDATE volume_store_ref SET ref_cnt = ref_cnt - 1", {});
  EXPECT_FALSE(negative.ok()) << "an unsigned/CHECKed ref_cnt must refuse to go below zero";
}

// A server-side trigger that rewrites the rows an insert step writes (an audit counter, say) would
// hide them from the journal, which finds them by the values the step wrote: apply refuses it,
// naming the table and the trigger, before its first write.
TEST_P(ServerReliability, AnInsertTriggerRewritingTheRunsRowsIsRefusedWithNothingWritten) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "basic-s3");
  Status created =
      backend.name == "mysql"
          ? db.conn().ExecuteScript(
                "CREATE TRIGGER audit_count BEFORE INSERT ON template_store_ref FOR EACH ROW SET "
                "NEW.update_count = COALESCE(NEW.update_count, 0) + 1")
          : db.conn().ExecuteScript(
                "CREATE FUNCTION audit_count() RETURNS trigger AS $$ BEGIN NEW.update_count := "
                "COALESCE(NEW.update_count, 0) + 1; RETURN NEW; END $$ LANGUAGE plpgsql; "
                "CREATE TRIGGER audit_count BEFORE INSERT ON template_store_ref FOR EACH ROW "
                "EXECUTE FUNCTION audit_count()");
  ASSERT_TRUE(created.ok()) << created.message();
  const std::string before = DumpCloudTables(db.conn());
  CommandResult r = RunCsmigrate(ServerApply(db.url()));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("table template_store_ref has trigger 'audit_count'"), std::string::npos)
      << r.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
  auto engine_tables = db::EngineTablesExist(db.conn());
  ASSERT_TRUE(engine_tables.ok()) << engine_tables.status().message();
  EXPECT_FALSE(*engine_tables) << "refused before its first write: not even csmigrate's tables";
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerReliability, ::testing::Values("mysql", "postgresql"));

// A CloudStack database upgraded over the years may mix collations and character sets within a
// table. The journal's images and digests must still be computed (MySQL refuses to concatenate
// some mixes: "Illegal mix of collations"), and the rollback be exact.
TEST(ServerDigestForms, MysqlTablesWithMixedCollationsRollBackExactly) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "ref-cnt-copied");
  Exec(db.conn(),
       "ALTER TABLE template_store_ref MODIFY install_path varchar(255) CHARACTER SET utf8mb3 "
       "COLLATE utf8mb3_unicode_ci, MODIFY url varchar(255) CHARACTER SET utf8mb4 COLLATE "
       "utf8mb4_bin, MODIFY job_id varchar(255) CHARACTER SET latin1");
  Exec(db.conn(), "UPDATE template_store_ref SET url = 'http://example.com/\xc3\xa9.qcow2'");
  const std::string before = DumpCloudTables(db.conn());
  CommandResult applied = RunCsmigrate(ServerApply(db.url()));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_NE(DumpCloudTables(db.conn()), before);
  CommandResult rolled = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

// PostgreSQL plans from statistics, which it keeps only for tables ANALYZE has seen: the run's work
// tables, filled inside its transaction, must be analyzed there (else the planner takes them for
// empty and picks plans quadratic in the run's size). A table never analyzed has reltuples -1.
TEST(ServerStatistics, PostgresAnalyzesTheWorkTablesDuringApply) {
  CSM_REQUIRE_SERVER(backend, "postgresql");
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "ref-cnt-copied");
  ASSERT_EQ(RunCsmigrate(ServerApply(db.url())).exit_code, 0);
  for (const std::string table : {"csm_journal", "csm_pick"}) {
    auto r = db.conn().Query("SELECT reltuples FROM pg_class WHERE relname = ?", {table});
    ASSERT_TRUE(r.ok() && r->rows.size() == 1) << table;
    EXPECT_GT(std::stod(db::ToDisplay(r->rows[0][0])), 0) << table << " was never analyzed";
  }
}

// A run that an earlier csmigrate journaled on MySQL, with the digests of that version
// (MD5(JSON_ARRAY(...)), recorded as "row_digest"), is checked with those digests: a change made
// since is still found, and without one the rollback is exact. Were it digested in the current
// form, every row would look changed. That version recorded no digest_masks.
TEST(ServerDigestForms, MysqlRunDigestedByAnEarlierVersionRollsBackExactly) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  LoadFixture(db.conn(), "ref-cnt-copied");
  const std::string before = DumpCloudTables(db.conn());
  ASSERT_EQ(RunCsmigrate(ServerApply(db.url())).exit_code, 0);

  auto run = db.conn().Query("SELECT result_json FROM csm_run WHERE id = 1", {});
  ASSERT_TRUE(run.ok() && run->rows.size() == 1);
  auto result = nlohmann::json::parse(std::get<std::string>(run->rows[0][0]));
  ASSERT_EQ(result["after_images"], "row_digest_quoted");
  for (const auto& [table, columns] : result["image_columns"].items()) {
    std::string image = "JSON_ARRAY(";
    for (size_t i = 0; i < columns.size(); ++i) {
      image += (i > 0 ? ", t.`" : "t.`") + columns[i].get<std::string>() + "`";
    }
    const std::string digest = "MD5(" + image + "))";
    Exec(db.conn(), "UPDATE csm_journal_after a JOIN `" + table +
                        "` t ON t.id = a.row_id SET a.after_image = " + digest +
                        " WHERE a.table_name = '" + table + "'");
    Exec(db.conn(), "UPDATE csm_journal j JOIN `" + table +
                        "` t ON t.id = j.row_id SET j.after_image = " + digest +
                        " WHERE j.table_name = '" + table + "' AND j.after_image IS NOT NULL");
  }
  result["after_images"] = "row_digest";
  result.erase("digest_masks");  // that version masked no secret in its digests
  auto rewritten =
      db.conn().Execute("UPDATE csm_run SET result_json = ? WHERE id = 1", {result.dump()});
  ASSERT_TRUE(rewritten.ok()) << rewritten.status().message();

  const std::string placeholder = "(SELECT m FROM (SELECT MAX(id) AS m FROM template_store_ref) x)";
  Exec(db.conn(), "UPDATE template_store_ref SET install_path = 'x' WHERE id = " + placeholder);
  CommandResult refused = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("template_store_ref id"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("vm_template"), std::string::npos) << refused.err;
  Exec(db.conn(), "UPDATE template_store_ref SET install_path = NULL WHERE id = " + placeholder);

  CommandResult rolled = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

// Stopping the server in the middle of an apply: a clear error, and after a restart the database
// is as before and a re-run completes. Uses a server of its own, started by the tools/ script.
class ServerStopped : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerStopped, MidApplyGivesAClearErrorAndNoPartialState) {
  CSM_REQUIRE_SERVER(shared, GetParam());
  (void)shared;  // this test starts a server of its own
  ScratchDir dir;
  const std::string script =
      SourceDir() + "/tools/" + (GetParam() == "mysql" ? "mariadb" : "postgres") + "-server.sh";
  const std::string server_dir = dir.File("server");
  auto sh = [&](const std::string& command) {
    const int rc = std::system(("bash " + script + " " + command + " " + server_dir + " >" +
                                dir.File("url") + " 2>" + dir.File("server.log"))
                                   .c_str());
    if (rc != 0) {
      std::ifstream log(dir.File("server.log"));
      std::stringstream text;
      text << log.rdbuf();
      ADD_FAILURE() << script << " " << command << " failed: " << text.str();
    }
    return rc;
  };
  ASSERT_EQ(sh("start"), 0);
  std::ifstream url_file(dir.File("url"));
  std::string url;
  std::getline(url_file, url);
  const ServerBackend own{GetParam(), url};
  std::string before, scratch_url;
  {
    auto scratch = std::make_unique<ScratchDatabase>(own);
    LoadFixture(scratch->conn(), "basic-s3");
    before = DumpCloudTables(scratch->conn());
    scratch_url = scratch->url();
    const std::string log = dir.File("apply.log");
    const int pid = StartCsmigrate(ServerApply(scratch_url), {"CSM_TEST_PAUSE=12:8"}, log);
    ASSERT_TRUE(WaitForText(log, "test pause"));
    ASSERT_EQ(sh("stop"), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 7);
    std::ifstream in(log);
    std::stringstream err;
    err << in.rdbuf();
    EXPECT_NE(err.str().find("csmigrate: error: "), std::string::npos) << err.str();
    ASSERT_EQ(sh("start"), 0);
    auto conn = Connect(scratch_url);
    ASSERT_TRUE(conn);
    EXPECT_EQ(DumpCloudTables(*conn), before);
    CommandResult rerun = RunCsmigrate(ServerApply(scratch_url));
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    scratch.reset();
  }
  EXPECT_EQ(sh("stop"), 0);
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerStopped, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
