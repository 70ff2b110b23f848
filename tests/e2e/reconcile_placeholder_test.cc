// Placeholder checks (cloudstack.md §2 E) on a converted SQLite database, through the library:
// pending when a pinned, Ready staging copy is present; broken, naming why, when the staging row
// is gone, unpinned or not Ready, or its file is missing; unverified when the staging store was
// not listed.
#include <gtest/gtest.h>

#include <map>

#include "db/database_url.h"
#include "reconcile/placeholder_check.h"
#include "test_support.h"

namespace csm::test {
namespace {

using reconcile::Finding;
using reconcile::FindingKind;

class Placeholders : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    const CommandResult applied = RunCsmigrate(S3Args("apply", db_));
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  // table -> the finding for its one placeholder on store 2.
  std::map<std::string, Finding> Check(const reconcile::StagingEvidence& evidence) {
    auto url = db::ParseDatabaseUrl("sqlite://" + db_);
    EXPECT_TRUE(url.ok());
    auto conn = db::OpenDatabase(*url);
    EXPECT_TRUE(conn.ok()) << conn.status().message();
    auto tables = cloudstack::DescribeRefTables(**conn);
    EXPECT_TRUE(tables.ok());
    std::map<std::string, Finding> found;
    const Status status =
        reconcile::CheckPlaceholders(**conn, *tables, {2}, evidence, [&](const Finding& f) {
          EXPECT_EQ(found.count(f.table), 0u) << "two findings for " << f.table;
          found[f.table] = f;
        });
    EXPECT_TRUE(status.ok()) << status.message();
    return found;
  }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
};

TEST_F(Placeholders, AfterAConversionEveryPlaceholderIsPendingOnItsPinnedCopy) {
  reconcile::StagingEvidence listed;
  listed.listed_stores = {1};
  const auto found = Check(listed);
  ASSERT_EQ(found.size(), 3u);
  for (const auto& [table, f] : found) {
    EXPECT_EQ(f.kind, FindingKind::kPlaceholderPending) << table << ": " << f.detail;
    EXPECT_EQ(f.store_id, 2);
    EXPECT_EQ(f.detail.find("not checked"), std::string::npos) << f.detail;
  }
  EXPECT_EQ(found.at("template_store_ref").row_id, 2);
  EXPECT_EQ(found.at("template_store_ref").object_id, 201);
  EXPECT_EQ(found.at("template_store_ref").key,
            "template/tmpl/2/201/201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2");
  EXPECT_EQ(found.at("snapshot_store_ref").detail,
            "content still on staging row #2 on store 1 (ref_cnt 1)");

  // Without a listing of store 1 the files were not looked at, and the report says so.
  const auto unverified = Check({});
  for (const auto& [table, f] : unverified) {
    EXPECT_EQ(f.kind, FindingKind::kPlaceholderPending) << table;
    EXPECT_NE(f.detail.find("that store was not listed, so its file was not checked"),
              std::string::npos)
        << f.detail;
  }
}

TEST_F(Placeholders, EachWayOfLosingTheStagingCopyIsBrokenAndSaysWhy) {
  ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = 0 WHERE id = 1");
  ExecSql(db_, "DELETE FROM volume_store_ref WHERE id = 1");
  reconcile::StagingEvidence evidence;
  evidence.listed_stores = {1};
  evidence.missing_rows["snapshot_store_ref"] = {2};
  const auto found = Check(evidence);
  ASSERT_EQ(found.size(), 3u);
  for (const auto& [table, f] : found) {
    EXPECT_EQ(f.kind, FindingKind::kPlaceholderBroken) << table << ": " << f.detail;
  }
  EXPECT_NE(found.at("template_store_ref").detail.find("staging row #1 on store 1 has ref_cnt 0"),
            std::string::npos);
  EXPECT_NE(found.at("snapshot_store_ref").detail.find("is missing from its store"),
            std::string::npos);
  EXPECT_NE(found.at("volume_store_ref").detail.find("no live row for this volume"),
            std::string::npos);
}

TEST_F(Placeholders, APinnedCopyThatIsNotReadyDoesNotBackAReadyPlaceholder) {
  ExecSql(db_, "UPDATE volume_store_ref SET state = 'Creating2' WHERE id = 1");
  reconcile::StagingEvidence listed;
  listed.listed_stores = {1};
  const auto found = Check(listed);
  EXPECT_EQ(found.at("volume_store_ref").kind, FindingKind::kPlaceholderBroken);
  EXPECT_NE(found.at("volume_store_ref").detail.find("in state Creating2, not Ready"),
            std::string::npos);
  EXPECT_EQ(found.at("template_store_ref").kind, FindingKind::kPlaceholderPending);
}

TEST_F(Placeholders, AFilledPlaceholderIsNoLongerOne) {
  ExecSql(db_,
          "UPDATE template_store_ref SET install_path = 'template/tmpl/2/201/x/y.qcow2' "
          "WHERE id = 2");
  const auto found = Check({});
  EXPECT_EQ(found.count("template_store_ref"), 0u);
  EXPECT_EQ(found.size(), 2u);
}

}  // namespace
}  // namespace csm::test
