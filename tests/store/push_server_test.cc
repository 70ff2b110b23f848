// push's SQL on MariaDB and PostgreSQL (CloudStack's own backends, unsigned ref_cnt on MariaDB):
// a drain to Swift's S3 API fills every placeholder and unpins every staging row exactly once,
// releases the pin the conversion recorded, and gives SYSTEM templates their row.
#include <gtest/gtest.h>

#include <filesystem>
#include <tuple>

#include "fixture/fixture.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

class PushOnServer : public ::testing::TestWithParam<std::string> {
 protected:
  // Converts `db` to a new bucket of the Swift all-in-one's S3 API (image store "objects").
  static void ConvertToNewBucket(const ScratchDatabase& db, const std::string& url) {
    const std::string bucket = UniqueName("csm-pushdb");
    CreateContainer(url, bucket);
    const CommandResult applied =
        RunCsmigrate({"apply", "--db", db.url(), "--provider", "S3", "--name", "objects",
                      "--detail", "bucket=" + bucket, "--detail", "accesskey=test:tester",
                      "--detail", "secretkey=testing", "--detail", "endpoint=" + url});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
};

TEST_P(PushOnServer, DrainFillsAndUnpinsOnce) {
  CSM_REQUIRE_SWIFT(url);
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend, "4.22");
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  ASSERT_NO_FATAL_FAILURE(ConvertToNewBucket(db, url));

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

TEST_P(PushOnServer, DrainReleasesTheRecordedPinAndGivesSystemTemplatesTheirRow) {
  CSM_REQUIRE_SWIFT(url);
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend, "4.22");
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const std::string file = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2";
  // Template 201: Copying on store 1 (CloudStack's copy in progress holds a reference), Ready on
  // a second NFS store 3. SYSTEM template 1: Ready on store 1, unpinned.
  for (const std::string& sql :
       {std::string("INSERT INTO image_store (id, name, image_provider_name, protocol, url, "
                    "data_center_id, scope, role, uuid, created) VALUES (3, 'nfs-b', 'NFS', "
                    "'nfs', 'nfs://10.0.0.3/export', 1, 'ZONE', 'Image', 'uuid-3', "
                    "'2013-11-01 10:00:00')"),
        std::string("UPDATE template_store_ref SET state = 'Copying', download_state = "
                    "'DOWNLOAD_IN_PROGRESS', ref_cnt = 1 WHERE id = 1"),
        "INSERT INTO template_store_ref (id, store_id, template_id, created, download_pct, "
        "size, store_role, physical_size, download_state, install_path, state, destroyed, "
        "is_copy, ref_cnt) VALUES (5, 3, 201, '2013-11-03 09:00:00', 100, 10737418240, "
        "'Image', 3000, 'DOWNLOADED', 'template/tmpl/2/201/" +
            file + "', 'Ready', 0, 0, 0)",
        std::string("INSERT INTO vm_template (id, unique_name, name, uuid, type, account_id, "
                    "url, format, hypervisor_type, cross_zones, created, state, public, "
                    "featured, guest_os_id, bootable, enable_password, hvm, bits) VALUES (1, "
                    "'routing-1', 'systemvm', 'uuid-routing-1', 'SYSTEM', 1, "
                    "'http://dl.example.com/systemvm.qcow2.bz2', 'QCOW2', 'KVM', 1, "
                    "'2013-11-01 10:00:00', 'Active', 0, 0, 15, 1, 0, 1, 64)"),
        std::string("INSERT INTO template_store_ref (id, store_id, template_id, created, "
                    "download_pct, size, store_role, physical_size, download_state, "
                    "install_path, state, destroyed, is_copy, ref_cnt) VALUES (7, 1, 1, "
                    "'2013-11-01 10:05:00', 100, 2097152000, 'Image', 4000, 'DOWNLOADED', "
                    "'template/tmpl/1/1/routing-1.qcow2', 'Ready', 0, 0, 0)")}) {
    auto done = db.conn().Execute(sql, {});
    ASSERT_TRUE(done.ok()) << done.status().message() << "\n" << sql;
  }
  ASSERT_NO_FATAL_FAILURE(ConvertToNewBucket(db, url));

  ScratchDir dir;
  const std::vector<std::tuple<std::string, std::string, size_t>> files = {
      {"nfs3", "template/tmpl/2/201/" + file, 3000},
      {"nfs1", "template/tmpl/1/1/routing-1.qcow2", 4000},
      {"nfs1", "snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60", 1100},
      {"nfs1", "volumes/2/41/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2", 2000}};
  for (const auto& [root, key, size] : files) {
    const std::string path = dir.File(root) + "/" + key;
    fs::create_directories(fs::path(path).parent_path());
    WriteFile(path, PatternBytes(size));
  }
  const CommandResult r =
      RunCsmigrate({"drain", "--db", db.url(), "--nfs-root", "1=" + dir.File("nfs1"), "--nfs-root",
                    "3=" + dir.File("nfs3"), "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 4 of 4 units"), std::string::npos) << r.out;

  auto value = [&](const std::string& sql) {
    auto q = db.conn().Query(sql);
    EXPECT_TRUE(q.ok()) << q.status().message();
    return q.ok() && !q->rows.empty() ? db::ToDisplay(q->rows[0][0]) : std::string("<none>");
  };
  EXPECT_EQ(value("SELECT ref_cnt FROM template_store_ref WHERE id = 5"), "0");
  EXPECT_EQ(value("SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "1");
  EXPECT_EQ(value("SELECT install_path FROM template_store_ref WHERE store_id = 4 AND "
                  "template_id = 201"),
            "template/tmpl/2/201/201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f/" + file);
  EXPECT_EQ(value("SELECT install_path FROM template_store_ref WHERE store_id = 4 AND "
                  "template_id = 1 AND state = 'Ready' AND download_state = 'DOWNLOADED' AND "
                  "download_pct = 100 AND store_role = 'Image' AND physical_size = 4000 AND "
                  "size = 2097152000"),
            "template/tmpl/1/1/routing-1/routing-1.qcow2");
  EXPECT_EQ(value("SELECT parent_snapshot_id FROM snapshot_store_ref WHERE store_id = 4"), "0");
  EXPECT_EQ(value("SELECT size FROM volume_store_ref WHERE store_id = 4"), "2000");
  // CloudStack's own reference still holds store 1; store 3 is free (the object store is 4).
  EXPECT_NE(r.out.find("staging store 1: still held by 1 template_store_ref rows"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("staging store 3: can be retired now"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, PushOnServer, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
