// Rollback trusts neither CloudStack's rows nor csmigrate's own record blindly: a row that took
// the id of a row the run deleted is never overwritten (not even with --force); a damaged ledger
// or journal record is reported as csmigrate's own (exit 7), never blamed on CloudStack; and every
// refusal, of rollback or apply, leaves the database file byte for byte as it was.
#include <gtest/gtest.h>

#include <tuple>

#include "test_support.h"

namespace csm::test {
namespace {

class RollbackHardening : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
  }
  // Applies the S3 conversion (run 1), which deletes snapshot_store_ref row 1 (a primary-pool
  // row) and updates template_store_ref rows.
  void ApplyRun() {
    const CommandResult r = RunCsmigrate(S3Args("apply", db_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Cell(db_,
                   "SELECT COUNT(*) FROM csm_journal WHERE op = 'D' AND table_name = "
                   "'snapshot_store_ref' AND row_id = 1"),
              "1");
  }
  // Runs `rollback 1` (plus `extra`): it must exit `exit_code` with every text of `says` on
  // stderr, and leave the file byte for byte as it was.
  CommandResult ExpectRollbackRefused(int exit_code, const std::vector<std::string>& says,
                                      const std::vector<std::string>& extra = {}) {
    const std::string digest = FileDigest(db_);
    std::vector<std::string> args = {"rollback", "--db", "sqlite://" + db_, "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    for (const auto& text : says) EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_EQ(FileDigest(db_), digest) << "a refused rollback changed the database file";
    return r;
  }
  ScratchDir dir_;
  std::string db_;
};

TEST_F(RollbackHardening, ARowThatTookADeletedRowsIdIsNeverOverwrittenEvenWithForce) {
  ApplyRun();
  // CloudStack (SQLite reuses a free id) writes an unrelated row with the deleted row's id.
  ExecSql(db_,
          "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, store_role, size, "
          "install_path, state, ref_cnt, volume_id) VALUES (1, 1, 99, '2026-11-25 10:00:00', "
          "'ImageCache', 5, 'snapshots/2/99/new', 'Ready', 0, 99)");
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
    ExpectRollbackRefused(
        5, {"not even with --force", "snapshot_store_ref id 1", "a row written since has its id"},
        extra);
  }
  EXPECT_EQ(Cell(db_,
                 "SELECT snapshot_id || ' ' || install_path FROM snapshot_store_ref WHERE "
                 "id = 1"),
            "99 snapshots/2/99/new");
  // Once that row is gone, the run rolls back.
  ExecSql(db_, "DELETE FROM snapshot_store_ref WHERE id = 1");
  const CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// The placeholder the run inserted (template_store_ref 2) is deleted and a new row, created after
// the run, takes its id (MySQL before 8.0 hands the highest id out again after a restart): it is
// another row, which rollback would delete, so it is refused even with --force.
TEST_F(RollbackHardening, ARowThatTookAnInsertedRowsIdIsNeverDeletedEvenWithForce) {
  ApplyRun();
  ASSERT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM csm_journal WHERE op = 'I' AND table_name = "
                 "'template_store_ref' AND row_id = 2"),
            "1");
  ExecSql(db_, "DELETE FROM template_store_ref WHERE id = 2");
  ExecSql(db_,
          "INSERT INTO template_store_ref (id, store_id, template_id, created, store_role, "
          "download_state, state, destroyed, is_copy, ref_cnt) VALUES (2, 1, 777, "
          "'2999-01-01 00:00:00', 'ImageCache', 'DOWNLOADED', 'Ready', 0, 0, 0)");
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
    ExpectRollbackRefused(5,
                          {"not even with --force", "template_store_ref id 2",
                           "now created later than the run started"},
                          extra);
  }
  EXPECT_EQ(Cell(db_, "SELECT template_id FROM template_store_ref WHERE id = 2"), "777");
  // A placeholder the run inserted and CloudStack changed since (push filled it) is its own row:
  // refused as changed, and --force rolls it back.
  ExecSql(db_, "DELETE FROM template_store_ref WHERE id = 2");
  ExecSql(db_,
          "INSERT INTO template_store_ref (id, store_id, template_id, created, store_role, "
          "download_state, state, destroyed, is_copy, ref_cnt, install_path) SELECT 2, 2, 201, "
          "started_at, 'Image', 'DOWNLOADED', 'Ready', 0, 0, 0, 'template/tmpl/2/201/x.qcow2' "
          "FROM csm_run WHERE id = 1");
  ExpectRollbackRefused(5, {"changed since run 1", "template_store_ref id 2"});
  const CommandResult forced =
      RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

TEST_F(RollbackHardening, AResultJsonThatDoesNotParseIsCsmigratesOwnDamagedRecord) {
  ApplyRun();
  ExecSql(db_, "UPDATE csm_run SET result_json = substr(result_json, 1, 40) WHERE id = 1");
  const CommandResult r = ExpectRollbackRefused(
      7, {"csmigrate's own record of run 1 is damaged: csm_run.result_json does not parse"});
  EXPECT_EQ(r.err.find("CloudStack has changed"), std::string::npos) << r.err;
  ExpectRollbackRefused(7, {"csm_run.result_json does not parse"}, {"--force"});
}

TEST_F(RollbackHardening, AResultJsonOfTheWrongShapeIsCsmigratesOwnDamagedRecord) {
  ApplyRun();
  ExecSql(db_, "UPDATE csm_run SET result_json = '[]' WHERE id = 1");
  ExpectRollbackRefused(7, {"run 1 is damaged: csm_run.result_json is not a JSON object"});
}

TEST_F(RollbackHardening, AResultJsonWithoutATablesImageColumnsIsCsmigratesOwnDamagedRecord) {
  ApplyRun();
  ExecSql(db_,
          "UPDATE csm_run SET result_json = json_remove(result_json, "
          "'$.image_columns.snapshot_store_ref') WHERE id = 1");
  ExpectRollbackRefused(7, {"run 1 is damaged", "lists no image columns for snapshot_store_ref"});
}

// The rollback guards the run recorded are csmigrate's own record too: damaged, they are exit 7,
// never skipped (that would roll back over rows pointing at the new store) nor read from the rule
// file instead.
TEST_F(RollbackHardening, DamagedRollbackGuardsAreCsmigratesOwnDamagedRecord) {
  ApplyRun();
  std::string record = Cell(db_, "SELECT result_json FROM csm_run WHERE id = 1");
  ASSERT_NE(record.find("\"rollback_guards\""), std::string::npos) << record;
  for (size_t quote = record.find('\''); quote != std::string::npos;
       quote = record.find('\'', quote + 2)) {
    record.insert(quote, 1, '\'');  // as a SQL literal
  }
  const std::vector<std::pair<std::string, std::string>> damages = {
      {"json_set(result_json, '$.rollback_guards', 'none')",
       "csm_run.result_json \"rollback_guards\" is not an array"},
      {"json_remove(result_json, '$.rollback_guards[0].sql')",
       "\"rollback_guards\" entry 1 is malformed"},
      {"json_set(result_json, '$.rollback_guards[1].params', json('[]'))",
       "\"rollback_guards\" entry 2 is malformed (its query has 3 placeholders for 0 parameters)"},
      {"json_set(result_json, '$.rollback_guards[2].params[0]', json('[1]'))",
       "\"rollback_guards\" entry 3 is malformed (a parameter is array"},
  };
  for (const auto& [damage, says] : damages) {
    ExecSql(db_, "UPDATE csm_run SET result_json = " + damage + " WHERE id = 1");
    for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
      ExpectRollbackRefused(7, {"csmigrate's own record of run 1 is damaged", says}, extra);
    }
    ExecSql(db_, "UPDATE csm_run SET result_json = '" + record + "' WHERE id = 1");
  }
  const CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(RollbackHardening, AJournalThatLostRowsDisagreesWithItsRecord) {
  ApplyRun();
  ExecSql(db_,
          "DELETE FROM csm_journal WHERE run_id = 1 AND table_name = 'snapshot_store_ref' "
          "AND op = 'D'");
  ExpectRollbackRefused(7, {"run 1 is damaged: csm_journal holds 1 inserted, 1 updated, 0 deleted "
                            "rows of snapshot_store_ref where csm_run.result_json records 1 "
                            "inserted, 1 updated, 1 deleted"});
}

TEST_F(RollbackHardening, AShortenedBeforeImageOfADeletedRowIsRefusedNamingItsMissingColumn) {
  ApplyRun();
  const std::string last =
      Cell(db_,
           "SELECT json_extract(result_json, '$.image_columns.snapshot_store_ref[#-1]') FROM "
           "csm_run WHERE id = 1");
  ExecSql(db_,
          "UPDATE csm_journal SET before_image = json_remove(before_image, '$[#-1]') WHERE "
          "run_id = 1 AND table_name = 'snapshot_store_ref' AND row_id = 1");
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
    ExpectRollbackRefused(
        7,
        {"run 1 is damaged: csm_journal.before_image",
         "snapshot_store_ref row 1 that lacks column(s) " + last, "would set them to NULL"},
        extra);
  }
}

// A value the run's images cannot have held (Inf, a number past the column's range, an object
// in a text column) is csmigrate's own damaged record, named by run, table, row and column, and
// nothing is written; without the check, SQLite's json_extract restores Inf, 1.0e+23 or JSON text.
TEST_F(RollbackHardening, ABeforeImageValueOfAnotherKindThanItsColumnIsRefused) {
  ApplyRun();
  auto index = [&](const std::string& column) {
    return Cell(db_,
                "SELECT e.key FROM csm_run r, json_each(r.result_json, "
                "'$.image_columns.snapshot_store_ref') e WHERE r.id = 1 AND e.value = '" +
                    column + "'");
  };
  // The image as a SQL literal, to put back after each damage.
  const std::string image = Cell(db_,
                                 "SELECT quote(before_image) FROM csm_journal WHERE run_id = 1 AND "
                                 "table_name = 'snapshot_store_ref' AND op = 'D' AND row_id = 1");
  const std::vector<std::tuple<std::string, std::string, std::string>> damages = {
      {"size", "1e400", "size 1e400 is not a number csmigrate reads"},
      {"size", "99999999999999999999999", "is not a whole number"},
      {"size", "12.5", "is not a whole number"},
      {"size", "\"12\"", "is not a whole number"},
      {"store_role", "{\"a\":1}", "is not a single value"},
      {"store_role", "7", "is not text"},
      {"created", "[1]", "is not a single value"},
  };
  for (const auto& [column, value, says] : damages) {
    ExecSql(db_, "UPDATE csm_journal SET before_image = json_set(before_image, '$[" +
                     index(column) + "]', json('" + value +
                     "')) WHERE run_id = 1 AND table_name = 'snapshot_store_ref' AND row_id = 1 "
                     "AND op = 'D'");
    for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--force"}}) {
      ExpectRollbackRefused(7,
                            {"csmigrate's own record of run 1 is damaged: csm_journal.before_image",
                             "snapshot_store_ref row 1 whose " + column, says},
                            extra);
    }
    ExecSql(db_, "UPDATE csm_journal SET before_image = " + image +
                     " WHERE run_id = 1 AND table_name = 'snapshot_store_ref' AND row_id = 1 AND "
                     "op = 'D'");
  }
  const CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Cell(db_,
                 "SELECT typeof(size) || ' ' || store_role FROM snapshot_store_ref WHERE "
                 "id = 1"),
            "integer Primary");
}

TEST_F(RollbackHardening, AShortenedBeforeImageOfAnUpdatedRowIsRefused) {
  ApplyRun();
  const std::string row =
      Cell(db_,
           "SELECT MIN(row_id) FROM csm_journal WHERE run_id = 1 AND table_name = "
           "'template_store_ref' AND op = 'U'");
  ExecSql(db_,
          "UPDATE csm_journal SET before_image = json_remove(before_image, '$[#-1]') WHERE "
          "run_id = 1 AND table_name = 'template_store_ref' AND row_id = " +
              row);
  ExpectRollbackRefused(7, {"template_store_ref row " + row + " that lacks column(s) "});
}

// The refusal is decided before the lock: a refused rollback takes no lease (here: does not take
// over the lease a crashed process left), and so writes nothing at all.
TEST_F(RollbackHardening, AFirstRefusedRollbackLeavesTheFileByteForByteUnchanged) {
  ApplyRun();
  ExecSql(db_,
          "INSERT INTO csm_lock (name, holder, acquired_at, expires_at) VALUES ('apply', "
          "'crashed-host:4242', '2026-01-01 00:00:00', 1)");
  ExecSql(db_, "UPDATE template_store_ref SET download_pct = 42 WHERE id = 1");
  ExpectRollbackRefused(5, {"changed since run 1"});
  ExpectRollbackRefused(5, {"changed since run 1"});
}

TEST_F(RollbackHardening, AnApplyRefusedForATriggerLeavesTheFileByteForByteUnchanged) {
  ExecSql(db_,
          "CREATE TRIGGER audit_count AFTER INSERT ON template_store_ref BEGIN UPDATE "
          "template_store_ref SET update_count = COALESCE(update_count, 0) + 1 WHERE id = NEW.id; "
          "END");
  const std::string digest = FileDigest(db_);
  const CommandResult r = RunCsmigrate(S3Args("apply", db_));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("table template_store_ref has trigger 'audit_count'"), std::string::npos)
      << r.err;
  EXPECT_EQ(FileDigest(db_), digest);
}

}  // namespace
}  // namespace csm::test
