// push and drain against the real Swift all-in-one (its S3 API and its native API) from an NFS
// staging export laid out as CloudStack lays it out (cloudstack.md §3, §4): each kind of object,
// a snapshot chain moving as a whole, multipart and SLO uploads, a drain killed with SIGKILL and
// resumed, a missing staging file, and (from the fake server, which can lie on demand) an
// upload that does not verify.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "db/database_url.h"
#include "fake_http_server.h"
#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

TEST_F(PushDrain, PushesEachKindToCloudStacksS3KeysAndFillsThePlaceholders) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-push");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket));
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(Pins(), "placeholders 5, staging pins 5, negative 0");

  const CommandResult t = Run("push", {"template", "201"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const std::string key =
      "template/tmpl/2/201/" + std::string(kUnique) + "/" + std::string(kTemplateFile);
  auto body = ReadObject(**s3, key);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, PatternBytes(3000));
  EXPECT_EQ(Cell(db_,
                 "SELECT install_path || '|' || download_pct || '|' || download_state || '|' || "
                 "state || '|' || physical_size || '|' || size FROM template_store_ref WHERE id = "
                 "2"),
            key + "|100|DOWNLOADED|Ready|3000|10737418240");
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "0");
  EXPECT_NE(Cell(db_, "SELECT last_updated FROM template_store_ref WHERE id = 1"),
            "2013-11-02 09:31:02");

  // A snapshot moves with its whole chain; the XenServer files keep their .vhd.
  const CommandResult s = Run("push", {"snapshot", "12"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM snapshot_store_ref WHERE store_id = 2 AND "
                 "install_path IS NOT NULL"),
            "3");
  EXPECT_EQ(Cell(db_,
                 "SELECT install_path FROM snapshot_store_ref WHERE store_id = 2 AND "
                 "snapshot_id = 13"),
            "snapshots/2/31/snap-13.vhd");
  auto snap = ReadObject(**s3, "snapshots/2/31/" + kSnapshotFiles.at(11));
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->size(), 1100u);

  const CommandResult v = Run("push", {"volume", "41"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_TRUE(ReadObject(**s3, "volumes/2/41/" + std::string(kVolumeFile)).ok());
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 0, negative 0");

  const CommandResult again = Run("push", {"template", "201"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to push"), std::string::npos) << again.out;
  ExpectReconcileClean();
}

TEST_F(PushDrain, DrainsToNativeSwiftContainersWithLargeObjectsInSegments) {
  CSM_REQUIRE_SWIFT(url);
  auto swift = store::SwiftStore::Create(SwiftNativeConfig(url, "push"));
  ASSERT_TRUE(swift.ok());
  for (const std::string prefix : {"S-31/", "T-201/", "V-41/"}) {
    auto listed = ListAll(**swift, prefix);
    ASSERT_TRUE(listed.ok());
    for (const auto& o : *listed) ASSERT_TRUE((*swift)->Delete(o.key).ok());
  }
  Convert(SwiftNative(url), /*template_size=*/(11 << 20) + 5);
  const CommandResult r =
      Run("drain", {"--jobs", "2", "--multipart-threshold", std::to_string(5 << 20)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 3 of 3 units: 5 placeholders filled"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("staging store 1: can be retired now"), std::string::npos) << r.out;
  auto head = (*swift)->Head(std::string("T-201/") + kTemplateFile);
  ASSERT_TRUE(head.ok() && *head) << "template not in its T- container";
  EXPECT_EQ((*head)->size, (11 << 20) + 5);
  auto body = ReadObject(**swift, std::string("T-201/") + kTemplateFile);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, PatternBytes((11 << 20) + 5)) << "the SLO's segments are not the file";
  EXPECT_TRUE(ReadObject(**swift, "S-31/snap-12.vhd").ok());
  EXPECT_TRUE(ReadObject(**swift, std::string("V-41/") + kVolumeFile).ok());
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 0, negative 0");
  ExpectReconcileClean();
}

TEST_F(PushDrain, AMultipartUploadIsVerifiedByItsPartETags) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-push");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket), /*template_size=*/(11 << 20) + 7);
  const CommandResult r =
      Run("push", {"template", "201", "--multipart-threshold", std::to_string(5 << 20)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  auto head = (*s3)->Head("template/tmpl/2/201/" + std::string(kUnique) + "/" + kTemplateFile);
  ASSERT_TRUE(head.ok() && *head);
  EXPECT_EQ((*head)->etag.substr((*head)->etag.size() - 2), "-3") << (*head)->etag;
  EXPECT_EQ(Cell(db_, "SELECT physical_size FROM template_store_ref WHERE id = 2"),
            std::to_string((11 << 20) + 7));
}

TEST_F(PushDrain, ADrainKilledMidWayResumesWithoutUploadingOrUnpinningTwice) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-push");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket));
  // Unit 1 is recorded; unit 2 is uploaded and verified but not recorded when the kill comes.
  // (The worker may run ahead into unit 3 meanwhile; that must be harmless too.)
  const std::string log = dir_.File("drain.log");
  const int pid = StartCsmigrate(Args("drain", {"--jobs", "1", "--order", "oldest"}),
                                 {"CSM_TEST_DRAIN_PAUSE=1:60"}, log);
  ASSERT_TRUE(WaitForText(log, "test pause")) << "the drain never reached the pause";
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(Pins(), "placeholders 4, staging pins 4, negative 0")
      << "exactly the first unit is recorded";

  const CommandResult r = Run("drain", {"--jobs", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pushed 2 of 2 units: 4 placeholders filled"), std::string::npos) << r.out;
  // The unit being recorded at the kill was uploaded and verified (and, with the worker running
  // ahead, maybe some of the next): a re-run adopts them instead of sending them again.
  EXPECT_EQ(r.out.find(" 0 verified uploads of an earlier run adopted"), std::string::npos)
      << r.out;
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 0, negative 0");
  auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
  auto listed = ListAll(**s3, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 5u) << "every object exactly once";
  ExpectReconcileClean();
}

TEST_F(PushDrain, ADrainOnATerminalShowsItsProgressBarAndClearsIt) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-push");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket));
  const CommandResult r = RunCsmigrateWithTerminalStderr(
      {"drain", "--db", "sqlite://" + db_, "--nfs-root", "1=" + nfs_, "--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // One redraw per finished unit at most (throttled), each naming the counts, bytes, rate and ETA.
  const size_t bar = r.err.find("\r\033[Kdrain: ");
  ASSERT_NE(bar, std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" left of 3 units, ", bar), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" of 8.4 KiB, ", bar), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/s, ETA ", bar), std::string::npos) << r.err;
  EXPECT_EQ(r.err.substr(r.err.rfind('\r')), "\r\033[K") << "the bar is left on screen";
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 0, negative 0");
}

TEST_F(PushDrain, AMissingStagingFileFailsThatObjectAndTheDrainGoesOn) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-push");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket));
  fs::remove(nfs_ + "/volumes/2/41/" + kVolumeFile);
  const CommandResult dry = Run("drain", {"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_NE(dry.out.find("3 units, 8600 bytes would be pushed"), std::string::npos) << dry.out;
  EXPECT_EQ(Pins(), "placeholders 5, staging pins 5, negative 0") << "a dry run changed the DB";

  const CommandResult r = Run("drain");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(
                "failed: volume 41: no Ready staging copy can be read: the file of staging row #1"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("still held by 1 volume_store_ref rows"), std::string::npos) << r.out;
  EXPECT_EQ(Pins(), "placeholders 1, staging pins 1, negative 0");
}

TEST_F(PushDrain, AnUploadThatDoesNotVerifyIsDeletedAndNotRecorded) {
  // The fake S3 store takes the upload but reports another ETag, as a corrupting proxy would.
  FakeHttpServer server([](const FakeRequest& r) {
    if (r.method == "PUT") return HttpReply(200, "", {{"ETag", "\"0123456789abcdef\""}});
    if (r.method == "DELETE") return HttpReply(204, "");
    if (r.method == "HEAD" && r.target.find("uploads") == std::string::npos) {
      static int heads = 0;
      if (++heads == 1) return HttpReply(404, "");  // not there before the upload
      return HttpReply(200, "",
                       {{"ETag", "\"0123456789abcdef\""},
                        {"Content-Length", "3000"},
                        {"Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT"}});
    }
    if (r.target.find("list-type=2") != std::string::npos) {  // the preflight's listing
      return HttpReply(200,
                       "<?xml version=\"1.0\"?><ListBucketResult><IsTruncated>false"
                       "</IsTruncated></ListBucketResult>");
    }
    return HttpReply(200,
                     "<?xml version=\"1.0\"?><ListMultipartUploadsResult><IsTruncated>false"
                     "</IsTruncated></ListMultipartUploadsResult>");
  });
  Convert({"--provider", "S3", "--detail", "bucket=b", "--detail", "accesskey=AKID", "--detail",
           "secretkey=fake-secret-1234", "--detail", "endpoint=" + server.host(), "--detail",
           "maxerrorretry=0"});
  const CommandResult r = Run("push", {"template", "201"});
  EXPECT_EQ(r.exit_code, 8) << r.err;
  EXPECT_NE(r.err.find("did not verify"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the object was deleted"), std::string::npos) << r.err;
  bool deleted = false;
  for (const auto& request : server.requests()) deleted |= request.method == "DELETE";
  EXPECT_TRUE(deleted);
  EXPECT_EQ(Cell(db_, "SELECT COALESCE(install_path, 'NULL') FROM template_store_ref WHERE id = 2"),
            "NULL");
  EXPECT_EQ(Cell(db_, "SELECT ref_cnt FROM template_store_ref WHERE id = 1"), "1");
}

}  // namespace
}  // namespace csm::test
