// A fault-injecting HTTP proxy on 127.0.0.1 in front of a real server (the Swift all-in-one, both
// its native API and its S3 API), controlled by the test in-process. It forwards every request
// byte for byte (the Host header included, so that SigV4 signatures and TempAuth's storage URLs
// still hold), one request per connection, and relays the answer; on the test's command it
// answers an error status instead, holds an upload part-way through its body, or closes the
// connection part-way through the response. It counts the requests it receives by method and
// target. Request bodies must come with a Content-Length (libcurl sends one for every upload
// csmigrate makes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace csm::test {

enum class Fault {
  kStatus,  // answer `status` without forwarding the request
  kStall,   // forward the head and `forward_bytes` of the body, then hold until Release (or
            // until the client gives up and closes the connection); a request without a body
            // is held whole, before anything is forwarded
  kDrop,    // forward the request, relay the response head and `forward_bytes` of its body, then
            // close both connections
};

// Which requests a fault applies to, and how:
//   proxy.Add(FaultRule::Answer(500).For("HEAD", "snap-12").After(1));
struct FaultRule {
  static FaultRule Answer(int status);
  // Answers `status` with an S3 error whose Message repeats the request's head, headers and all,
  // as a debugging front end or a misconfigured proxy might.
  static FaultRule AnswerEchoingTheRequest(int status);
  static FaultRule Stall(int64_t forward_bytes);
  static FaultRule Drop(int64_t forward_bytes);
  // Only requests with `method` ("" = any) whose target contains `target_contains`.
  FaultRule& For(std::string method, std::string target_contains = "");
  // The first `n` requests the rule matches go through untouched.
  FaultRule& After(int n);
  // The rule applies to `n` requests (after those After lets through), then no more.
  FaultRule& Times(int n);

  Fault fault = Fault::kStatus;
  std::string method;           // only requests with this method; "" = any
  std::string target_contains;  // only requests whose target (path?query) contains this; "" = any
  int skip = 0;                 // the first `skip` requests the rule matches go through untouched
  int times = -1;               // then it applies to this many of them; -1 = all, until Clear
  int status = 500;             // kStatus: 500 answers S3's InternalError, 503 ServiceUnavailable
  bool echo_request = false;    // kStatus: the error's Message repeats the request's head
  int64_t forward_bytes = 0;    // kStall: request-body bytes; kDrop: response-body bytes
};

class FaultProxy {
 public:
  // Listens on a free port of 127.0.0.1 and forwards to `upstream` ("http://HOST:PORT" or
  // "HOST:PORT"). Throws when it cannot listen.
  explicit FaultProxy(const std::string& upstream);
  // Drops whatever is held, closes every connection and waits for its threads.
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // "http://127.0.0.1:PORT".
  std::string url() const;
  // "127.0.0.1:PORT".
  std::string host() const;

  // Adds `rule` after the others; a request gets the fault of the first rule that applies to it.
  void Add(FaultRule rule);
  // Removes every rule: requests from now on go through (held ones stay held until Release).
  void Clear();

  // Waits until at least `count` requests are held at once; false when that has not happened
  // within `limit` (a bound against a hung test, not a timing assertion).
  bool WaitForHeld(int count = 1, std::chrono::seconds limit = std::chrono::seconds(30));
  // Ends every request held now: `forward` sends the rest of its body on as if nothing had
  // happened; otherwise both of its connections are closed.
  void Release(bool forward);

  // How many requests with `method` (and, when given, a target containing `target_contains`)
  // the proxy has received, faulted or not.
  int Count(const std::string& method, const std::string& target_contains = "") const;
  // How many requests a rule has applied to.
  int faults() const;

 private:
  struct Rule {
    FaultRule spec;
    int matched = 0;
    int applied = 0;
  };
  // One held request: released by Release, or abandoned by its client.
  struct Hold {
    bool released = false;
    bool forward = false;
  };
  struct Connection {
    std::thread thread;
    std::shared_ptr<bool> done;  // written under mutex_
  };

  void AcceptLoop();
  void Serve(int client);
  // Records the request and returns the fault that applies to it, if any.
  std::optional<FaultRule> Decide(const std::string& method, const std::string& target);
  // Forwards the request body after the head: `pending` bytes already read, then the rest of
  // `length` from `client`; holds after `hold_after` bytes unless it is -1. False when the client
  // went away or the hold ended in a drop.
  bool PumpBody(int client, int upstream, std::string pending, int64_t length, int64_t hold_after,
                const bool& response_done);
  // Holds until released (true: forward the rest) or the client closes (false).
  bool HoldUntilReleased(int client, const bool& response_done);
  void Track(int fd);
  void Untrack(int fd);

  std::string upstream_host_;
  int upstream_port_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;
  bool stopping_ = false;  // under mutex_

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Rule> rules_;
  std::vector<std::pair<std::string, std::string>> received_;  // method, target
  int faults_ = 0;
  std::vector<std::shared_ptr<Hold>> holds_;  // held right now
  std::set<int> open_fds_;
  std::list<Connection> connections_;
  std::thread acceptor_;
};

}  // namespace csm::test
