// push's SQL on MariaDB and PostgreSQL (CloudStack's own backends, unsigned ref_cnt on MariaDB):
// a drain to Swift's S3 API fills every placeholder and unpins every staging row exactly once.
#include <gtest/gtest.h>

#include <filesystem>

#include "fixture/fixture.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

class PushOnServer : public ::testing::TestWithParam<std::string> {};

TEST_P(PushOnServer, DrainFillsAndUnpinsOnce) {
  CSM_REQUIRE_SWIFT(url);
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend, "4.22");
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const std::string bucket = UniqueName("csm-pushdb");
  CreateContainer(url, bucket);
  const CommandResult applied =
      RunCsmigrate({"apply", "--db", db.url(), "--provider", "S3", "--name", "objects", "--detail",
                    "bucket=" + bucket, "--detail", "accesskey=test:tester", "--detail",
                    "secretkey=testing", "--detail", "endpoint=" + url});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;

  ScratchDir dir;
  const std::string nfs = dir.File("nfs");
  const std::vector<std::pair<std::string, size_t>> files = {
      {"template/tmpl/2/201/201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2", 3000},
      {"snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60", 1100},
      {"volumes/2/41/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2", 2000}};
  for (const auto& [key, size] : files) {
    fs::create_directories(fs::path(nfs + "/" + key).parent_path());
    WriteFile(nfs + "/" + key, PatternBytes(size));
  }
  const CommandResult r =
      RunCsmigrate({"drain", "--db", db.url(), "--nfs-root", "1=" + nfs, "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 3 of 3 units: 3 placeholders filled, 6100 bytes uploaded"),
            std::string::npos)
      << r.out;

  auto placeholders = db.conn().Query(
      "SELECT install_path, state, physical_size FROM template_store_ref WHERE store_id = 2 "
      "UNION ALL SELECT install_path, state, physical_size FROM snapshot_store_ref WHERE "
      "store_id = 2 UNION ALL SELECT install_path, state, physical_size FROM volume_store_ref "
      "WHERE store_id = 2");
  ASSERT_TRUE(placeholders.ok()) << placeholders.status().message();
  ASSERT_EQ(placeholders->rows.size(), 3u);
  for (const auto& row : placeholders->rows) {
    EXPECT_FALSE(db::IsNull(row[0]));
    EXPECT_EQ(db::ToDisplay(row[1]), "Ready");
  }
  auto pins = db.conn().Query(
      "SELECT ref_cnt FROM template_store_ref WHERE store_id = 1 UNION ALL SELECT ref_cnt FROM "
      "snapshot_store_ref WHERE store_id = 1 UNION ALL SELECT ref_cnt FROM volume_store_ref "
      "WHERE store_id = 1");
  ASSERT_TRUE(pins.ok());
  for (const auto& row : pins->rows) EXPECT_EQ(db::ToDisplay(row[0]), "0");

  // Nothing is left, so a second drain changes nothing, and never takes a count below zero.
  const CommandResult again =
      RunCsmigrate({"drain", "--db", db.url(), "--nfs-root", "1=" + nfs, "--quiet"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("pushed 0 of 0 units"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("staging store 1: can be retired now"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, PushOnServer, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
