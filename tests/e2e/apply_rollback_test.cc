// The csmigrate binary on SQLite: apply, idempotent re-apply, status, exact rollback, refusals.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "db/database_url.h"
#include "db/schema_files.h"
#include "test_support.h"

namespace csm::test {
namespace {

class ApplyRollback : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
  }
  // Runs apply with `trigger` installed first: it must exit `exit_code` with `message` on stderr
  // and leave the database file byte for byte as it was (no row, no run, no engine table).
  void ExpectApplyRefusedWithNothingWritten(const std::string& trigger, int exit_code,
                                            const std::string& message) {
    ExecSql(db_, trigger);
    const std::string before = FileDigest(db_);
    CommandResult r = RunCsmigrate(S3Args("apply", db_));
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(FileDigest(db_), before);
  }

  // Runs rollback of run 1: it must exit 5 with `message` on stderr and change nothing.
  void ExpectRollbackRefusedWithNothingChanged(const std::string& message) {
    const std::string before = DumpDatabase(db_);
    CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(DumpDatabase(db_), before);
  }

  ScratchDir dir_;
  std::string db_;
};

TEST_F(ApplyRollback, ApplyPrintsTheNewStoreAsImageStoreResponse) {
  auto args = S3Args("apply", db_);
  args.push_back("--json");
  CommandResult r = RunCsmigrate(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_GT(out["run_id"].get<int64_t>(), 0);
  EXPECT_FALSE(out["already_applied"].get<bool>());
  const auto& store = out["image_store"];
  EXPECT_EQ(store["name"], "s3-region");
  EXPECT_EQ(store["provider"], "S3");
  EXPECT_EQ(store["scope"], "REGION");
  EXPECT_EQ(store["protocol"], "http");
  EXPECT_TRUE(store["zone_id"].is_null());
  EXPECT_TRUE(store["url"].is_null());
  EXPECT_EQ(store["uuid"].get<std::string>().size(), 36u);
}

TEST_F(ApplyRollback, ReapplyWithSameArgumentsChangesNothing) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  const std::string after_first = DumpDatabase(db_, true);
  auto args = S3Args("apply", db_);
  args.push_back("--json");
  CommandResult again = RunCsmigrate(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto out = nlohmann::json::parse(again.out);
  EXPECT_TRUE(out["already_applied"].get<bool>());
  EXPECT_EQ(out["run_id"].get<int64_t>(), 1);
  EXPECT_EQ(out["image_store"]["name"], "s3-region");
  EXPECT_EQ(DumpDatabase(db_, true), after_first);
  CommandResult text = RunCsmigrate(S3Args("apply", db_));
  EXPECT_NE(text.out.find("already applied"), std::string::npos) << text.out;
}

TEST_F(ApplyRollback, RollbackRestoresEveryTableExactly) {
  const std::string before = DumpDatabase(db_);
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ASSERT_NE(DumpDatabase(db_), before);
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before);
  // The run is recorded as rolled back; a second rollback says so and changes nothing (exit 0,
  // as a repeated apply).
  CommandResult status = RunCsmigrate({"status", "--db", "sqlite://" + db_, "--json"});
  ASSERT_EQ(status.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(status.out)["runs"][0]["state"], "rolled_back");
  const std::string rolled_back = DumpDatabase(db_, true);
  CommandResult again = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--json"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(nlohmann::json::parse(again.out)["already_rolled_back"].get<bool>()) << again.out;
  EXPECT_EQ(DumpDatabase(db_, true), rolled_back);
  CommandResult text = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_NE(text.out.find("was rolled back already"), std::string::npos) << text.out;
  // And the same conversion can be applied again afterwards.
  EXPECT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
}

TEST_F(ApplyRollback, StatusListsRunsWithSecretsMaskedAndChangesPerTable) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  CommandResult r = RunCsmigrate({"status", "--db", "sqlite://" + db_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto runs = nlohmann::json::parse(r.out)["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["state"], "applied");
  EXPECT_EQ(runs[0]["rules_checksum"].get<std::string>().size(), 64u);
  EXPECT_EQ(runs[0]["parameters"]["details"]["secretkey"], "******");
  EXPECT_EQ(runs[0]["parameters"]["details"]["accesskey"], "AKIAEXAMPLE");
  EXPECT_EQ(runs[0]["tables"]["image_store"]["inserted"], 1);
  EXPECT_GE(runs[0]["tables"]["template_store_ref"]["inserted"].get<int>(), 1);
}

TEST_F(ApplyRollback, SecretsNeverAppearInAnyOutput) {
  const std::string secret = "TopSecret-9f8e7d";
  std::string all;
  for (const char* command : {"plan", "apply"}) {
    CommandResult r = RunCsmigrate(S3Args(command, db_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    all += r.out + r.err;
    auto json_args = S3Args(command, db_);
    json_args.push_back("--json");
    r = RunCsmigrate(json_args);
    all += r.out + r.err;
  }
  CommandResult status = RunCsmigrate({"status", "--db", "sqlite://" + db_});
  all += status.out + status.err;
  // A refused run's error must not echo it either.
  auto taken = S3Args("apply", db_, "s3-region");
  taken.push_back("--detail");
  taken.push_back("usehttps=true");
  CommandResult refused = RunCsmigrate(taken);
  EXPECT_NE(refused.exit_code, 0);
  all += refused.out + refused.err;
  EXPECT_EQ(all.find(secret), std::string::npos);
  EXPECT_NE(all.find("******"), std::string::npos);
  // Without an encryption secret the value is stored as given (CloudStack with encryption off).
  EXPECT_NE(DumpDatabase(db_).find(secret), std::string::npos);
}

TEST_F(ApplyRollback, RollbackRefusesWhenCloudStackFilledAPlaceholder) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  // A push filled a placeholder on the new store (cloudstack.md §3).
  ExecSql(db_,
          "UPDATE template_store_ref SET install_path = 'template/tmpl/2/201/x/a.qcow2' "
          "WHERE id = (SELECT MIN(id) FROM template_store_ref WHERE store_id = "
          "(SELECT id FROM image_store WHERE name = 's3-region'))");
  const std::string changed = DumpDatabase(db_, true);
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("template_store_ref id"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("changed since run 1"), std::string::npos) << r.err;
  EXPECT_EQ(DumpDatabase(db_, true), changed);  // refused: nothing written
}

TEST_F(ApplyRollback, AChangeToAColumnTheRunNeverWroteStillBlocksRollback) {
  // The journal keeps only the columns the run writes (store_role, ref_cnt) of a staged row, but
  // the after-image digest covers every column: CloudStack touching another one is a conflict.
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_, "UPDATE template_store_ref SET download_pct = 42 WHERE id = 1");
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("template_store_ref id 1"), std::string::npos) << r.err;
  // Forced, the run's columns are restored and CloudStack's later change to another stays.
  r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string dump = DumpDatabase(db_);
  CreateCloudDb(dir_.File("expected.db"), SourceDir() + "/fixtures/basic-s3");
  ExecSql(dir_.File("expected.db"), "UPDATE template_store_ref SET download_pct = 42 WHERE id = 1");
  EXPECT_EQ(dump, DumpDatabase(dir_.File("expected.db")));
}

TEST_F(ApplyRollback, RollbackRefusesWhenANewSnapshotLandedOnTheObjectStore) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_,
          "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, store_role, size, "
          "install_path, state, ref_cnt, volume_id) SELECT 9001, id, 77, '2026-11-25 10:00:00', "
          "'Image', 1, 'snapshots/2/7/x', 'Ready', 0, 7 FROM image_store WHERE name = 's3-region'");
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("snapshot_store_ref id 9001"), std::string::npos) << r.err;
  // --force goes ahead, and says what it overrode.
  CommandResult forced = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("9001"), std::string::npos) << forced.out;
}

// A real CloudStack database has tables `init`'s schema lacks whose rows cascade away with the
// store they point at (upload.host_id -> image_store ON DELETE CASCADE). Rollback must not delete
// the new store from under them.
TEST_F(ApplyRollback, RollbackRefusesWhenAnUploadPointsAtTheObjectStore) {
  ExecSql(db_,
          "CREATE TABLE upload (id INTEGER PRIMARY KEY, host_id INTEGER NOT NULL, type_id INTEGER, "
          "url VARCHAR(2048), FOREIGN KEY (host_id) REFERENCES image_store(id) ON DELETE CASCADE)");
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_,
          "INSERT INTO upload (id, host_id, type_id, url) SELECT 31, id, 5, 'https://x/t.qcow2' "
          "FROM image_store WHERE name = 's3-region'");
  ExpectRollbackRefusedWithNothingChanged("upload id 31");
  // Once CloudStack's upload is gone, the run rolls back exactly.
  ExecSql(db_, "DELETE FROM upload WHERE id = 31");
  CommandResult again = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM image_store WHERE name = 's3-region'"), "0");
}

// The journal finds an insert step's rows by id and by the values the step wrote. When the table
// changes them as they are written (here an audit trigger bumping update_count), rollback could
// not find them: apply refuses a trigger on a table it writes before its first write.
TEST_F(ApplyRollback, InsertedRowsTheTableRewritesAreRefusedAndNothingIsWritten) {
  ExpectApplyRefusedWithNothingWritten(
      "CREATE TRIGGER audit_count AFTER INSERT ON template_store_ref BEGIN UPDATE "
      "template_store_ref SET update_count = COALESCE(update_count, 0) + 1 WHERE id = NEW.id; END",
      3, "table template_store_ref has trigger 'audit_count'");
}

// Rows that appear beside an insert step's own, with the same values, cannot be told apart from
// them (another client inserting at the same moment; here a trigger writes a twin of each row):
// the trigger is refused before the first write. (Another client's rows are caught after the
// step: StepRunner::CheckInsertedRowsJournaled.)
TEST_F(ApplyRollback, MatchingRowsInsertedBesideAStepsOwnAreRefusedAndNothingIsWritten) {
  ExpectApplyRefusedWithNothingWritten(
      "CREATE TRIGGER twin AFTER INSERT ON template_store_ref BEGIN INSERT INTO template_store_ref "
      "(store_id, template_id, created, download_pct, size, store_role, physical_size, "
      "download_state, error_str, url, state, destroyed, is_copy, update_count, ref_cnt) VALUES "
      "(NEW.store_id, NEW.template_id, NEW.created, NEW.download_pct, NEW.size, NEW.store_role, "
      "NEW.physical_size, NEW.download_state, NEW.error_str, NEW.url, NEW.state, NEW.destroyed, "
      "NEW.is_copy, NEW.update_count, NEW.ref_cnt); END",
      3, "table template_store_ref has trigger 'twin'");
}

// Inserted rows no later step writes carry their after-image digest in their journal row (one
// write each); the after table holds the digests of updated rows only.
TEST_F(ApplyRollback, InsertedRowsDigestsAreWrittenWithTheirJournalRows) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_journal WHERE op = 'I' AND after_image IS NULL"),
            "0");
  EXPECT_NE(Cell(db_, "SELECT COUNT(*) FROM csm_journal WHERE op = 'I'"), "0");
  EXPECT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM csm_journal_after a JOIN csm_journal j ON j.run_id = "
                 "a.run_id AND j.table_name = a.table_name AND j.row_id = a.row_id WHERE j.op = "
                 "'I'"),
            "0");
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_journal_after"),
            Cell(db_, "SELECT COUNT(*) FROM csm_journal WHERE op = 'U'"));
}

// When a later step writes rows an earlier step inserted, their digests are taken at commit: a
// digest taken at insertion would make rollback see the run's own write as a later change.
TEST_F(ApplyRollback, RowsALaterStepWritesAreDigestedAtCommit) {
  const std::string rules = dir_.File("rules.yaml");
  {
    std::ifstream shipped(SourceDir() + "/rules/nfs-to-object-store.yaml");
    std::stringstream text;
    text << shipped.rdbuf();
    std::string yaml = text.str();
    const size_t guards = yaml.find("\nrollback_guards:");
    ASSERT_NE(guards, std::string::npos);
    yaml.insert(guards,
                "\n  - name: mark the placeholders\n    update: template_store_ref\n"
                "    where: {store_id: $new_store}\n    set: {download_pct: 100}\n");
    std::ofstream(rules) << yaml;
  }
  const std::string before = DumpDatabase(db_);
  auto args = S3Args("apply", db_);
  args.insert(args.end(), {"--rules", rules});
  CommandResult applied = RunCsmigrate(args);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM template_store_ref WHERE download_pct = 100 AND store_id = "
                 "(SELECT id FROM image_store WHERE name = 's3-region')"),
            "1");
  EXPECT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM csm_journal WHERE op = 'I' AND table_name = "
                 "'template_store_ref' AND after_image IS NOT NULL"),
            "0");

  // CloudStack filling that placeholder is still seen...
  const std::string placeholder =
      "(SELECT MIN(id) FROM template_store_ref WHERE store_id = (SELECT id FROM image_store "
      "WHERE name = 's3-region'))";
  ExecSql(db_, "UPDATE template_store_ref SET install_path = 'x' WHERE id = " + placeholder);
  CommandResult refused =
      RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--rules", rules});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  // ... and without it, the run's own later write is no conflict: the rollback is exact.
  ExecSql(db_, "UPDATE template_store_ref SET install_path = NULL WHERE id = " + placeholder);
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--rules", rules});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before);
}

// A database whose journal table an earlier csmigrate created (no after_image column) is brought
// up to date before the next run, outside its transaction, and that run rolls back exactly.
TEST_F(ApplyRollback, AJournalFromAnEarlierVersionIsUpgraded) {
  const std::string has_column =
      "SELECT COUNT(*) FROM pragma_table_info('csm_journal') WHERE name = 'after_image'";
  {
    auto conn = db::OpenDatabase(*db::ParseDatabaseUrl("sqlite://" + db_));
    ASSERT_TRUE(conn.ok());
    Status engine = db::InstallSchemaFile(**conn, "engine");
    ASSERT_TRUE(engine.ok()) << engine.message();
  }
  ExecSql(db_, "ALTER TABLE csm_journal DROP COLUMN after_image");
  ASSERT_EQ(Cell(db_, has_column), "0");
  const std::string before = DumpDatabase(db_);
  CommandResult applied = RunCsmigrate(S3Args("apply", db_));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(Cell(db_, has_column), "1");
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before);
}

// A run an earlier csmigrate journaled (every digest in the after table, no after_image column)
// is rolled back exactly by this one, which upgrades the table first.
TEST_F(ApplyRollback, ARunJournaledByAnEarlierVersionRollsBackExactly) {
  const std::string before = DumpDatabase(db_);
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_,
          "INSERT INTO csm_journal_after (run_id, table_name, row_id, after_image) SELECT run_id, "
          "table_name, row_id, after_image FROM csm_journal WHERE after_image IS NOT NULL");
  ExecSql(db_, "ALTER TABLE csm_journal DROP COLUMN after_image");
  // CloudStack filling a placeholder is still a conflict...
  const std::string placeholder =
      "(SELECT MIN(id) FROM template_store_ref WHERE store_id = (SELECT id FROM image_store "
      "WHERE name = 's3-region'))";
  ExecSql(db_, "UPDATE template_store_ref SET install_path = 'x' WHERE id = " + placeholder);
  CommandResult refused = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("template_store_ref id"), std::string::npos) << refused.err;
  // ... and without it the rollback is exact.
  ExecSql(db_, "UPDATE template_store_ref SET install_path = NULL WHERE id = " + placeholder);
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before);
}

// A run whose after-images are digests of a form this csmigrate cannot compute (one a later
// version introduced) is not compared with digests of another form: the rollback is refused,
// naming the form, and changes nothing.
TEST_F(ApplyRollback, RollbackRefusesADigestFormItCannotCompute) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_,
          "UPDATE csm_run SET result_json = json_set(result_json, '$.after_images', "
          "'row_digest_from_the_future') WHERE id = 1");
  ExpectRollbackRefusedWithNothingChanged("'row_digest_from_the_future'");
}

TEST_F(ApplyRollback, UnknownRunIsNotFound) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "42"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("no run 42"), std::string::npos) << r.err;
}

TEST_F(ApplyRollback, PlanWritesNothingAndCountsRows) {
  const std::string digest = FileDigest(db_);
  auto args = S3Args("plan", db_);
  args.push_back("--json");
  CommandResult r = RunCsmigrate(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plan = nlohmann::json::parse(r.out);
  int64_t placeholders = -1;
  for (const auto& step : plan["steps"]) {
    EXPECT_FALSE(step["sql"].empty() && step["kind"] != "check") << step.dump();
    if (step["name"] == "template placeholders") placeholders = step["rows"];
  }
  EXPECT_GE(placeholders, 1);
  EXPECT_EQ(FileDigest(db_), digest);
}

}  // namespace
}  // namespace csm::test
