// drain against an object store that fails part-way: the Swift all-in-one behind the fault proxy
// (its S3 API and its native API) answering 500/503 to some requests, or holding an upload until
// the client's stall timeout gives up on it. The units that fail are named with their error and
// the drain exits 1; every unit that was verified stays recorded and its object stays; nothing is
// recorded for a unit that failed, so no pin is released twice (CloudStack's own references on
// the staging rows, taken before the drain, are still there after it); a second drain after the
// faults stop adopts what was uploaded and verified, sends the rest once, and reconcile is clean.
#include <gtest/gtest.h>

#include <map>

#include "fault_proxy.h"
#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

const std::string kTemplateKey =
    "template/tmpl/2/201/" + std::string(kUnique) + "/" + std::string(kTemplateFile);
const std::string kVolumeKey = "volumes/2/41/" + std::string(kVolumeFile);

class DrainStoreFaults : public PushDrain {
 protected:
  // The ref_cnt of every staging row a placeholder pinned (the template's, the three snapshots'
  // and the volume's staging rows on store 1).
  std::string StagingRefCounts() {
    return "template#1 " + Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1") +
           ", snapshot#2 " + Cell(db_, "SELECT ref_cnt FROM snapshot_store_ref WHERE id = 2") +
           ", snapshot#12 " + Cell(db_, "SELECT ref_cnt FROM snapshot_store_ref WHERE id = 12") +
           ", snapshot#13 " + Cell(db_, "SELECT ref_cnt FROM snapshot_store_ref WHERE id = 13") +
           ", volume#1 " + Cell(db_, "SELECT ref_cnt FROM volume_store_ref WHERE id = 1");
  }

  // CloudStack's own reference on each of those rows (a copy of its own in progress), taken
  // (+1) before the drain and given back (-1) after it: a pin released twice would take it.
  void CloudStackReferences(int delta) {
    const std::string change = "ref_cnt = ref_cnt + (" + std::to_string(delta) + ")";
    ExecSql(db_, "UPDATE template_store_ref SET " + change + " WHERE id = 1");
    ExecSql(db_, "UPDATE snapshot_store_ref SET " + change + " WHERE id IN (2, 12, 13)");
    ExecSql(db_, "UPDATE volume_store_ref SET " + change + " WHERE id = 1");
  }

  // How many placeholders of each kind on the object store are filled.
  std::string Filled() {
    auto filled = [&](const std::string& table) {
      return Cell(db_, "SELECT COUNT(*) FROM " + table +
                           " WHERE store_id = 2 AND install_path IS NOT NULL");
    };
    return "templates " + filled("template_store_ref") + ", snapshots " +
           filled("snapshot_store_ref") + ", volumes " + filled("volume_store_ref");
  }
};

// The keys `store` lists, comma-separated.
std::string ListedKeys(store::ObjectStore& store) {
  auto listed = ListAll(store, "");
  EXPECT_TRUE(listed.ok()) << listed.status().message();
  std::string keys;
  if (listed.ok()) {
    for (const auto& key : Keys(*listed)) keys += (keys.empty() ? "" : ", ") + key;
  }
  return keys;
}

TEST_F(DrainStoreFaults, S3Answering500sFailsThoseUnitsKeepsTheVerifiedAndTheRerunCompletes) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  const std::string bucket = UniqueName("csm-fault");
  CreateContainer(url, bucket);
  auto args = S3Store(proxy.url(), bucket);
  args.insert(args.end(), {"--detail", "maxerrorretry=1"});
  Convert(args);
  CloudStackReferences(+1);
  ASSERT_EQ(StagingRefCounts(),
            "template#1 2, snapshot#2 2, snapshot#12 2, snapshot#13 2, volume#1 2");

  // The chain's second snapshot cannot be uploaded (its PUT gets 500s) after the first one was;
  // every upload of the volume gets 503s. The template goes through.
  proxy.Add(FaultRule::Answer(500).For("PUT", "snap-12"));
  proxy.Add(FaultRule::Answer(503).For("PUT", "volumes/"));
  const CommandResult r = Run("drain", {"--jobs", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 1 of 3 units: 1 placeholders filled"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed: snapshots of volume 31 (3): S3 PUT of key "
                       "\"snapshots/2/31/snap-12.vhd\" in bucket " +
                       bucket + " at " + proxy.url() + " failed: HTTP 500"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("failed: volume 41: S3 PUT of key \"" + kVolumeKey + "\" in bucket " +
                       bucket + " at " + proxy.url() + " failed: HTTP 503 ServiceUnavailable"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Filled(), "templates 1, snapshots 0, volumes 0") << "a unit is recorded whole or not";
  EXPECT_EQ(StagingRefCounts(),
            "template#1 1, snapshot#2 2, snapshot#12 2, snapshot#13 2, volume#1 2");
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  ASSERT_TRUE(s3.ok());
  // The verified snapshot 11 stays for the re-run to check and adopt.
  EXPECT_EQ(ListedKeys(**s3), "snapshots/2/31/" + kSnapshotFiles.at(11) + ", " + kTemplateKey);
  const int snapshot_puts = proxy.Count("PUT", "snapshots/");
  EXPECT_EQ(snapshot_puts, 1 + 2) << "snap-11, then snap-12 tried twice (maxerrorretry=1)";

  proxy.Clear();
  const CommandResult again = Run("drain", {"--jobs", "2"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("pushed 2 of 2 units: 4 placeholders filled, 4500 bytes uploaded, 1 "
                           "verified uploads of an earlier run adopted"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(proxy.Count("PUT", "snapshots/"), snapshot_puts + 2) << "snap-12 and snap-13 only";
  EXPECT_EQ(Filled(), "templates 1, snapshots 3, volumes 1");
  EXPECT_EQ(StagingRefCounts(),
            "template#1 1, snapshot#2 1, snapshot#12 1, snapshot#13 1, volume#1 1");
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 5, negative 0");
  EXPECT_EQ(ListedKeys(**s3), "snapshots/2/31/" + kSnapshotFiles.at(11) +
                                  ", snapshots/2/31/snap-12.vhd, snapshots/2/31/snap-13.vhd, " +
                                  kTemplateKey + ", " + kVolumeKey);
  CloudStackReferences(-1);
  ExpectReconcileClean();
}

TEST_F(DrainStoreFaults, NativeSwiftAnswering500sFailsThoseUnitsAndTheRerunCompletes) {
  CSM_REQUIRE_SWIFT(url);
  ExclusiveSwiftAccount account(url, "fault");
  FaultProxy proxy(url);
  Convert({"--provider", "Swift", "--url", proxy.url() + "/auth/v1.0", "--detail", "account=fault",
           "--detail", "username=tester", "--detail", "key=testing"});
  CloudStackReferences(+1);
  // The template is uploaded and verified, but its template.properties gets 500s (without it
  // CloudStack's sync would delete the row, so the unit fails); the volume's uploads get 503s.
  proxy.Add(FaultRule::Answer(500).For("PUT", "/T-201/template.properties"));
  proxy.Add(FaultRule::Answer(503).For("PUT", "/V-41/"));
  const CommandResult r = Run("drain", {"--jobs", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 1 of 3 units: 3 placeholders filled"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed: template 201: Swift PUT of \"T-201/template.properties\" in "
                       "account fault at " +
                       proxy.url() + "/auth/v1.0 failed: HTTP 500"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("failed: volume 41: Swift PUT of \"V-41/" + std::string(kVolumeFile) +
                       "\" in account fault at " + proxy.url() + "/auth/v1.0 failed: HTTP 503"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Filled(), "templates 0, snapshots 3, volumes 0");
  EXPECT_EQ(StagingRefCounts(),
            "template#1 2, snapshot#2 1, snapshot#12 1, snapshot#13 1, volume#1 2");
  auto swift = store::SwiftStore::Create(SwiftNativeConfig(url, "fault"));
  ASSERT_TRUE(swift.ok());
  auto head = (*swift)->Head(std::string("T-201/") + kTemplateFile);
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(*head) << "the verified template stays for the re-run to adopt";
  const int template_puts = proxy.Count("PUT", std::string("/T-201/") + kTemplateFile);

  proxy.Clear();
  const CommandResult again = Run("drain", {"--jobs", "2"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("pushed 2 of 2 units: 2 placeholders filled, 2000 bytes uploaded, 1 "
                           "verified uploads of an earlier run adopted"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(proxy.Count("PUT", std::string("/T-201/") + kTemplateFile), template_puts)
      << "the template was sent again";
  EXPECT_EQ(Filled(), "templates 1, snapshots 3, volumes 1");
  EXPECT_EQ(StagingRefCounts(),
            "template#1 1, snapshot#2 1, snapshot#12 1, snapshot#13 1, volume#1 1");
  EXPECT_EQ(ListedKeys(**swift),
            "S-31/" + kSnapshotFiles.at(11) + ", S-31/snap-12.vhd, S-31/snap-13.vhd, T-201/" +
                kTemplateFile + ", T-201/template.properties, V-41/" + kVolumeFile);
  CloudStackReferences(-1);
  ExpectReconcileClean();
}

TEST_F(DrainStoreFaults, AnS3UploadStalledMidBodyTimesOutAndOnlyItsUnitFails) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  const std::string bucket = UniqueName("csm-fault");
  CreateContainer(url, bucket);
  // CloudStack's own S3 timeouts: a second without a byte moving, no retry.
  auto args = S3Store(proxy.url(), bucket);
  args.insert(args.end(), {"--detail", "sockettimeout=1000", "--detail", "maxerrorretry=0"});
  Convert(args);
  CloudStackReferences(+1);
  // The volume's upload: half of its body reaches the store, then nothing more.
  proxy.Add(FaultRule::Stall(1000).For("PUT", "volumes/"));
  const CommandResult r = Run("drain", {"--jobs", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 2 of 3 units"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed: volume 41: PUT " + proxy.url() + "/" + bucket + "/" + kVolumeKey +
                       ": no byte moved for 1 s (the stall timeout)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(proxy.faults(), 1);
  EXPECT_EQ(Filled(), "templates 1, snapshots 3, volumes 0");
  EXPECT_EQ(StagingRefCounts(),
            "template#1 1, snapshot#2 1, snapshot#12 1, snapshot#13 1, volume#1 2");
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  ASSERT_TRUE(s3.ok());
  auto volume = (*s3)->Head(kVolumeKey);
  ASSERT_TRUE(volume.ok());
  EXPECT_FALSE(*volume) << "half an upload was stored";

  proxy.Clear();
  const CommandResult again = Run("drain");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("pushed 1 of 1 units: 1 placeholders filled, 2000 bytes uploaded"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(StagingRefCounts(),
            "template#1 1, snapshot#2 1, snapshot#12 1, snapshot#13 1, volume#1 1");
  CloudStackReferences(-1);
  ExpectReconcileClean();
}

TEST_F(DrainStoreFaults, ANativeSwiftUploadStalledMidBodyIsGivenUpAfterStallTimeoutAndRetried) {
  CSM_REQUIRE_SWIFT(url);
  ExclusiveSwiftAccount account(url, "fault");
  FaultProxy proxy(url);
  Convert({"--provider", "Swift", "--url", proxy.url() + "/auth/v1.0", "--detail", "account=fault",
           "--detail", "username=tester", "--detail", "key=testing"});
  // Swift stores have no timeout details: --stall-timeout gives up on the held attempt (after a
  // second, not Swift's 60) and the retry goes through.
  proxy.Add(FaultRule::Stall(1000).For("PUT", "/V-41/").Times(1));
  const CommandResult r = Run("drain", {"--jobs", "1", "--stall-timeout", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 3 of 3 units: 5 placeholders filled, 8600 bytes uploaded"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(proxy.faults(), 1);
  EXPECT_EQ(proxy.Count("PUT", "/V-41/"), 2) << "the held attempt, then the retry";
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 0, negative 0");
  auto swift = store::SwiftStore::Create(SwiftNativeConfig(url, "fault"));
  ASSERT_TRUE(swift.ok());
  auto body = ReadObject(**swift, std::string("V-41/") + kVolumeFile);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, PatternBytes(2000));
  ExpectReconcileClean();
}

}  // namespace
}  // namespace csm::test
