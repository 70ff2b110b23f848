// The pin ({add: 1} on the staging copy a placeholder copies) never carries a count past what its
// column holds: a staging ref_cnt at the column's limit is refused before the step writes (exit
// 4, naming the table, row, column and value), by plan and by apply, and nothing is changed
// (SQLite would otherwise store the sum as a REAL, 9.22337203685478e+18, and exit 0).
#include <gtest/gtest.h>

#include "test_support.h"

namespace csm::test {
namespace {

constexpr const char* kLargest = "9223372036854775807";

class PinOverflow : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
  }
  ScratchDir dir_;
  std::string db_;
};

TEST_F(PinOverflow, AStagingCountAtItsLimitIsRefusedBeforeTheStepWrites) {
  // Row 1 is the staging copy of template 201 that the placeholder step pins.
  ExecSql(db_,
          std::string("UPDATE template_store_ref SET ref_cnt = ") + kLargest + " WHERE id = 1");
  const std::string before = DumpDatabase(db_);
  for (const std::string command : {"plan", "apply"}) {
    const CommandResult r = RunCsmigrate(S3Args(command, db_));
    EXPECT_EQ(r.exit_code, 4) << command << ": " << r.err;
    for (const std::string& text : std::vector<std::string>{
             "('template placeholders') would pin template_store_ref row 1",
             std::string("its ref_cnt ") + kLargest + " plus 1 is past " + kLargest,
             "Nothing was changed"}) {
      EXPECT_NE(r.err.find(text), std::string::npos) << command << ": " << r.err;
    }
    EXPECT_EQ(DumpDatabase(db_), before) << command;
  }
  EXPECT_EQ(Cell(db_,
                 "SELECT typeof(ref_cnt) || ' ' || ref_cnt FROM template_store_ref WHERE "
                 "id = 1"),
            std::string("integer ") + kLargest);
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_run"), "0");
}

TEST_F(PinOverflow, ACountOneBelowItsLimitIsPinnedToTheLimit) {
  ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = 9223372036854775806 WHERE id = 1");
  const CommandResult r = RunCsmigrate(S3Args("apply", db_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Cell(db_,
                 "SELECT typeof(ref_cnt) || ' ' || ref_cnt FROM template_store_ref WHERE "
                 "id = 1"),
            std::string("integer ") + kLargest);
}

}  // namespace
}  // namespace csm::test
