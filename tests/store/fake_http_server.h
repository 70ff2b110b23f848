// A tiny HTTP/1.1 server on 127.0.0.1 for fault-injection tests: it answers each request with
// whatever raw bytes the test's handler returns (a normal response, a truncated one, nothing),
// then closes the connection. Requests are served one at a time on a background thread.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sigv4.h"

namespace csm::test {

// One request as the server received it.
struct FakeRequest {
  std::string method;
  std::string target;         // path and query as sent
  store::NameValues headers;  // names in lower case
  std::string body;

  // The value of header `name` (lower case), or "".
  std::string Header(const std::string& name) const;
};

// The raw bytes to send back for a request ("" closes the connection without an answer).
using FakeHandler = std::function<std::string(const FakeRequest&)>;

class FakeHttpServer {
 public:
  // Listens on a free port of 127.0.0.1 and serves with `handler` until destroyed.
  explicit FakeHttpServer(FakeHandler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  // "http://127.0.0.1:PORT".
  std::string url() const;
  // "127.0.0.1:PORT".
  std::string host() const;
  // Every request received so far, in order.
  std::vector<FakeRequest> requests() const;

 private:
  void Serve();
  void ServeConnection(int fd);

  FakeHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<FakeRequest> requests_;
  std::thread thread_;
};

// A complete response with Content-Length and Connection: close.
std::string HttpReply(int status, const std::string& body, const store::NameValues& headers = {});

}  // namespace csm::test
