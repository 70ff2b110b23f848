// common/output_guard.h: an output never resolves to a file the invocation reads, however it is
// spelled or linked; the check only looks.
#include "common/output_guard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace csm {
namespace {

namespace fs = std::filesystem;

class OutputGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(db_) << "SQLite format 3";
    fs::create_directories(nfs_ + "/template/tmpl/2/201");
    std::ofstream(nfs_ + "/template/tmpl/2/201/a.qcow2") << "x";
  }

  Status Check(const std::string& output) {
    FileRoles roles;
    roles.outputs = {{"--output", output}};
    roles.inputs = {{"--db", db_}, {"--rules", ""}};
    roles.input_trees = {{"--nfs-root", nfs_}};
    return CheckOutputsAreNotInputs(roles);
  }

  test::ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
};

TEST_F(OutputGuard, AnOutputElsewhereIsAccepted) {
  EXPECT_TRUE(Check(dir_.File("report.html")).ok());
  EXPECT_TRUE(Check("/dev/null").ok());
  EXPECT_TRUE(Check("").ok());
  EXPECT_TRUE(Check(dir_.File("nfs-report.csv")).ok());  // beside the tree, not in it
  EXPECT_FALSE(fs::exists(dir_.File("report.html")));    // the check creates nothing
}

TEST_F(OutputGuard, TheInputItselfIsRefusedNamingBothOptions) {
  const Status s = Check(db_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--output " + db_), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("--db " + db_), std::string::npos) << s.message();
}

TEST_F(OutputGuard, AnotherSpellingASymlinkOrAHardLinkIsTheSameFile) {
  fs::create_directories(dir_.File("sub"));
  EXPECT_FALSE(Check(dir_.File("sub/../cloud.db")).ok());
  EXPECT_FALSE(Check(dir_.File("./cloud.db")).ok());
  fs::create_symlink(db_, dir_.File("link.db"));
  EXPECT_FALSE(Check(dir_.File("link.db")).ok());
  fs::create_directory_symlink(dir_.path(), dir_.File("sub/up"));
  EXPECT_FALSE(Check(dir_.File("sub/up/cloud.db")).ok());
  fs::create_hard_link(db_, dir_.File("hard.db"));
  EXPECT_FALSE(Check(dir_.File("hard.db")).ok());
  const std::string here = fs::current_path();
  fs::current_path(dir_.path());
  const bool relative_refused = !Check("cloud.db").ok();
  fs::current_path(here);
  EXPECT_TRUE(relative_refused);
}

TEST_F(OutputGuard, AnythingUnderAnInputTreeIsRefused) {
  EXPECT_FALSE(Check(nfs_ + "/template/tmpl/2/201/a.qcow2").ok());
  const Status s = Check(nfs_ + "/report.txt");  // not there yet: it would become an orphan
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--nfs-root " + nfs_), std::string::npos) << s.message();
  EXPECT_FALSE(Check(nfs_).ok());
  fs::create_directory_symlink(nfs_ + "/template", dir_.File("t"));
  EXPECT_FALSE(Check(dir_.File("t/new.sql")).ok());
}

TEST_F(OutputGuard, TwoOutputsOnOneFileAreRefused) {
  FileRoles roles;
  roles.outputs = {{"--output", dir_.File("r.txt")}, {"--repair-sql", dir_.File("./r.txt")}};
  const Status s = CheckOutputsAreNotInputs(roles);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--repair-sql"), std::string::npos) << s.message();
  roles.outputs[1].path = dir_.File("r.sql");
  EXPECT_TRUE(CheckOutputsAreNotInputs(roles).ok());
}

}  // namespace
}  // namespace csm
