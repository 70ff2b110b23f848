// Push and drain leave what CloudStack's own copy to the object store leaves (cloudstack.md §3),
// so that CloudStack's template sync (§5) keeps every object, against the real Swift all-in-one
// through its S3 API and its native API: the rows' sizes and format, template.properties on
// Swift (written, adopted, repaired), the bytes taken from any Ready staging copy while the pin
// released is the one the conversion took, SYSTEM templates reaching the object store (§7), and
// what cannot be pushed named with its reason.
#include <gtest/gtest.h>

#include <filesystem>

#include "cloudstack/template_properties.h"
#include "push/swift_template_properties.h"
#include "store/swift_store.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUnique = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f";
constexpr const char* kTemplateFile = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2";
constexpr const char* kTemplateDir = "template/tmpl/2/201/";
constexpr const char* kVirtualSize = "5368709120";  // the staging template.properties' virtualsize

// A basic-s3 cloud, its staging files on a local "NFS export" with physical_size their real sizes,
// converted by `csmigrate apply` to an S3 bucket or a native Swift account of the all-in-one.
class PushCloudStackCopy : public ::testing::TestWithParam<std::string> {
 protected:
  bool swift() const { return GetParam() == "Swift"; }

  // Loads basic-s3 into a fresh SQLite file.
  void Load() { CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3"); }

  void Convert(const std::string& url, const std::string& account) {
    std::vector<std::string> args = {"apply", "--db", "sqlite://" + db_, "--name", "objects"};
    account_ = account;
    if (swift()) {
      EmptyAccount(url);
      args.insert(args.end(), {"--provider", "Swift", "--url", url + "/auth/v1.0", "--detail",
                               "account=" + account_, "--detail", "username=tester", "--detail",
                               "key=testing"});
    } else {
      CreateContainer(url, bucket_);
      args.insert(args.end(), {"--provider", "S3", "--detail", "bucket=" + bucket_, "--detail",
                               "accesskey=test:tester", "--detail", "secretkey=testing", "--detail",
                               "endpoint=" + url});
    }
    const CommandResult applied = RunCsmigrate(args);
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  // Deletes what an earlier run of the test left in the account.
  void EmptyAccount(const std::string& url) {
    auto s = store::SwiftStore::Create(SwiftNativeConfig(url, account_));
    ASSERT_TRUE(s.ok()) << s.status().message();
    auto all = ListAll(**s, "");
    ASSERT_TRUE(all.ok()) << all.status().message();
    for (const auto& object : *all) ASSERT_TRUE((*s)->Delete(object.key).ok());
  }

  // A client of the object store the cloud was converted to.
  std::unique_ptr<store::ObjectStore> ObjectStore(const std::string& url) {
    if (swift()) {
      auto s = store::SwiftStore::Create(SwiftNativeConfig(url, account_));
      EXPECT_TRUE(s.ok()) << s.status().message();
      return std::move(*s);
    }
    auto s = store::S3Store::Create(SwiftS3Config(url, bucket_));
    EXPECT_TRUE(s.ok()) << s.status().message();
    return std::move(*s);
  }

  // Writes `size` bytes at `key` of the export of store `store` and records the size in `row`.
  void Stage(int store, const std::string& key, int64_t size, const std::string& table,
             int64_t row) {
    const std::string path = Export(store) + "/" + key;
    fs::create_directories(fs::path(path).parent_path());
    WriteFile(path, PatternBytes(static_cast<size_t>(size)));
    ExecSql(db_, "UPDATE " + table + " SET physical_size = " + std::to_string(size) +
                     " WHERE id = " + std::to_string(row));
  }

  // The template file of basic-s3 and its template.properties, as CloudStack installed them.
  void StageTemplate(int store, int64_t row) {
    Stage(store, kTemplateDir + std::string(kTemplateFile), 3000, "template_store_ref", row);
    WriteFile(Export(store) + "/" + kTemplateDir + "template.properties",
              "#Wed Nov 02 09:31:02 UTC 2013\nfilename=" + std::string(kTemplateFile) +
                  "\nqcow2=true\nuniquename=" + kUnique + "\nsize=3000\nvirtualsize=" +
                  kVirtualSize + "\nqcow2.size=3000\nqcow2.virtualsize=" + kVirtualSize + "\n");
  }

  // basic-s3's volume and snapshot files on store 1.
  void StageVolumeAndSnapshot() {
    Stage(1, "volumes/2/41/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2", 2000, "volume_store_ref",
          1);
    Stage(1, "snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60", 1100, "snapshot_store_ref", 2);
  }

  std::string Export(int store) { return dir_.File("nfs" + std::to_string(store)); }

  CommandResult Run(const std::string& command, std::vector<std::string> extra = {},
                    const std::vector<int>& exports = {1}) {
    std::vector<std::string> args = {command, "--db", "sqlite://" + db_, "--quiet"};
    for (int store : exports) {
      args.insert(args.end(), {"--nfs-root", std::to_string(store) + "=" + Export(store)});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  }

  std::string TemplateKey(const std::string& file = kTemplateFile) const {
    return swift() ? "T-201/" + file : kTemplateDir + std::string(kUnique) + "/" + file;
  }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string bucket_ = UniqueName("csm-copy");
  // Native Swift: each test its own account (tools/swift-server.sh has copy1..copy5), since
  // CloudStack's container names (T-201...) are fixed.
  std::string account_ = "copy1";
};

TEST_P(PushCloudStackCopy, RowsAndObjectsAreWhatCloudStacksCopyLeaves) {
  CSM_REQUIRE_SWIFT(url);
  Load();
  StageTemplate(1, 1);
  StageVolumeAndSnapshot();
  // A delta snapshot: its copy answer carries no parent, so its row must say it is full.
  ExecSql(db_,
          "INSERT INTO snapshots (id, data_center_id, account_id, domain_id, volume_id, "
          "disk_offering_id, status, name, uuid, snapshot_type, size, created, hypervisor_type) "
          "VALUES (12, 1, 2, 1, 31, 1, 'BackedUp', 'snap12', 'uuid-12', 0, 10737418240, "
          "'2013-11-12 08:00:00', 'KVM')");
  ExecSql(db_,
          "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, store_role, size, "
          "physical_size, parent_snapshot_id, install_path, state, ref_cnt, volume_id) VALUES "
          "(12, 1, 12, '2013-11-12 08:00:01', 'Image', 10737418240, 0, 11, "
          "'snapshots/2/31/snap-12', 'Ready', 0, 31)");
  Stage(1, "snapshots/2/31/snap-12", 1200, "snapshot_store_ref", 12);
  ExecSql(db_, "UPDATE vm_template SET format = 'RAW' WHERE id = 201");  // the copy sets it
  Convert(url, "copy1");

  const CommandResult r = Run("drain");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // Template: size = the virtual size from the staging template.properties, physical_size =
  // the bytes uploaded; vm_template.size = the virtual size, format = the file's.
  EXPECT_EQ(Cell(db_,
                 "SELECT install_path || '|' || state || '|' || download_state || '|' || "
                 "download_pct || '|' || size || '|' || physical_size FROM template_store_ref "
                 "WHERE store_id = 2"),
            TemplateKey() + "|Ready|DOWNLOADED|100|" + kVirtualSize + "|3000");
  EXPECT_EQ(Cell(db_, "SELECT size || '|' || format FROM vm_template WHERE id = 201"),
            std::string(kVirtualSize) + "|QCOW2");
  // Snapshots: parent_snapshot_id 0, physical_size as the placeholder had it.
  EXPECT_EQ(Cell(db_,
                 "SELECT GROUP_CONCAT(snapshot_id || ':' || parent_snapshot_id || ':' || "
                 "physical_size, ' ') FROM (SELECT * FROM snapshot_store_ref WHERE store_id = 2 "
                 "ORDER BY snapshot_id)"),
            "11:0:1100 12:0:1200");
  // Volume: size = physical_size = the bytes uploaded.
  EXPECT_EQ(
      Cell(db_, "SELECT size || '|' || physical_size FROM volume_store_ref WHERE store_id = 2"),
      "2000|2000");

  auto objects = ObjectStore(url);
  ASSERT_TRUE(objects);
  if (swift()) {
    // The file and exactly one template.properties that says what CloudStack's copy writes.
    auto listed = ListAll(*objects, "T-201/");
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    EXPECT_EQ(Keys(*listed), (std::vector<std::string>{"T-201/" + std::string(kTemplateFile),
                                                       "T-201/template.properties"}));
    auto text = ReadObject(*objects, "T-201/template.properties");
    ASSERT_TRUE(text.ok());
    const cloudstack::TemplateProperties p = cloudstack::ParseTemplateProperties(*text);
    EXPECT_EQ(p.values, (std::map<std::string, std::string>{{"filename", kTemplateFile},
                                                            {"size", "3000"},
                                                            {"uniquename", kUnique},
                                                            {"virtualsize", kVirtualSize}}));
  } else {
    // Nothing but the object under the template's directory: a second key there would change
    // the install path CloudStack's S3 listing picks.
    auto listed = ListAll(*objects, kTemplateDir);
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    EXPECT_EQ(Keys(*listed), std::vector<std::string>{TemplateKey()});
  }
}

TEST_P(PushCloudStackCopy, TheBytesComeFromAReadyCopyAndThePinReleasedIsTheConversions) {
  CSM_REQUIRE_SWIFT(url);
  Load();
  // Two NFS stores: on store 1, the lower-id row of template 201 is Copying (CloudStack's copy in
  // progress holds a reference on it); on store 3 it is Ready.
  ExecSql(db_,
          "INSERT INTO image_store (id, name, image_provider_name, protocol, url, data_center_id, "
          "scope, role, uuid, created) VALUES (3, 'nfs-zone1-b', 'NFS', 'nfs', "
          "'nfs://10.0.0.3/export/secondary', 1, 'ZONE', 'Image', 'uuid-store-3', "
          "'2013-11-01 10:00:00')");
  ExecSql(db_,
          "UPDATE template_store_ref SET state = 'Copying', download_state = "
          "'DOWNLOAD_IN_PROGRESS', download_pct = 40, ref_cnt = 1 WHERE id = 1");
  ExecSql(db_,
          "INSERT INTO template_store_ref (id, store_id, template_id, created, download_pct, size, "
          "store_role, physical_size, download_state, install_path, state, destroyed, is_copy, "
          "ref_cnt) VALUES (5, 3, 201, '2013-11-03 09:00:00', 100, 10737418240, 'Image', 0, "
          "'DOWNLOADED', 'template/tmpl/2/201/" +
              std::string(kTemplateFile) + "', 'Ready', 0, 0, 0)");
  StageTemplate(3, 5);
  Convert(url, "copy2");  // the object store is image store 4
  // The conversion pinned the Ready copy on store 3, not the lower-id one CloudStack is copying.
  ASSERT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 5"), "1");

  const CommandResult r = Run("push", {"template", "201"}, {1, 3});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Cell(db_, "SELECT install_path FROM template_store_ref WHERE store_id = 4"),
            TemplateKey());
  // Released once, on the row the conversion pinned; CloudStack's own reference is left alone.
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 5"), "0");
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "1");
}

TEST_P(PushCloudStackCopy, SystemTemplatesReachTheObjectStoreWithTheRowTheSyncWouldCreate) {
  CSM_REQUIRE_SWIFT(url);
  Load();
  ExecSql(db_,
          "INSERT INTO vm_template (id, unique_name, name, uuid, type, account_id, url, format, "
          "hypervisor_type, cross_zones, created, state, public, featured, guest_os_id, hvm, bits) "
          "VALUES "
          "(1, 'routing-1', 'SystemVM Template (KVM)', 'uuid-routing-1', 'SYSTEM', 1, "
          "'http://dl.example.com/systemvm64template-kvm.qcow2.bz2', 'QCOW2', 'KVM', 1, "
          "'2013-11-01 10:00:00', 'Active', 0, 0, 15, 1, 64)");
  ExecSql(db_,
          "INSERT INTO template_store_ref (id, store_id, template_id, created, download_pct, size, "
          "store_role, physical_size, download_state, install_path, state, destroyed, is_copy, "
          "ref_cnt) VALUES (7, 1, 1, '2013-11-01 10:05:00', 100, 2097152000, 'Image', 0, "
          "'DOWNLOADED', 'template/tmpl/1/1/routing-1.qcow2', 'Ready', 0, 0, 0)");
  Stage(1, "template/tmpl/1/1/routing-1.qcow2", 4000, "template_store_ref", 7);
  StageTemplate(1, 1);
  StageVolumeAndSnapshot();
  Convert(url, "copy3");
  ASSERT_EQ(
      Cell(db_, "SELECT COUNT(*) FROM template_store_ref WHERE template_id = 1 AND store_id = 2"),
      "0")
      << "the conversion gives SYSTEM templates no placeholder";

  // Until a drain, the staging store holds the only copy outside staging.
  const CommandResult dry = Run("drain", {"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("template 1: 4000 bytes from store 1:template/tmpl/1/1/routing-1.qcow2"),
            std::string::npos)
      << dry.out;
  const CommandResult partial = Run("drain", {"--limit", "0"});
  EXPECT_NE(partial.out.find("the only copy of 1 SYSTEM template"), std::string::npos)
      << partial.out;

  const CommandResult r = Run("drain");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string key =
      swift() ? "T-1/routing-1.qcow2" : "template/tmpl/1/1/routing-1/routing-1.qcow2";
  EXPECT_EQ(Cell(db_,
                 "SELECT install_path || '|' || state || '|' || download_state || '|' || "
                 "download_pct || '|' || store_role || '|' || size || '|' || physical_size || '|' "
                 "|| ref_cnt || '|' || destroyed || '|' || url FROM template_store_ref WHERE "
                 "template_id = 1 AND store_id = 2"),
            key + "|Ready|DOWNLOADED|100|Image|2097152000|4000|0|0|" +
                "http://dl.example.com/systemvm64template-kvm.qcow2.bz2");
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 7"), "0")
      << "no pin was taken, none is released";
  EXPECT_NE(r.out.find("staging store 1: can be retired now"), std::string::npos) << r.out;
  auto objects = ObjectStore(url);
  ASSERT_TRUE(objects);
  auto body = ReadObject(*objects, key);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(body->size(), 4000u);
  if (swift()) {
    auto text = ReadObject(*objects, "T-1/template.properties");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(cloudstack::ParseTemplateProperties(*text).uniquename, "routing-1");
  }

  // A second drain finds nothing: the row is there.
  const CommandResult again = Run("drain");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("pushed 0 of 0 units"), std::string::npos) << again.out;
}

TEST_P(PushCloudStackCopy, WhatCannotBePushedIsNamedWithItsReasonAndKeepsItsPin) {
  CSM_REQUIRE_SWIFT(url);
  Load();
  StageTemplate(1, 1);
  Convert(url, "copy4");
  // Since the conversion, CloudStack found the staging copy bad: no Ready copy is left anywhere.
  ExecSql(db_, "UPDATE template_store_ref SET state = 'Failed' WHERE id = 1");
  const CommandResult r = Run("drain");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("failed: template 201: no Ready copy on any live staging store"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "1");

  // A Ready copy whose file is gone is named with the row and the path.
  ExecSql(db_, "UPDATE template_store_ref SET state = 'Ready' WHERE id = 1");
  fs::remove(Export(1) + "/" + kTemplateDir + kTemplateFile);
  const CommandResult missing = Run("push", {"template", "201"});
  EXPECT_EQ(missing.exit_code, 6) << missing.err;
  EXPECT_NE(missing.err.find("the file of staging row #1 (template/tmpl/2/201/"), std::string::npos)
      << missing.err;
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "1");

  const CommandResult unknown = Run("push", {"template", "999"});
  EXPECT_EQ(unknown.exit_code, 6) << unknown.out;
  EXPECT_NE(unknown.err.find("no template with id 999"), std::string::npos) << unknown.err;
}

// On S3 a template's unique_name is a directory of its key: one that climbs out of it (or is
// empty) would put the object where CloudStack's template sync does not look, and the sync would
// drop the row and delete the object. Refused (exit 4), nothing uploaded, the pin kept.
TEST_P(PushCloudStackCopy, AUniqueNameThatIsNoDirectoryIsRefusedOnS3) {
  CSM_REQUIRE_SWIFT(url);
  Load();
  StageTemplate(1, 1);
  Convert(url, "copy4");
  ExecSql(db_, "UPDATE vm_template SET unique_name = '../../evil/u' WHERE id = 201");
  const CommandResult r = Run("push", {"template", "201"});
  if (swift()) {  // Swift's key is T-<id>/<file>: the name is not part of it
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return;
  }
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("template 201: its unique_name '../../evil/u' cannot be the directory"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "1");
  EXPECT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM template_store_ref WHERE store_id = 2 AND "
                 "install_path IS NOT NULL"),
            "0");
}

INSTANTIATE_TEST_SUITE_P(Stores, PushCloudStackCopy, ::testing::Values("S3", "Swift"));

// Swift only: template.properties is adopted when right, rewritten when wrong, repaired by push
// when missing, and never guessed at when something else shares its name.
class SwiftTemplateProperties : public PushCloudStackCopy {};

TEST_P(SwiftTemplateProperties, PushRepairsAMissingOrWrongFileAndAdoptsARightOne) {
  CSM_REQUIRE_SWIFT(url);
  Load();
  StageTemplate(1, 1);
  Convert(url, "copy5");
  ASSERT_EQ(Run("push", {"template", "201"}).exit_code, 0);
  auto objects = ObjectStore(url);
  ASSERT_TRUE(objects);

  // Lost (an object copied by hand, an older csmigrate): push writes it back.
  ASSERT_TRUE(objects->Delete("T-201/template.properties").ok());
  const CommandResult repaired = Run("push", {"template", "201"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_NE(repaired.out.find("repaired: wrote T-201/template.properties on image store 2"),
            std::string::npos)
      << repaired.out;
  auto text = ReadObject(*objects, "T-201/template.properties");
  ASSERT_TRUE(text.ok());
  const cloudstack::TemplateProperties p = cloudstack::ParseTemplateProperties(*text);
  EXPECT_EQ(p.uniquename, kUnique);
  EXPECT_EQ(p.filename, kTemplateFile);
  EXPECT_EQ(p.size, 3000);
  EXPECT_EQ(std::to_string(p.virtualsize), kVirtualSize);

  // Right: adopted, nothing written.
  const CommandResult adopted = Run("push", {"template", "201"});
  EXPECT_EQ(adopted.exit_code, 0);
  EXPECT_EQ(adopted.out.find("repaired"), std::string::npos) << adopted.out;

  // Wrong (another unique name): rewritten.
  push::SwiftTemplateEntry wrong{201, "201-2-other", kTemplateFile, 3000, 3000};
  ASSERT_TRUE(push::EnsureSwiftTemplateProperties(*objects, wrong).ok());
  push::SwiftTemplateEntry right{201, kUnique, kTemplateFile, 3000, std::stoll(kVirtualSize)};
  auto rewritten = push::EnsureSwiftTemplateProperties(*objects, right);
  ASSERT_TRUE(rewritten.ok()) << rewritten.status().message();
  EXPECT_TRUE(*rewritten);
  auto again = push::EnsureSwiftTemplateProperties(*objects, right);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "a right file is adopted";

  // Another object starting "template.properties" would hide the template from CloudStack: refused,
  // named, and left alone.
  const std::string stray = dir_.File("stray");
  WriteFile(stray, "old");
  ASSERT_TRUE(objects->Put("T-201/template.properties.bak", stray).ok());
  auto refused = push::EnsureSwiftTemplateProperties(*objects, right);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kPrecondition);
  EXPECT_NE(refused.status().message().find("T-201/template.properties.bak"), std::string::npos);

  // The object itself gone: push cannot make it up, and says so.
  ASSERT_TRUE(objects->Delete("T-201/template.properties.bak").ok());
  ASSERT_TRUE(objects->Delete("T-201/" + std::string(kTemplateFile)).ok());
  const CommandResult gone = Run("push", {"template", "201"});
  EXPECT_EQ(gone.exit_code, 6) << gone.out;
  EXPECT_NE(gone.err.find("is missing from"), std::string::npos) << gone.err;
}

INSTANTIATE_TEST_SUITE_P(Swift, SwiftTemplateProperties, ::testing::Values("Swift"));

}  // namespace
}  // namespace csm::test
