#include "push_drain_fixture.h"

#include <filesystem>

#include "store_test_support.h"

namespace csm::test {

namespace fs = std::filesystem;

void PushDrain::Convert(const std::vector<std::string>& store_args, int64_t template_size) {
  CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
  for (int id : {12, 13}) {
    const std::string s = std::to_string(id);
    ExecSql(db_,
            "INSERT INTO snapshots (id, data_center_id, account_id, domain_id, volume_id, "
            "disk_offering_id, status, name, uuid, snapshot_type, size, created, "
            "hypervisor_type) VALUES (" +
                s + ", 1, 2, 1, 31, 1, 'BackedUp', 'snap" + s + "', 'uuid-" + s +
                "', 0, 10737418240, '2013-11-1" + s.substr(1) + " 08:00:00', 'KVM')");
    ExecSql(db_,
            "INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, "
            "store_role, size, physical_size, parent_snapshot_id, install_path, state, "
            "ref_cnt, volume_id) VALUES (" +
                s + ", 1, " + s + ", '2013-11-1" + s.substr(1) +
                " 08:00:01', 'Image', 10737418240, 0, " + std::to_string(id - 1) +
                ", 'snapshots/2/31/snap-" + s + "', 'Ready', 0, 31)");
  }
  // The staging files and their sizes, as CloudStack had recorded them before the conversion
  // (which copies them into the placeholders).
  Stage("template/tmpl/2/201/" + std::string(kTemplateFile), template_size, "template_store_ref",
        1);
  Stage("volumes/2/41/" + std::string(kVolumeFile), 2000, "volume_store_ref", 1);
  Stage("snapshots/2/31/" + kSnapshotFiles.at(11), 1100, "snapshot_store_ref", 2);
  Stage("snapshots/2/31/snap-12.vhd", 1200, "snapshot_store_ref", 12);
  Stage("snapshots/2/31/snap-13.vhd", 1300, "snapshot_store_ref", 13);

  std::vector<std::string> args = {"apply", "--db", "sqlite://" + db_, "--name", "objects"};
  args.insert(args.end(), store_args.begin(), store_args.end());
  const CommandResult applied = RunCsmigrate(args);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
}

void PushDrain::Stage(const std::string& key, int64_t size, const std::string& table, int64_t row) {
  fs::create_directories(fs::path(nfs_ + "/" + key).parent_path());
  WriteFile(nfs_ + "/" + key, PatternBytes(static_cast<size_t>(size)));
  ExecSql(db_, "UPDATE " + table + " SET physical_size = " + std::to_string(size) +
                   " WHERE id = " + std::to_string(row));
}

std::vector<std::string> PushDrain::Args(const std::string& command,
                                         std::vector<std::string> extra) {
  std::vector<std::string> args = {command,      "--db",      "sqlite://" + db_,
                                   "--nfs-root", "1=" + nfs_, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

CommandResult PushDrain::Run(const std::string& command, std::vector<std::string> extra) {
  return RunCsmigrate(Args(command, std::move(extra)));
}

std::string PushDrain::Pins() {
  return "placeholders " +
         Cell(db_,
              "SELECT (SELECT COUNT(*) FROM template_store_ref WHERE store_id = 2 AND "
              "install_path IS NULL) + (SELECT COUNT(*) FROM snapshot_store_ref WHERE store_id "
              "= 2 AND install_path IS NULL) + (SELECT COUNT(*) FROM volume_store_ref WHERE "
              "store_id = 2 AND install_path IS NULL)") +
         ", staging pins " +
         Cell(db_,
              "SELECT (SELECT COALESCE(SUM(ref_cnt), 0) FROM template_store_ref WHERE store_id "
              "= 1) + (SELECT COALESCE(SUM(ref_cnt), 0) FROM snapshot_store_ref WHERE store_id "
              "= 1) + (SELECT COALESCE(SUM(ref_cnt), 0) FROM volume_store_ref WHERE store_id = "
              "1)") +
         ", negative " +
         Cell(db_,
              "SELECT (SELECT COUNT(*) FROM template_store_ref WHERE ref_cnt < 0) + (SELECT "
              "COUNT(*) FROM snapshot_store_ref WHERE ref_cnt < 0) + (SELECT COUNT(*) FROM "
              "volume_store_ref WHERE ref_cnt < 0)");
}

void PushDrain::ExpectReconcileClean() {
  const CommandResult r =
      RunCsmigrate({"reconcile", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("can be retired now"), std::string::npos) << r.out;
}

std::vector<std::string> S3Store(const std::string& url, const std::string& bucket) {
  return {"--provider", "S3",
          "--detail",   "bucket=" + bucket,
          "--detail",   "accesskey=test:tester",
          "--detail",   "secretkey=testing",
          "--detail",   "endpoint=" + url};
}

std::vector<std::string> SwiftNative(const std::string& url) {
  return {"--provider",   "Swift",    "--url",           url + "/auth/v1.0", "--detail",
          "account=push", "--detail", "username=tester", "--detail",         "key=testing"};
}

}  // namespace csm::test
