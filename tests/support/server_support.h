// Helpers for tests against real MariaDB and PostgreSQL servers started by tools/ scripts. The
// servers' URLs come from $CSM_TEST_MYSQL_URL and $CSM_TEST_POSTGRESQL_URL (tools/test.sh starts
// both and sets them); passwords from $MYSQL_PWD and $PGPASSWORD.
#pragma once

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/database_url.h"

namespace csm::test {

// A server the tests can use: "mysql" or "postgresql", and a URL to its admin database.
struct ServerBackend {
  std::string name;
  std::string url;
};

// The server for backend `name` ("mysql" or "postgresql") from the environment, or nullopt when
// it is not configured (then the caller skips, unless $CSM_TEST_REQUIRE_SERVERS is set, which
// makes a missing server a failure).
std::optional<ServerBackend> FindServer(const std::string& name);

// Skips the current test when `backend` is not configured (fails it when servers are required).
#define CSM_REQUIRE_SERVER(var, name)                                                   \
  const auto var##_found = ::csm::test::FindServer(name);                               \
  if (!var##_found) {                                                                   \
    if (std::getenv("CSM_TEST_REQUIRE_SERVERS") != nullptr) {                           \
      FAIL() << (name) << " server not configured but CSM_TEST_REQUIRE_SERVERS is set"; \
    }                                                                                   \
    GTEST_SKIP() << (name) << " server not configured (tools/test.sh starts one)";      \
  }                                                                                     \
  const ::csm::test::ServerBackend& var = *var##_found

// A database created for one test on `backend`'s server, with the CloudStack `version` schema,
// dropped when the object dies.
class ScratchDatabase {
 public:
  ScratchDatabase(const ServerBackend& backend, const std::string& version = "4.3");
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // The URL of the scratch database (for the csmigrate binary).
  const std::string& url() const { return url_; }
  // A connection to it.
  db::Connection& conn() { return *conn_; }

 private:
  ServerBackend backend_;
  std::string name_, url_;
  std::unique_ptr<db::Connection> conn_;
};

// Every row of each CloudStack table of §1 in `conn`, as text ordered by id.
std::string DumpCloudTables(db::Connection& conn);

// Writes `path`: a db.properties as CloudStack's installer writes it for the MySQL scratch database
// at `url` (user cloud, password cloud), with encryption type env, secret plain-secret, V2.
void WriteEncryptingDbProperties(const std::string& path, const std::string& url);

// Opens `url` with the password from the environment; fails the test on error.
std::unique_ptr<db::Connection> Connect(const std::string& url);

// The arguments of `apply` converting the server database at `url` to an S3 store named `name`
// with secretkey `secret` (bucket b, accesskey a, endpoint e:9000).
std::vector<std::string> ServerApply(const std::string& url, const std::string& name = "s3-region",
                                     const std::string& secret = "s");

}  // namespace csm::test
