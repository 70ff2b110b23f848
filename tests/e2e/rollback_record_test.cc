// Rollback needs nothing but the database: the run's own record (csm_run.result_json) holds its
// rollback guards, so the rule file it was applied with may be deleted, broken or edited since and
// the run still rolls back exactly, with the guards it was applied with. A run an earlier csmigrate
// recorded without them still takes them from the rule file.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace csm::test {
namespace {

// Inserts a snapshot row on the store run 1 created: rows written since that point at the new
// store make rollback refuse (the rule file's snapshot_store_ref guard).
constexpr const char* kSnapshotOnTheNewStore =
    "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, store_role, size, "
    "install_path, state, ref_cnt, volume_id) SELECT 9001, id, 77, '2026-11-25 10:00:00', "
    "'Image', 1, 'snapshots/2/7/x', 'Ready', 0, 7 FROM image_store WHERE name = 's3-region'";

class RollbackRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    rules_ = dir_.File("conversion.yaml");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    std::ifstream shipped(SourceDir() + "/rules/nfs-to-object-store.yaml");
    std::stringstream text;
    text << shipped.rdbuf();
    rules_text_ = text.str();
    WriteRules(rules_text_);
    before_ = DumpDatabase(db_);
  }
  void WriteRules(const std::string& text) { std::ofstream(rules_, std::ios::trunc) << text; }
  // Applies the S3 conversion with the scratch copy of the shipped rule file (run 1).
  void ApplyRun() {
    auto args = S3Args("apply", db_);
    args.insert(args.end(), {"--rules", rules_});
    const CommandResult r = RunCsmigrate(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult RollbackWithRules(const std::string& rules) {
    return RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--rules", rules});
  }
  ScratchDir dir_;
  std::string db_, rules_, rules_text_, before_;
};

TEST_F(RollbackRecord, RollsBackExactlyWithTheRuleFileDeleted) {
  ApplyRun();
  ASSERT_EQ(std::remove(rules_.c_str()), 0);
  const CommandResult r = RollbackWithRules(rules_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before_);
}

TEST_F(RollbackRecord, RollsBackExactlyWithTheRuleFileBroken) {
  ApplyRun();
  WriteRules("name: half-written\nsteps: [\n");
  const CommandResult r = RollbackWithRules(rules_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before_);
}

// A rule file that no longer matches the database (a guard on a table it lacks) is no reason to
// refuse: it is not read.
TEST_F(RollbackRecord, RollsBackExactlyWithARuleFileThatNoLongerMatchesTheSchema) {
  ApplyRun();
  WriteRules(rules_text_ +
             "  - {table: no_such_table, column: store_id, references: image_store}\n");
  const CommandResult r = RollbackWithRules(rules_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before_);
}

// The rule file edited since the run (its rollback guards taken out) does not weaken the undo of
// that run: the guards it was applied with still refuse while a new snapshot is on the new store.
TEST_F(RollbackRecord, TheGuardsTheRunWasAppliedWithHoldWhateverTheRuleFileSaysNow) {
  ApplyRun();
  const size_t guards = rules_text_.find("\nrollback_guards:");
  ASSERT_NE(guards, std::string::npos);
  WriteRules(rules_text_.substr(0, guards + 1));
  ExecSql(db_, kSnapshotOnTheNewStore);
  const std::string applied = DumpDatabase(db_, true);
  const CommandResult refused = RollbackWithRules(rules_);
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("snapshot_store_ref id 9001"), std::string::npos) << refused.err;
  EXPECT_EQ(DumpDatabase(db_, true), applied);

  ExecSql(db_, "DELETE FROM snapshot_store_ref WHERE id = 9001");
  const CommandResult r = RollbackWithRules(rules_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before_);
}

// A run recorded by an earlier csmigrate (no "rollback_guards" in its record) is checked with the
// rule file's guards, as that version did; when that file cannot be read, the error says why it
// was needed.
TEST_F(RollbackRecord, ARunRecordedWithoutItsGuardsTakesThemFromTheRuleFile) {
  ApplyRun();
  ExecSql(db_,
          "UPDATE csm_run SET result_json = json_remove(result_json, '$.rollback_guards') WHERE "
          "id = 1");
  ExecSql(db_, kSnapshotOnTheNewStore);
  const std::string applied = DumpDatabase(db_, true);

  const CommandResult missing = RollbackWithRules(dir_.File("gone.yaml"));
  EXPECT_EQ(missing.exit_code, 6) << missing.err;
  EXPECT_NE(missing.err.find("run 1 was applied by an earlier csmigrate, whose record of it lacks "
                             "its rollback guards"),
            std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("gone.yaml"), std::string::npos) << missing.err;
  EXPECT_EQ(DumpDatabase(db_, true), applied);

  const CommandResult refused = RollbackWithRules(rules_);
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("snapshot_store_ref id 9001"), std::string::npos) << refused.err;
  EXPECT_EQ(DumpDatabase(db_, true), applied);

  ExecSql(db_, "DELETE FROM snapshot_store_ref WHERE id = 9001");
  const CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before_);
}

}  // namespace
}  // namespace csm::test
