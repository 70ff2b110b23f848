// `csmigrate reconcile` against the real Swift all-in-one, through its S3 API (SigV4 verified
// strictly) and its native API (TempAuth), with CloudStack's key layout (cloudstack.md §4) and an
// NFS staging export; then the faults a real server will not produce on demand, from the in-test
// fake server: a 503 (retried), a damaged listing and a server that goes away mid-listing (exit 2
// and no finding at all, never "missing").
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fake_http_server.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUnique = "201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f";
constexpr const char* kNfsTemplate = kBasicS3TemplatePath;
constexpr const char* kNfsSnapshot = kBasicS3SnapshotPath;
constexpr const char* kNfsVolume = kBasicS3VolumePath;

// basic-s3 converted to an object store (store 2) whose NFS staging store 1 holds its files.
// Then CloudStack kept working: the template was pushed (placeholder filled, staging unpinned),
// the snapshot's placeholder was filled with a key that is not in the store (the push's upload
// was lost) and someone left an object nobody claims. The volume is still a placeholder.
class ReconcileObjectStore : public ::testing::Test {
 protected:
  void Convert(const std::vector<std::string>& store_args) {
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    std::vector<std::string> args = {"apply", "--db", "sqlite://" + db_, "--name", "objects"};
    args.insert(args.end(), store_args.begin(), store_args.end());
    const CommandResult applied = RunCsmigrate(args);
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    MakeSizedFile(nfs_ + "/" + kNfsTemplate, 523763712);
    MakeSizedFile(nfs_ + "/" + kNfsSnapshot, 1395261440);
    MakeSizedFile(nfs_ + "/" + kNfsVolume, 1073741824);
  }

  void Upload(store::ObjectStore& store, const std::string& key, size_t size) {
    const std::string local = dir_.File("upload.bin");
    WriteFile(local, PatternBytes(size));
    auto put = store.Put(key, local);
    ASSERT_TRUE(put.ok()) << put.status().message();
  }

  void KeepWorking(store::ObjectStore& store, const std::string& template_key,
                   const std::string& snapshot_key, const std::string& orphan_key) {
    Upload(store, template_key, 2048);
    Upload(store, orphan_key, 5);
    ExecSql(db_, "UPDATE template_store_ref SET install_path = '" + template_key +
                     "', physical_size = 2048 WHERE id = 2");
    ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = 0 WHERE id = 1");
    ExecSql(db_, "UPDATE snapshot_store_ref SET install_path = '" + snapshot_key +
                     "', physical_size = 10 WHERE id = 3");
  }

  CommandResult Reconcile(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "reconcile", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_, "--format", "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  }

  // The findings every variant expects, given where the object store put each key.
  std::multiset<std::string> Expected(const std::string& snapshot_key,
                                      const std::string& orphan_key) {
    return {
        "placeholder_pending volume_store_ref#2 " + std::string(kNfsVolume),
        "missing snapshot_store_ref#3 " + snapshot_key,
        "orphan  " + orphan_key,
        // The snapshot's staging row stays pinned although its placeholder is filled.
        "pin_anomaly snapshot_store_ref#2 " + std::string(kNfsSnapshot),
    };
  }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
};

TEST_F(ReconcileObjectStore, OverTheS3Api) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-rc");
  CreateContainer(url, bucket);
  Convert({"--provider", "S3", "--detail", "bucket=" + bucket, "--detail", "accesskey=test:tester",
           "--detail", "secretkey=testing", "--detail", "endpoint=" + url});
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  ASSERT_TRUE(s3.ok());
  const std::string template_key =
      "template/tmpl/2/201/" + std::string(kUnique) + "/" + kUnique + ".qcow2";
  const std::string snapshot_key = "snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60";
  const std::string orphan_key = "volumes/2/99/forgotten.qcow2";
  KeepWorking(**s3, template_key, snapshot_key, orphan_key);
  Upload(**s3, "not-cloudstack/readme.txt", 3);  // outside CloudStack's layout: not examined

  const std::string digest = FileDigest(db_);
  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out), Expected(snapshot_key, orphan_key)) << r.out;
  EXPECT_EQ(FileDigest(db_), digest);

  const CommandResult all = Reconcile({"--show-ok", "--store", "2"});
  EXPECT_EQ(all.exit_code, 1) << all.err;
  EXPECT_EQ(ReportFindings(all.out).count("ok template_store_ref#2 " + template_key), 1u)
      << all.out;
  EXPECT_NE(all.out.find("that store was not listed"), std::string::npos)
      << "store 1 was not selected, so the volume's staging file was not checked";
}

TEST_F(ReconcileObjectStore, OverTheNativeSwiftApi) {
  CSM_REQUIRE_SWIFT(url);
  Convert({"--provider", "Swift", "--url", url + "/auth/v1.0", "--detail", "account=reconcile",
           "--detail", "username=tester", "--detail", "key=testing"});
  // CloudStack's containers: T-<template>, S-<volume>, V-<volume>, in an account this test holds
  // to itself, emptied first.
  const ExclusiveSwiftAccount account(url, "reconcile");
  auto swift = store::SwiftStore::Create(SwiftNativeConfig(url, "reconcile"));
  ASSERT_TRUE(swift.ok());
  const std::string template_key = std::string("T-201/") + kUnique + ".qcow2";
  const std::string snapshot_key = "S-31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60";
  const std::string orphan_key = "V-99/forgotten.qcow2";
  KeepWorking(**swift, template_key, snapshot_key, orphan_key);
  // Metadata, not an orphan; as CloudStack's copy writes it, so its template sync keeps the row.
  const std::string local = dir_.File("props");
  WriteFile(local, "uniquename=" + std::string(kUnique) + "\nfilename=" + kUnique +
                       ".qcow2\nsize=2048\nvirtualsize=2048\n");
  ASSERT_TRUE((*swift)->Put("T-201/template.properties", local).ok());

  const CommandResult r = Reconcile();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ReportFindings(r.out), Expected(snapshot_key, orphan_key)) << r.out;
}

TEST_F(ReconcileObjectStore, AWrongSecretIsAnAuthenticationErrorNotAReport) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-rc");
  CreateContainer(url, bucket);
  Convert({"--provider", "S3", "--detail", "bucket=" + bucket, "--detail", "accesskey=test:tester",
           "--detail", "secretkey=not-the-secret", "--detail", "endpoint=" + url});
  const CommandResult r = Reconcile({"--output", dir_.File("report.jsonl")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("reconcile could not complete: store 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SignatureDoesNotMatch): check accesskey/secretkey"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("not-the-secret"), std::string::npos) << "a secret was printed";
  EXPECT_FALSE(fs::exists(dir_.File("report.jsonl")));
}

std::string Page(const std::vector<std::string>& keys, const std::string& next_token) {
  std::string xml = "<?xml version=\"1.0\"?><ListBucketResult><Name>b</Name><IsTruncated>" +
                    std::string(next_token.empty() ? "false" : "true") + "</IsTruncated>";
  if (!next_token.empty()) {
    xml += "<NextContinuationToken>" + next_token + "</NextContinuationToken>";
  }
  for (const auto& key : keys) {
    xml += "<Contents><Key>" + key +
           "</Key><Size>10</Size><ETag>\"e\"</ETag>"
           "<LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>";
  }
  return xml + "</ListBucketResult>";
}

// The snapshot placeholder filled with a key, on an S3 store served by `server`, with fast
// retries (maxerrorretry 1).
class ReconcileFaults : public ReconcileObjectStore {
 protected:
  void ConvertTo(const FakeHttpServer& server) {
    Convert({"--provider", "S3", "--detail", "bucket=b", "--detail", "accesskey=AKID", "--detail",
             "secretkey=fake-secret-1234", "--detail", "endpoint=" + server.host(), "--detail",
             "maxerrorretry=1"});
    ExecSql(db_,
            "UPDATE snapshot_store_ref SET install_path = 'snapshots/2/31/snap', "
            "physical_size = 10 WHERE id = 3");
  }
};

TEST_F(ReconcileFaults, A503IsRetriedAndTheReportIsComplete) {
  std::atomic<int> calls = 0;
  FakeHttpServer server([&](const FakeRequest& r) {
    if (++calls == 1) return HttpReply(503, "<Error><Code>ServiceUnavailable</Code></Error>");
    const bool snapshots = r.target.find("prefix=snapshots%2F") != std::string::npos;
    return HttpReply(200, Page(snapshots ? std::vector<std::string>{"snapshots/2/31/snap"}
                                         : std::vector<std::string>{},
                               ""));
  });
  ConvertTo(server);
  const CommandResult r = Reconcile({"--store", "2", "--show-ok"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReportFindings(r.out).count("ok snapshot_store_ref#3 snapshots/2/31/snap"), 1u)
      << r.out;
  EXPECT_EQ(server.requests().size(), 4u) << "one retried request, then one per prefix";
}

TEST_F(ReconcileFaults, ADamagedListingIsAnErrorNotAnEmptyStore) {
  FakeHttpServer server([&](const FakeRequest&) {
    return HttpReply(200, "<?xml version=\"1.0\"?><ListBucketResult><IsTruncated>false</IsTrunc");
  });
  ConvertTo(server);
  const CommandResult r = Reconcile({"--store", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("reconcile could not complete: store 2"), std::string::npos) << r.err;
}

TEST_F(ReconcileFaults, AServerThatGoesAwayMidListingGivesNoFindings) {
  // Page one of snapshots/ arrives (without the claimed key); then the server is gone.
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.target.find("continuation-token") == std::string::npos) {
      return HttpReply(200, Page({"snapshots/2/31/a"}, "page-2"));
    }
    return std::string();  // connection closed without an answer
  });
  ConvertTo(server);
  const CommandResult r = Reconcile({"--store", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.out, "") << "no finding may come out of a listing that did not finish";
  EXPECT_EQ(r.err.find("missing"), std::string::npos) << r.err;
}

TEST_F(ReconcileFaults, AnInvalidSwiftListingIsAnError) {
  std::string storage;
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.target.rfind("/auth/v1.0", 0) == 0) {
      return HttpReply(200, "",
                       {{"X-Auth-Token", "tk"}, {"X-Storage-Url", storage + "/v1/AUTH_test"}});
    }
    return HttpReply(200, "[{\"name\": \"S-31\", \"count\": 1, \"bytes\"",
                     {{"Content-Type", "application/json"}});
  });
  storage = server.url();
  Convert({"--provider", "Swift", "--url", server.url() + "/auth/v1.0", "--detail", "account=test",
           "--detail", "username=tester", "--detail", "key=testing"});
  const CommandResult r = Reconcile({"--store", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("store 2"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace csm::test
