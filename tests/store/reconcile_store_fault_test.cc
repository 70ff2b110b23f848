// reconcile against an object store that fails while it is listed: the Swift all-in-one behind the
// fault proxy answering 500/503, stalling, or cutting a listing page short. reconcile then could
// not complete: exit 2, a message naming the store and what failed (the HTTP status), and no
// finding at all in any output format, although the NFS store listed before it had some (a
// report of half the stores would look complete), no --output and no --repair-sql file.
#include <gtest/gtest.h>

#include <filesystem>

#include "fault_proxy.h"
#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

class ReconcileStoreFaults : public PushDrain {
 protected:
  // The cloud converted to an S3 bucket reached through `proxy` (no retries), with one finding
  // on the NFS staging store (store 1, listed first): the volume's staging file is gone.
  void ConvertThrough(const FaultProxy& proxy, const std::string& url) {
    bucket_ = UniqueName("csm-rcfault");
    CreateContainer(url, bucket_);
    auto args = S3Store(proxy.url(), bucket_);
    args.insert(args.end(), {"--detail", "maxerrorretry=0"});
    Convert(args);
    fs::remove(nfs_ + "/volumes/2/41/" + kVolumeFile);
  }

  // reconcile of every store with `extra`.
  CommandResult Reconcile(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"reconcile", "--db", "sqlite://" + db_, "--nfs-root",
                                     "1=" + nfs_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  }

  // Checks that `r` is reconcile giving up: exit 2, nothing on stdout, an error naming store 2
  // and `cause`.
  void ExpectNoReport(const CommandResult& r, const std::string& cause, const std::string& how) {
    EXPECT_EQ(r.exit_code, 2) << how << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << how << ": a report of a listing that did not finish";
    EXPECT_NE(r.err.find("csmigrate: error: reconcile could not complete: store 2 (s3://" +
                         bucket_ + " at http://127.0.0.1:"),
              std::string::npos)
        << how << "\n"
        << r.err;
    EXPECT_NE(r.err.find(cause), std::string::npos) << how << "\n" << r.err;
  }

  std::string bucket_;
};

TEST_F(ReconcileStoreFaults, AListingAnswering500sGivesExit2AndNoFindingInAnyFormat) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  ConvertThrough(proxy, url);
  const CommandResult clean = Reconcile({"--format", "jsonl"});
  ASSERT_EQ(clean.exit_code, 1) << clean.out << clean.err;
  ASSERT_FALSE(ReportFindings(clean.out).empty()) << "the NFS store has findings to lose";

  // In each run the second listing request (the template/ prefix) fails, after the snapshots/
  // page came.
  auto fail_second_listing = [&] {
    proxy.Clear();
    proxy.Add(FaultRule::Answer(500).For("GET", "list-type=2").After(1));
  };
  const std::string cause = "S3 listing of prefix \"template/\" in bucket " + bucket_ + " at " +
                            proxy.url() + " failed: HTTP 500 InternalError";
  for (const std::string format : {"table", "jsonl", "csv", "html"}) {
    fail_second_listing();
    ExpectNoReport(Reconcile({"--format", format}), cause, "--format " + format);
  }
  fail_second_listing();
  const CommandResult json = Reconcile({"--json"});
  EXPECT_EQ(json.exit_code, 2) << json.out << json.err;
  EXPECT_EQ(json.out.find("\"record\""), std::string::npos) << "a report record: " << json.out;
  EXPECT_NE(json.out.find("\"error\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("HTTP 500 InternalError"), std::string::npos) << json.out;

  fail_second_listing();
  const std::string report = dir_.File("report.html");
  const std::string repair = dir_.File("repair.sql");
  ExpectNoReport(Reconcile({"--format", "html", "--output", report, "--repair-sql", repair}), cause,
                 "--output and --repair-sql");
  EXPECT_FALSE(fs::exists(report));
  EXPECT_FALSE(fs::exists(repair));
}

// A front end that echoes the request in its error (the Authorization header's signature beside
// the date and path it signed would let anyone confirm a guessed secret offline, a Swift token
// opens the account): the error says the status and the code, never what the server repeated.
TEST_F(ReconcileStoreFaults, AnS3ErrorEchoingTheRequestIsNeverRepeated) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  ConvertThrough(proxy, url);
  proxy.Add(FaultRule::AnswerEchoingTheRequest(400).For("GET", "list-type=2"));
  const CommandResult r = Reconcile({"--json"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("failed: HTTP 400 InternalError"), std::string::npos) << r.err;
  for (const std::string& output : {r.err, r.out}) {
    EXPECT_EQ(output.find("Signature="), std::string::npos) << output;
    EXPECT_EQ(output.find("you sent"), std::string::npos) << output;
  }
}

TEST_F(ReconcileStoreFaults, ANativeSwiftErrorEchoingTheRequestIsNeverRepeated) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  ExclusiveSwiftAccount account(url, "fault");
  Convert({"--provider", "Swift", "--url", proxy.url() + "/auth/v1.0", "--detail", "account=fault",
           "--detail", "username=tester", "--detail", "key=testing"});
  proxy.Add(FaultRule::AnswerEchoingTheRequest(400).For("GET", "format=json"));
  const CommandResult swift = Reconcile();
  EXPECT_EQ(swift.exit_code, 2) << swift.out << swift.err;
  EXPECT_NE(swift.err.find("failed: HTTP 400"), std::string::npos) << swift.err;
  EXPECT_EQ(swift.err.find("X-Auth-Token"), std::string::npos) << swift.err;
  EXPECT_EQ(swift.err.find("you sent"), std::string::npos) << swift.err;
}

TEST_F(ReconcileStoreFaults, AStalledListingGivesExit2AfterTheStallTimeoutAndNoFinding) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  ConvertThrough(proxy, url);
  proxy.Add(FaultRule::Stall(0).For("GET", "list-type=2").After(1));
  ExpectNoReport(Reconcile({"--stall-timeout", "1"}), "no byte moved for 1 s (the stall timeout)",
                 "a stalled listing");
  EXPECT_EQ(proxy.faults(), 1);
}

TEST_F(ReconcileStoreFaults, AListingPageCutShortGivesExit2AndNoFinding) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  ConvertThrough(proxy, url);
  proxy.Add(FaultRule::Drop(20).For("GET", "list-type=2").After(1));
  ExpectNoReport(Reconcile({"--format", "csv"}), "prefix=template%2F: transfer closed with",
                 "a page cut short");
  EXPECT_EQ(proxy.faults(), 1);
}

TEST_F(ReconcileStoreFaults, ANativeSwiftListingAnswering503sGivesExit2AndNoFinding) {
  CSM_REQUIRE_SWIFT(url);
  ExclusiveSwiftAccount account(url, "fault");
  FaultProxy proxy(url);
  Convert({"--provider", "Swift", "--url", proxy.url() + "/auth/v1.0", "--detail", "account=fault",
           "--detail", "username=tester", "--detail", "key=testing"});
  fs::remove(nfs_ + "/volumes/2/41/" + kVolumeFile);
  // Every listing of the account's containers is refused.
  proxy.Add(FaultRule::Answer(503).For("GET", "format=json"));
  const CommandResult r = Reconcile({"--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(
      r.err.find("csmigrate: error: reconcile could not complete: store 2 (swift://fault at " +
                 proxy.url() + "/auth/v1.0): "),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("failed: HTTP 503"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace csm::test
