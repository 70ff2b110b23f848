#include "private_database_server.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace csm::test {

PrivateDatabaseServer::PrivateDatabaseServer(const std::string& backend)
    : script_(SourceDir() + "/tools/" + (backend == "mysql" ? "mariadb" : "postgres") +
              "-server.sh") {
  auto url = Script("start");
  if (url) url_ = *url;
}

PrivateDatabaseServer::~PrivateDatabaseServer() {
  Stop();
}

void PrivateDatabaseServer::Stop() {
  (void)Script("stop");
}

bool PrivateDatabaseServer::Start() {
  const auto url = Script("start");
  EXPECT_EQ(url.value_or(""), url_) << "the server came back at another URL";
  return url && *url == url_;
}

std::optional<std::string> PrivateDatabaseServer::Script(const std::string& command) {
  const std::string log = dir_.File("script.log");
  const std::string line =
      "bash '" + script_ + "' " + command + " '" + dir_.File("server") + "' 2>>'" + log + "'";
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << line;
    return std::nullopt;
  }
  std::string out;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    ADD_FAILURE() << line << " failed:\n" << text.str();
    return std::nullopt;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace csm::test
