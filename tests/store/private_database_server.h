// A MariaDB or PostgreSQL server of one test's own, in a scratch directory, started and stopped
// with the project's tools/mariadb-server.sh and tools/postgres-server.sh: unlike the servers the
// whole suite shares, a test may stop it (and start it again, on the same data and port) to see
// what csmigrate does when its database goes away.
#pragma once

#include <optional>
#include <string>

#include "test_support.h"

namespace csm::test {

class PrivateDatabaseServer {
 public:
  // Starts a server for `backend` ("mysql" or "postgresql"); url() is empty when that failed
  // (the test has then failed, naming the script's output).
  explicit PrivateDatabaseServer(const std::string& backend);
  // Stops it; its directory goes with the scratch directory.
  ~PrivateDatabaseServer();
  PrivateDatabaseServer(const PrivateDatabaseServer&) = delete;
  PrivateDatabaseServer& operator=(const PrivateDatabaseServer&) = delete;

  // "mysql://cloud@127.0.0.1:PORT/cloud" or "postgresql://cloud@127.0.0.1:PORT/cloud" (password
  // cloud, from $MYSQL_PWD / $PGPASSWORD).
  const std::string& url() const { return url_; }

  // Stops the server (its clients' connections end) and waits until it is gone.
  void Stop();
  // Starts it again on the same data; true when it answers at the same URL.
  bool Start();

 private:
  // Runs the script with `command` ("start" or "stop"); its stdout, or nullopt (test failed).
  std::optional<std::string> Script(const std::string& command);

  std::string script_;
  ScratchDir dir_;
  std::string url_;
};

}  // namespace csm::test
