// `csmigrate reconcile` predicts CloudStack's template sync (cloudstack.md §5) against the real
// Swift all-in-one, through its S3 API and its native Swift API, from a basic-s3 cloud converted
// to it: a template laid out exactly as push lays it out predicts nothing; a Swift template
// without its template.properties, a row whose object is missing, a non-Ready placeholder, a
// key that wins its directory, and the object of a template the sync does not know are each
// flagged, first, with what fixes them. Then the same SQL on MariaDB and PostgreSQL, with both
// CloudStack schemas.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fixture/fixture.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

constexpr const char* kUnique = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f";
constexpr const char* kFile = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2";
constexpr int64_t kBytes = 3000;               // the template object pushed by hand
constexpr int64_t kVirtualSize = 10737418240;  // vm_template 201's size in basic-s3

// The key push gives template 201 on a store of `provider` (cloudstack.md §3).
std::string PushKey(const std::string& provider) {
  return provider == "Swift" ? std::string("T-201/") + kFile
                             : std::string("template/tmpl/2/201/") + kUnique + "/" + kFile;
}

// The template.properties push (and CloudStack's copy) writes next to a Swift template.
std::string SwiftProperties(const std::string& unique_name, const std::string& file) {
  return "uniquename=" + unique_name + "\nfilename=" + file + "\nsize=" + std::to_string(kBytes) +
         "\nvirtualsize=" + std::to_string(kVirtualSize) + "\n";
}

// The jsonl record of the first finding of `kind`, or null.
nlohmann::json FirstOf(const std::string& jsonl, const std::string& kind) {
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["record"] == "finding" && j["kind"] == kind) return j;
  }
  return nullptr;
}

// Whether every sync_ prediction of `jsonl` comes before every other finding.
bool PredictionsFirst(const std::string& jsonl) {
  std::istringstream in(jsonl);
  bool others = false;
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["record"] != "finding") continue;
    const bool sync = j["kind"].get<std::string>().rfind("sync_", 0) == 0;
    if (sync && others) return false;
    others = others || !sync;
  }
  return true;
}

// basic-s3 (template 201, snapshot 11, volume 41 on NFS store 1) converted by `csmigrate apply`
// to an S3 bucket or to the native Swift account "reconcile" of the all-in-one (store 2), with
// every staging file on the NFS export. Template 201 is then put on the object store by hand,
// exactly as push puts it; the snapshot and volume stay placeholders (pending).
class ReconcileSync : public ::testing::TestWithParam<std::string> {
 protected:
  const std::string& provider() const { return GetParam(); }
  bool swift() const { return provider() == "Swift"; }

  void Convert(const std::string& url) {
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3", version_);
    MakeSizedFile(nfs_ + "/" + kBasicS3TemplatePath, 523763712);
    MakeSizedFile(nfs_ + "/" + kBasicS3SnapshotPath, 1395261440);
    MakeSizedFile(nfs_ + "/" + kBasicS3VolumePath, 1073741824);
    std::vector<std::string> args = {"apply", "--db", "sqlite://" + db_, "--name", "objects"};
    if (swift()) {
      account_ = std::make_unique<ExclusiveSwiftAccount>(url, "reconcile");
      args.insert(args.end(),
                  {"--provider", "Swift", "--url", url + "/auth/v1.0", "--detail",
                   "account=reconcile", "--detail", "username=tester", "--detail", "key=testing"});
      auto s = store::SwiftStore::Create(SwiftNativeConfig(url, "reconcile"));
      ASSERT_TRUE(s.ok()) << s.status().message();
      objects_ = std::move(*s);
    } else {
      CreateContainer(url, bucket_);
      args.insert(args.end(), {"--provider", "S3", "--detail", "bucket=" + bucket_, "--detail",
                               "accesskey=test:tester", "--detail", "secretkey=testing", "--detail",
                               "endpoint=" + url});
      auto s = store::S3Store::Create(SwiftS3Config(url, bucket_));
      ASSERT_TRUE(s.ok()) << s.status().message();
      objects_ = std::move(*s);
    }
    const CommandResult applied = RunCsmigrate(args);
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  void Upload(const std::string& key, const std::string& content) {
    const std::string local = dir_.File("upload");
    WriteFile(local, content);
    auto put = objects_->Put(key, local);
    ASSERT_TRUE(put.ok()) << key << ": " << put.status().message();
  }

  // What push leaves for template 201: the object (unless `upload` is false), on Swift its
  // template.properties (unless `properties` is false), the placeholder filled and the staging
  // pin given back.
  void PushByHand(bool upload = true, bool properties = true) {
    const std::string key = PushKey(provider());
    if (upload) Upload(key, PatternBytes(kBytes));
    if (swift() && properties) Upload("T-201/template.properties", SwiftProperties(kUnique, kFile));
    ExecSql(db_, "UPDATE template_store_ref SET install_path = '" + key +
                     "', download_pct = 100, download_state = 'DOWNLOADED', state = 'Ready', "
                     "size = " +
                     std::to_string(kVirtualSize) + ", physical_size = " + std::to_string(kBytes) +
                     " WHERE id = 2");
    ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = 0 WHERE id = 1");
  }

  CommandResult Reconcile() {
    return RunCsmigrate({"reconcile", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_,
                         "--format", "jsonl", "--repair-sql", repair_});
  }

  std::string RepairScript() {
    std::ifstream in(repair_);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  // The findings of a clean conversion with template 201 pushed: the other two placeholders.
  std::multiset<std::string> Pending(std::multiset<std::string> more = {}) {
    more.insert("placeholder_pending snapshot_store_ref#3 " + std::string(kBasicS3SnapshotPath));
    more.insert("placeholder_pending volume_store_ref#2 " + std::string(kBasicS3VolumePath));
    return more;
  }

  std::string version_ = "4.3";  // the CloudStack schema
  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
  std::string repair_ = dir_.File("repair.sql");
  std::string bucket_ = UniqueName("csm-sync");
  std::unique_ptr<ExclusiveSwiftAccount> account_;
  std::unique_ptr<store::ObjectStore> objects_;
};

TEST_P(ReconcileSync, AStoreLaidOutAsPushLaysItOutPredictsNothing) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  PushByHand();
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ReportFindings(r.out), Pending()) << r.out;
}

TEST_P(ReconcileSync, AFilledRowWhoseObjectIsMissingIsRemoved) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  PushByHand(/*upload=*/false, /*properties=*/false);
  const std::string key = PushKey(provider());
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out), Pending({"sync_remove template_store_ref#2 " + key,
                                            "missing template_store_ref#2 " + key}))
      << r.out;
  EXPECT_TRUE(PredictionsFirst(r.out)) << r.out;
  const auto f = FirstOf(r.out, "sync_remove");
  ASSERT_FALSE(f.is_null());
  EXPECT_NE(f["detail"].get<std::string>().find("the store does not hold its object " + key),
            std::string::npos)
      << f;
  // The staging copy is still there: the row can be made a placeholder again and pushed.
  EXPECT_NE(RepairScript().find("-- UPDATE template_store_ref SET install_path = NULL, state = "
                                "'Ready', download_state = 'DOWNLOADED', download_pct = 100 WHERE "
                                "id = 2 AND install_path = '" +
                                key + "';"),
            std::string::npos)
      << RepairScript();

  if (swift()) {
    // Swift: the sync never looks for the file itself. With the container's template.properties
    // it lists the template and keeps the row; only reconcile's merge sees the object is gone.
    Upload("T-201/template.properties", SwiftProperties(kUnique, kFile));
    const CommandResult fooled = Reconcile();
    EXPECT_EQ(ReportFindings(fooled.out), Pending({"missing template_store_ref#2 " + key}))
        << fooled.out;
  }
}

TEST_P(ReconcileSync, AnUnknownTemplatesObjectIsDeleted) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  PushByHand();
  std::string key;
  if (swift()) {
    key = "T-999/u-999.qcow2";
    Upload(key, "12345");
    Upload("T-999/template.properties", SwiftProperties("u-999", "u-999.qcow2"));
  } else {
    key = "template/tmpl/2/999/u-999/u-999.qcow2";
    Upload(key, "12345");
  }
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out), Pending({"sync_delete  " + key, "orphan  " + key})) << r.out;
  EXPECT_TRUE(PredictionsFirst(r.out)) << r.out;
  const auto f = FirstOf(r.out, "sync_delete");
  ASSERT_FALSE(f.is_null());
  EXPECT_EQ(f["symbol"], "x");
  EXPECT_NE(f["detail"].get<std::string>().find("no vm_template row has unique name \"u-999\""),
            std::string::npos)
      << f;
  EXPECT_NE(RepairScript().find("-- sync_delete: " + key + " on store 2"), std::string::npos)
      << RepairScript();
}

TEST_P(ReconcileSync, ANonReadyPlaceholderIsRemovedAndPushIsTheAction) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  ExecSql(db_, "UPDATE template_store_ref SET state = 'Copying' WHERE id = 2");
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out), Pending({"sync_remove template_store_ref#2 ",
                                            "placeholder_pending template_store_ref#2 " +
                                                std::string(kBasicS3TemplatePath),
                                            "state_mismatch template_store_ref#2 "}))
      << r.out;
  EXPECT_TRUE(PredictionsFirst(r.out)) << r.out;
  const auto f = FirstOf(r.out, "sync_remove");
  ASSERT_FALSE(f.is_null());
  EXPECT_EQ(f["action"], "csmigrate push template 201");
  EXPECT_EQ(f["state"], "Copying");
  EXPECT_NE(f["detail"].get<std::string>().find(
                "the pin this placeholder stood for on staging row #1 on store 1 (ref_cnt 1) is "
                "never given back"),
            std::string::npos)
      << f;
  EXPECT_NE(RepairScript().find("-- Before CloudStack's next sync: csmigrate push template 201"),
            std::string::npos)
      << RepairScript();

  // The conversion's own placeholder (Ready, DOWNLOADED, no install_path) is kept by the sync.
  ExecSql(db_, "UPDATE template_store_ref SET state = 'Ready' WHERE id = 2");
  const CommandResult kept = Reconcile();
  EXPECT_EQ(kept.exit_code, 0) << kept.out << kept.err;
  EXPECT_EQ(ReportFindings(kept.out), Pending({"placeholder_pending template_store_ref#2 " +
                                               std::string(kBasicS3TemplatePath)}))
      << kept.out;
}

TEST_P(ReconcileSync, TheActionForANonReadyPlaceholderDoesWhatItSays) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  // A small staging file, so that the push is quick.
  WriteFile(nfs_ + "/" + kBasicS3TemplatePath, PatternBytes(kBytes));
  ExecSql(db_, "UPDATE template_store_ref SET physical_size = " + std::to_string(kBytes) +
                   " WHERE id IN (1, 2)");
  ExecSql(db_, "UPDATE template_store_ref SET state = 'Copying' WHERE id = 2");
  const CommandResult r = Reconcile();
  const auto f = FirstOf(r.out, "sync_remove");
  ASSERT_FALSE(f.is_null()) << r.out;
  ASSERT_EQ(f["action"], "csmigrate push template 201");
  const CommandResult pushed = RunCsmigrate(
      {"push", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_, "--quiet", "template", "201"});
  EXPECT_EQ(pushed.exit_code, 0) << pushed.out << pushed.err;
  const CommandResult after = Reconcile();
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_EQ(ReportFindings(after.out), Pending()) << after.out;

  // Moved to Copying by CloudStack itself (update_count set), its object not there yet: push
  // leaves it, and so does the action.
  ASSERT_TRUE(objects_->Delete(PushKey(provider())).ok());
  if (swift()) {
    ASSERT_TRUE(objects_->Delete("T-201/template.properties").ok());
  }
  ExecSql(db_,
          "UPDATE template_store_ref SET install_path = NULL, state = 'Copying', update_count = 2 "
          "WHERE id = 2");
  const CommandResult busy = Reconcile();
  const auto g = FirstOf(busy.out, "sync_remove");
  ASSERT_FALSE(g.is_null()) << busy.out;
  EXPECT_TRUE(g["action"].is_null()) << g;
  EXPECT_EQ(ReportFindings(busy.out).count("sync_remove template_store_ref#2 "), 1u) << busy.out;
}

INSTANTIATE_TEST_SUITE_P(Stores, ReconcileSync, ::testing::Values("S3", "Swift"));

class ReconcileSyncSwift : public ReconcileSync {};

TEST_P(ReconcileSyncSwift, ATemplateWithoutTemplatePropertiesIsRemovedUntilPushWritesThem) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  PushByHand(/*upload=*/true, /*properties=*/false);
  const std::string key = PushKey(provider());
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out), Pending({"sync_remove template_store_ref#2 " + key})) << r.out;
  const auto f = FirstOf(r.out, "sync_remove");
  ASSERT_FALSE(f.is_null());
  EXPECT_EQ(f["symbol"], "#");
  EXPECT_EQ(f["action"], "csmigrate push template 201");
  EXPECT_NE(f["detail"].get<std::string>().find("container T-201 has no template.properties"),
            std::string::npos)
      << f;
  EXPECT_NE(RepairScript().find("csmigrate push template 201 writes T-201/template.properties"),
            std::string::npos)
      << RepairScript();

  // A template.properties CloudStack cannot read is no better.
  Upload("T-201/template.properties", "filename=" + std::string(kFile) + "\n");
  const CommandResult unreadable = Reconcile();
  EXPECT_EQ(ReportFindings(unreadable.out).count("sync_remove template_store_ref#2 " + key), 1u)
      << unreadable.out;

  // The action does what it says.
  const CommandResult pushed = RunCsmigrate(
      {"push", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_, "--quiet", "template", "201"});
  EXPECT_EQ(pushed.exit_code, 0) << pushed.out << pushed.err;
  const CommandResult after = Reconcile();
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_EQ(ReportFindings(after.out), Pending()) << after.out;
}

TEST_P(ReconcileSyncSwift, ATemplatePropertiesWithABadSizeIsReportedNamingItsContainer) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  PushByHand();
  const std::string properties = "uniquename=" + std::string(kUnique) + "\nfilename=" + kFile;
  // size= that Long.parseLong rejects: the sync skips the container (and removes the row).
  Upload("T-201/template.properties", properties + "\nsize=12x\nvirtualsize=100\n");
  const CommandResult bad_size = Reconcile();
  EXPECT_EQ(bad_size.exit_code, 1) << bad_size.err;
  EXPECT_EQ(ReportFindings(bad_size.out).count("incomplete  T-201/template.properties"), 1u)
      << bad_size.out;
  const auto f = FirstOf(bad_size.out, "incomplete");
  ASSERT_FALSE(f.is_null()) << bad_size.out;
  EXPECT_EQ(f["detail"], "template.properties has a size= that is not a number (container T-201)");
  // A virtualsize= that is not a number: the sync lists the template, with a size it cannot trust.
  Upload("T-201/template.properties",
         properties + "\nsize=" + std::to_string(kBytes) + "\nvirtualsize=-\n");
  const CommandResult bad_virtual = Reconcile();
  EXPECT_EQ(ReportFindings(bad_virtual.out), Pending({"incomplete  T-201/template.properties"}))
      << bad_virtual.out;
}

INSTANTIATE_TEST_SUITE_P(Swift, ReconcileSyncSwift, ::testing::Values("Swift"));

class ReconcileSyncS3 : public ReconcileSync {};

TEST_P(ReconcileSyncS3, TheKeyListedLastUnderAUniqueNameRepointsTheRow) {
  CSM_REQUIRE_SWIFT(url);
  Convert(url);
  PushByHand();
  const std::string later = std::string("template/tmpl/2/201/") + kUnique + "/zz-readme.txt";
  Upload(later, "notes");
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out),
            Pending({"sync_repoint template_store_ref#2 " + later, "orphan  " + later}))
      << r.out;
  const auto f = FirstOf(r.out, "sync_repoint");
  ASSERT_FALSE(f.is_null());
  EXPECT_EQ(f["symbol"], ">");
  EXPECT_EQ(f["store_size"], 5);
  EXPECT_NE(f["detail"].get<std::string>().find("the sync keeps the key listed last"),
            std::string::npos)
      << f;
}

TEST_P(ReconcileSyncS3, OnTheSchemaOf422ChildTemplatesAndDirectDownloadsAreLeftAlone) {
  CSM_REQUIRE_SWIFT(url);
  version_ = "4.22";  // vm_template has parent_template_id and direct_download
  Convert(url);
  PushByHand();
  const auto insert = [&](const std::string& id, const std::string& column,
                          const std::string& value) {
    ExecSql(db_,
            "INSERT INTO vm_template (id, unique_name, name, public, featured, type, hvm, bits, "
            "url, format, created, account_id, guest_os_id, state, " +
                column + ") VALUES (" + id + ", 'u-" + id + "', 't" + id +
                "', 1, 0, 'USER', 1, 64, 'http://dl.example.com/t.qcow2', 'QCOW2', "
                "'2020-01-01 00:00:00', 2, 1, 'Active', " +
                value + ")");
  };
  insert("202", "parent_template_id", "201");  // a data disk of an OVA: the sync skips it
  insert("203", "direct_download", "1");
  const std::string child_key = "template/tmpl/2/202/u-202/disk1.vmdk";
  Upload(child_key, "disk");
  const auto row = [&](const std::string& id, const std::string& template_id,
                       const std::string& key) {
    ExecSql(db_,
            "INSERT INTO template_store_ref (id, store_id, template_id, created, download_pct, "
            "store_role, download_state, install_path, state, destroyed, is_copy, ref_cnt) "
            "VALUES (" +
                id + ", 2, " + template_id +
                ", '2020-01-01 00:00:00', 100, 'Image', "
                "'DOWNLOADED', '" +
                key + "', 'Ready', 0, 0, 0)");
  };
  // Neither row is listed as it says: the sync would repoint or remove them, were they not a
  // child and a direct download.
  const std::string child_row_key = "template/tmpl/2/202/u-202/disk0.vmdk";
  const std::string direct_key = "template/tmpl/2/203/u-203/gone.qcow2";
  row("10", "202", child_row_key);
  row("11", "203", direct_key);
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out),
            Pending({"orphan  " + child_key, "missing template_store_ref#10 " + child_row_key,
                     "missing template_store_ref#11 " + direct_key}))
      << r.out;
}

INSTANTIATE_TEST_SUITE_P(S3, ReconcileSyncS3, ::testing::Values("S3"));

// The prediction's SQL on MariaDB and PostgreSQL, on both CloudStack schemas (4.22 has
// parent_template_id and direct_download; 4.3 has neither), over the S3 API: unique names are
// matched byte for byte whatever the collation.
using ServerCase = std::tuple<std::string, std::string>;  // backend, CloudStack version

class ReconcileSyncOnServer : public ::testing::TestWithParam<ServerCase> {};

TEST_P(ReconcileSyncOnServer, PredictsWhatSqlitePredicts) {
  CSM_REQUIRE_SWIFT(url);
  CSM_REQUIRE_SERVER(backend, std::get<0>(GetParam()));
  ScratchDatabase db(backend, std::get<1>(GetParam()));
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const std::string bucket = UniqueName("csm-sync");
  CreateContainer(url, bucket);
  const CommandResult applied =
      RunCsmigrate({"apply", "--db", db.url(), "--provider", "S3", "--name", "objects", "--detail",
                    "bucket=" + bucket, "--detail", "accesskey=test:tester", "--detail",
                    "secretkey=testing", "--detail", "endpoint=" + url});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  ASSERT_TRUE(s3.ok());
  ScratchDir dir;
  const std::string local = dir.File("object");
  WriteFile(local, PatternBytes(kBytes));
  // Template 201 pushed by hand, but at its NFS path (its directory names the template id, not
  // its unique name); and an object whose unique name differs from 201's only in case.
  const std::string nfs_layout = kBasicS3TemplatePath;
  std::string upper = kUnique;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string upper_key = "template/tmpl/2/201/" + upper + "/" + upper + ".qcow2";
  for (const auto& key : {nfs_layout, upper_key}) ASSERT_TRUE((*s3)->Put(key, local).ok()) << key;
  ASSERT_TRUE(db.conn()
                  .Execute("UPDATE template_store_ref SET install_path = ?, physical_size = ?, "
                           "download_pct = 100 WHERE id = 2",
                           {nfs_layout, kBytes})
                  .ok());
  ASSERT_TRUE(db.conn().Execute("UPDATE template_store_ref SET ref_cnt = 0 WHERE id = 1").ok());
  const std::string before = DumpCloudTables(db.conn());

  const CommandResult r =
      RunCsmigrate({"reconcile", "--db", db.url(), "--store", "2", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out),
            (std::multiset<std::string>{
                "sync_remove template_store_ref#2 " + nfs_layout,
                "sync_delete  " + nfs_layout,
                "sync_delete  " + upper_key,
                "orphan  " + upper_key,
                "placeholder_pending snapshot_store_ref#3 " + std::string(kBasicS3SnapshotPath),
                "placeholder_pending volume_store_ref#2 " + std::string(kBasicS3VolumePath),
            }))
      << r.out;
  EXPECT_TRUE(PredictionsFirst(r.out)) << r.out;
  const auto f = FirstOf(r.out, "sync_remove");
  ASSERT_FALSE(f.is_null());
  EXPECT_NE(f["detail"].get<std::string>().find("gives \"201\", not \"" + std::string(kUnique)),
            std::string::npos)
      << f;
  EXPECT_EQ(DumpCloudTables(db.conn()), before) << "reconcile wrote to the database";
}

INSTANTIATE_TEST_SUITE_P(Backends, ReconcileSyncOnServer,
                         ::testing::Combine(::testing::Values("mysql", "postgresql"),
                                            ::testing::Values("4.3", "4.22")),
                         [](const auto& info) {
                           std::string name =
                               std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           for (char& c : name) {
                             if (c == '.') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace csm::test
