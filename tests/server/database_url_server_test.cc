// --db URLs as libcurl's URL API parses them reach the real servers: an IPv6 literal in brackets
// ([::1]) is passed to the client without them, "localhost" with a port is reached over TCP, and a
// percent-encoded user name is decoded.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

// Whether this host's loopback has ::1 (tools/mariadb-server.sh then listens there too).
bool HaveIpv6Loopback() {
  std::ifstream in("/proc/net/if_inet6");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("00000000000000000000000000000001 ", 0) == 0) return true;
  }
  return false;
}

// `url` with its host replaced by `host` and its user by `user`.
std::string WithUserAndHost(const std::string& url, const std::string& user,
                            const std::string& host) {
  const auto authority = url.find("://") + 3;
  const auto port = url.rfind(':');
  return url.substr(0, authority) + user + "@" + host + url.substr(port);
}

TEST(DatabaseUrlServer, MysqlIsReachedThroughAnIpv6Literal) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  if (!HaveIpv6Loopback()) GTEST_SKIP() << "this host has no IPv6 loopback";
  ScratchDatabase db(backend);
  const std::string url = WithUserAndHost(db.url(), "cloud", "[::1]");
  ASSERT_NE(url.find("mysql://cloud@[::1]:"), std::string::npos) << url;
  const CommandResult r = RunCsmigrate({"status", "--db", url});
  EXPECT_EQ(r.exit_code, 0) << url << ": " << r.err;
  EXPECT_EQ(r.err.find("Unknown server host"), std::string::npos) << r.err;
}

class PercentEncodedUser : public ::testing::TestWithParam<std::string> {};

// "localhost" with a port reaches that port over TCP, as CloudStack's JDBC driver does; the
// client library alone would go to its Unix socket and ignore the port (another server, or none).
TEST(DatabaseUrlServer, MysqlLocalhostWithAPortIsReachedOverTcp) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  const std::string url = WithUserAndHost(db.url(), "cloud", "localhost");
  ASSERT_NE(url.find("mysql://cloud@localhost:"), std::string::npos) << url;
  const CommandResult r = RunCsmigrate({"status", "--db", url});
  EXPECT_EQ(r.exit_code, 0) << url << ": " << r.err;
}

TEST_P(PercentEncodedUser, IsDecodedBeforeItReachesTheServer) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase db(backend);
  const std::string user = "csm odd@user";
  const bool mysql = backend.name == "mysql";
  auto admin = Connect(backend.url);
  ASSERT_TRUE(admin);
  // The same password as the tests' own user: it comes from $MYSQL_PWD / $PGPASSWORD.
  const char* password = std::getenv(mysql ? "MYSQL_PWD" : "PGPASSWORD");
  ASSERT_NE(password, nullptr);
  const std::string name =
      std::string(mysql ? "'" : "\"") + user + (mysql ? "'@'127.0.0.1'" : "\"");
  (void)admin->ExecuteScript("DROP USER IF EXISTS " + name);
  Status created = admin->ExecuteScript(
      "CREATE USER " + name + (mysql ? " IDENTIFIED BY '" : " PASSWORD '") + password + "'");
  ASSERT_TRUE(created.ok()) << created.message();
  if (mysql) {
    const std::string database = db.url().substr(db.url().rfind('/') + 1);
    Status granted = admin->ExecuteScript("GRANT ALL ON " + database + ".* TO " + name);
    ASSERT_TRUE(granted.ok()) << granted.message();
  }
  const std::string url = WithUserAndHost(db.url(), "csm%20odd%40user", "127.0.0.1");
  const CommandResult r = RunCsmigrate({"status", "--db", url});
  EXPECT_EQ(r.exit_code, 0) << url << ": " << r.err;
  // A user the server does not know is refused by the server, naming the decoded user.
  const CommandResult unknown =
      RunCsmigrate({"status", "--db", WithUserAndHost(db.url(), "csm%20nobody", "127.0.0.1")});
  EXPECT_EQ(unknown.exit_code, 7) << unknown.err;
  EXPECT_NE(unknown.err.find("csm nobody"), std::string::npos) << unknown.err;
  Status dropped = admin->ExecuteScript("DROP USER " + name);
  EXPECT_TRUE(dropped.ok()) << dropped.message();
}

INSTANTIATE_TEST_SUITE_P(Servers, PercentEncodedUser, ::testing::Values("mysql", "postgresql"));

}  // namespace
}  // namespace csm::test
