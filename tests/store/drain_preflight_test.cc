// Before the first transfer, and under drain --dry-run, push and drain check every store the units
// need, once per store: an object store on a closed port, a wrong S3 secret or Swift key, an
// --nfs-root that is no directory and a staging store without one are each exit 2 naming the
// store, found in a moment, with nothing uploaded and nothing recorded. A push of an id that does
// not exist is exit 6, whatever its kind.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

class DrainPreflight : public PushDrain {
 protected:
  // Runs `args`; fails the test unless it is exit 2 within two seconds with nothing changed,
  // and returns its stderr.
  std::string ExpectRefusedAtOnce(const std::vector<std::string>& args) {
    const auto started = std::chrono::steady_clock::now();
    const CommandResult r = RunCsmigrate(args);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_LT(seconds, 2.0) << "the preflight took " << seconds << " s";
    EXPECT_EQ(r.out, "") << "nothing but the error: " << r.out;
    EXPECT_EQ(Pins(), "placeholders 5, staging pins 5, negative 0");
    return r.err;
  }

  // Every object in `bucket` of the all-in-one at `url`.
  size_t Objects(const std::string& url, const std::string& bucket) {
    auto s3 = store::S3Store::Create(SwiftS3Config(url, bucket));
    EXPECT_TRUE(s3.ok());
    auto listed = ListAll(**s3, "");
    EXPECT_TRUE(listed.ok()) << listed.status().message();
    return listed.ok() ? listed->size() : 0;
  }
};

// A port of 127.0.0.1 on which nothing listens (bound once to find it, then closed).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(fd);
  return ntohs(address.sin_port);
}

TEST_F(DrainPreflight, AnS3StoreOnAClosedPortIsExit2AtOnceAlsoInADryRun) {
  const std::string endpoint = "127.0.0.1:" + std::to_string(ClosedPort());
  Convert({"--provider", "S3", "--detail", "bucket=csm-closed", "--detail", "accesskey=AKID",
           "--detail", "secretkey=fake-secret-1234", "--detail", "endpoint=" + endpoint});
  for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"--dry-run"}}) {
    const std::string err = ExpectRefusedAtOnce(Args("drain", extra));
    EXPECT_NE(err.find("object image store 2 (objects, S3) cannot be used: "), std::string::npos)
        << err;
    EXPECT_NE(err.find(endpoint), std::string::npos) << err;
    EXPECT_NE(err.find("running and reachable from this host"), std::string::npos) << err;
  }
  const std::string err = ExpectRefusedAtOnce(Args("push", {"volume", "41"}));
  EXPECT_NE(err.find("image store 2 (objects, S3)"), std::string::npos) << err;
}

TEST_F(DrainPreflight, ASwiftStoreOnAClosedPortIsExit2AtOnce) {
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort());
  Convert(SwiftNative(url));
  const std::string err = ExpectRefusedAtOnce(Args("drain", {"--jobs", "2"}));
  EXPECT_NE(err.find("object image store 2 (objects, Swift) cannot be used: "), std::string::npos)
      << err;
  EXPECT_NE(err.find(url + "/auth/v1.0"), std::string::npos) << err;
}

TEST_F(DrainPreflight, AWrongS3SecretIsExit2BeforeAnyTransfer) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-preflight");
  CreateContainer(url, bucket);
  Convert({"--provider", "S3", "--detail", "bucket=" + bucket, "--detail", "accesskey=test:tester",
           "--detail", "secretkey=not-the-secret", "--detail", "endpoint=" + url});
  for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"--dry-run"}}) {
    const std::string err = ExpectRefusedAtOnce(Args("drain", extra));
    EXPECT_NE(err.find("object image store 2 (objects, S3) cannot be used: S3 rejected the "
                       "credentials"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("check accesskey/secretkey"), std::string::npos) << err;
    EXPECT_EQ(err.find("not-the-secret"), std::string::npos) << "the secret is shown: " << err;
  }
  EXPECT_EQ(Objects(url, bucket), 0u) << "something was uploaded";
}

TEST_F(DrainPreflight, AWrongSwiftKeyIsExit2BeforeAnyTransfer) {
  CSM_REQUIRE_SWIFT(url);
  Convert({"--provider", "Swift", "--url", url + "/auth/v1.0", "--detail", "account=push",
           "--detail", "username=tester", "--detail", "key=not-the-key"});
  for (const auto& args :
       {Args("drain", {}), Args("drain", {"--dry-run"}), Args("push", {"template", "201"})}) {
    const std::string err = ExpectRefusedAtOnce(args);
    EXPECT_NE(err.find("object image store 2 (objects, Swift) cannot be used: Swift auth at " +
                       url + "/auth/v1.0 rejected user push:tester"),
              std::string::npos)
        << err;
    EXPECT_EQ(err.find("not-the-key"), std::string::npos) << "the key is shown: " << err;
  }
}

TEST_F(DrainPreflight, AnNfsRootThatIsNoDirectoryOrNoneIsExit2NamingTheStore) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-preflight");
  CreateContainer(url, bucket);
  Convert(S3Store(url, bucket));
  const std::string missing = dir_.File("not-mounted");
  const std::string file = dir_.File("a-file");
  WriteFile(file, "not a directory");
  for (const std::string& root : {missing, file}) {
    for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"--dry-run"}}) {
      std::vector<std::string> args = {"drain", "--db", "sqlite://" + db_, "--nfs-root",
                                       "1=" + root};
      args.insert(args.end(), extra.begin(), extra.end());
      const std::string err = ExpectRefusedAtOnce(args);
      EXPECT_NE(err.find("staging image store 1 (nfs-zone1, NFS): --nfs-root 1=" + root +
                         " cannot be read"),
                std::string::npos)
          << err;
    }
  }
  // No --nfs-root at all: the store the units read from is named, with the option to give.
  const std::string err =
      ExpectRefusedAtOnce({"push", "--db", "sqlite://" + db_, "snapshot", "12"});
  EXPECT_NE(err.find("staging image store 1 (nfs-zone1, NFS) has no --nfs-root, and 3 object(s) "
                     "to push"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("--nfs-root 1=PATH"), std::string::npos) << err;
  EXPECT_EQ(Objects(url, bucket), 0u) << "something was uploaded";

  // Every problem at once: the staging store and an unreachable object store.
  ExecSql(db_, "UPDATE image_store_details SET value = '127.0.0.1:" + std::to_string(ClosedPort()) +
                   "' WHERE store_id = 2 AND name = 'endpoint'");
  const std::string both =
      ExpectRefusedAtOnce({"drain", "--db", "sqlite://" + db_, "--nfs-root", "1=" + missing});
  EXPECT_NE(both.find("staging image store 1 (nfs-zone1, NFS)"), std::string::npos) << both;
  EXPECT_NE(both.find("object image store 2 (objects, S3)"), std::string::npos) << both;
}

TEST_F(DrainPreflight, APushOfAnIdThatDoesNotExistIsExit6WhateverItsKind) {
  Convert({"--provider", "S3", "--detail", "bucket=csm-none", "--detail", "accesskey=AKID",
           "--detail", "secretkey=fake-secret-1234", "--detail",
           "endpoint=127.0.0.1:" + std::to_string(ClosedPort())});
  for (const std::string kind : {"template", "snapshot", "volume"}) {
    const CommandResult r = Run("push", {kind, "999"});
    EXPECT_EQ(r.exit_code, 6) << kind << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("no " + kind + " with id 999"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace csm::test
