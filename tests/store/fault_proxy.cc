#include "fault_proxy.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "http_head.h"

namespace csm::test {
namespace {

constexpr size_t kChunk = 64 * 1024;

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads from `fd` into `data` until it holds a blank line; the head without it, the bytes after
// it left in `data`. nullopt when the connection ends first.
std::optional<std::string> ReadHead(int fd, std::string& data) {
  char buffer[kChunk];
  size_t end;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    data.append(buffer, static_cast<size_t>(n));
  }
  std::string head = data.substr(0, end);
  data.erase(0, end + 4);
  return head;
}

// Closes the connection in both directions (wakes a thread blocked on it).
void Cut(int fd) {
  shutdown(fd, SHUT_RDWR);
}

int ConnectTo(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

// `text` with XML's special characters escaped.
std::string XmlEscaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The answer of a kStatus fault, in the form S3 gives errors (Swift clients just show the text):
// its Message says the fault was injected, or repeats `echo` (the request's head) when given.
std::string StatusAnswer(int status, bool head_request, const std::string& echo = "") {
  const std::string code = status == 503 ? "ServiceUnavailable" : "InternalError";
  const std::string message =
      echo.empty() ? "fault injected by the test proxy" : "you sent: " + XmlEscaped(echo);
  const std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                           "</Code><Message>" + message + "</Message></Error>";
  std::string answer =
      "HTTP/1.1 " + std::to_string(status) + " Injected Fault\r\n" +
      "Content-Type: application/xml\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n";
  return head_request ? answer : answer + body;
}

}  // namespace

FaultRule FaultRule::Answer(int status) {
  FaultRule rule;
  rule.fault = Fault::kStatus;
  rule.status = status;
  return rule;
}

FaultRule FaultRule::AnswerEchoingTheRequest(int status) {
  FaultRule rule = Answer(status);
  rule.echo_request = true;
  return rule;
}

FaultRule FaultRule::Stall(int64_t forward_bytes) {
  FaultRule rule;
  rule.fault = Fault::kStall;
  rule.forward_bytes = forward_bytes;
  return rule;
}

FaultRule FaultRule::Drop(int64_t forward_bytes) {
  FaultRule rule;
  rule.fault = Fault::kDrop;
  rule.forward_bytes = forward_bytes;
  return rule;
}

FaultRule& FaultRule::For(std::string only_method, std::string only_target) {
  method = std::move(only_method);
  target_contains = std::move(only_target);
  return *this;
}

FaultRule& FaultRule::After(int n) {
  skip = n;
  return *this;
}

FaultRule& FaultRule::Times(int n) {
  times = n;
  return *this;
}

FaultProxy::FaultProxy(const std::string& upstream) {
  std::string address = upstream;
  if (const size_t scheme = address.find("://"); scheme != std::string::npos) {
    address.erase(0, scheme + 3);
  }
  if (!address.empty() && address.back() == '/') address.pop_back();
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("upstream needs a port: " + upstream);
  upstream_host_ = address.substr(0, colon);
  upstream_port_ = std::atoi(address.c_str() + colon + 1);

  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof local;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&local), length) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
    throw std::runtime_error("the fault proxy cannot listen on 127.0.0.1");
  }
  port_ = ntohs(local.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& hold : holds_) hold->released = true;
    holds_.clear();
    for (const int fd : open_fds_) Cut(fd);
  }
  changed_.notify_all();
  acceptor_.join();
  for (auto& c : connections_) c.thread.join();
  close(listen_fd_);
}

std::string FaultProxy::url() const {
  return "http://" + host();
}

std::string FaultProxy::host() const {
  return "127.0.0.1:" + std::to_string(port_);
}

void FaultProxy::Add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  rules_.push_back({std::move(rule)});
}

void FaultProxy::Clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

bool FaultProxy::WaitForHeld(int count, std::chrono::seconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return static_cast<int>(holds_.size()) >= count; });
}

void FaultProxy::Release(bool forward) {
  {
    std::lock_guard lock(mutex_);
    for (auto& hold : holds_) {
      hold->released = true;
      hold->forward = forward;
    }
    holds_.clear();
  }
  changed_.notify_all();
}

int FaultProxy::Count(const std::string& method, const std::string& target_contains) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(received_.begin(), received_.end(), [&](const auto& r) {
    return r.first == method && r.second.find(target_contains) != std::string::npos;
  }));
}

int FaultProxy::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

void FaultProxy::AcceptLoop() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      // Threads of finished connections are joined here, so that they do not pile up.
      for (auto it = connections_.begin(); it != connections_.end();) {
        if (*it->done) {
          it->thread.join();
          it = connections_.erase(it);
        } else {
          ++it;
        }
      }
    }
    pollfd ready{listen_fd_, POLLIN, 0};
    if (poll(&ready, 1, 20) <= 0) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    if (stopping_) {
      close(client);
      return;
    }
    open_fds_.insert(client);
    auto done = std::make_shared<bool>(false);
    connections_.push_back({std::thread([this, client, done] {
                              Serve(client);
                              std::lock_guard finished(mutex_);
                              *done = true;
                            }),
                            done});
  }
}

std::optional<FaultRule> FaultProxy::Decide(const std::string& method, const std::string& target) {
  std::lock_guard lock(mutex_);
  received_.emplace_back(method, target);
  for (auto& rule : rules_) {
    const FaultRule& spec = rule.spec;
    if (!spec.method.empty() && spec.method != method) continue;
    if (target.find(spec.target_contains) == std::string::npos) continue;
    if (++rule.matched <= spec.skip) continue;
    if (spec.times >= 0 && rule.applied >= spec.times) continue;
    ++rule.applied;
    ++faults_;
    return spec;
  }
  return std::nullopt;
}

void FaultProxy::Track(int fd) {
  std::lock_guard lock(mutex_);
  open_fds_.insert(fd);
  if (stopping_) Cut(fd);
}

void FaultProxy::Untrack(int fd) {
  std::lock_guard lock(mutex_);
  open_fds_.erase(fd);
}

bool FaultProxy::HoldUntilReleased(int client, const bool& response_done) {
  auto hold = std::make_shared<Hold>();
  std::unique_lock lock(mutex_);
  holds_.push_back(hold);
  changed_.notify_all();
  while (!hold->released) {
    changed_.wait_for(lock, std::chrono::milliseconds(20));
    if (hold->released) break;
    // A client that gives up (its timeout) closes the connection: the hold ends with it.
    pollfd gone{client, POLLRDHUP, 0};
    if (response_done || stopping_ || (poll(&gone, 1, 0) > 0 && gone.revents != 0)) {
      std::erase(holds_, hold);
      return false;
    }
  }
  return hold->forward && !stopping_;
}

bool FaultProxy::PumpBody(int client, int upstream, std::string pending, int64_t length,
                          int64_t hold_after, const bool& response_done) {
  int64_t sent = 0;
  char buffer[kChunk];
  while (sent < length) {
    if (sent == hold_after) {
      hold_after = -1;
      if (!HoldUntilReleased(client, response_done)) return false;
    }
    if (pending.empty()) {
      const ssize_t n = recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      pending.assign(buffer, static_cast<size_t>(n));
    }
    int64_t take = std::min<int64_t>(static_cast<int64_t>(pending.size()), length - sent);
    if (hold_after >= 0) take = std::min(take, hold_after - sent);
    if (!SendAll(upstream, std::string_view(pending).substr(0, static_cast<size_t>(take)))) {
      return false;
    }
    pending.erase(0, static_cast<size_t>(take));
    sent += take;
  }
  return true;
}

void FaultProxy::Serve(int client) {
  // No timeouts: a connection that hangs is cut when the proxy is destroyed.
  std::string from_client;
  const std::optional<std::string> head_text = ReadHead(client, from_client);
  if (!head_text) {
    Untrack(client);
    close(client);
    return;
  }
  HttpHead head = ParseHttpHead(*head_text);
  const int64_t length = std::strtoll(head.Header("content-length").c_str(), nullptr, 10);
  const std::optional<FaultRule> fault = Decide(head.Method(), head.Target());

  auto finish = [&](int upstream) {
    if (upstream >= 0) {
      Untrack(upstream);
      close(upstream);
    }
    Untrack(client);
    close(client);
  };

  if (fault && fault->fault == Fault::kStatus) {
    // The body is read first (unless the client waits for 100 Continue and will not send it),
    // so that the client reads the answer rather than a reset.
    if (head.Header("expect").empty()) {
      char buffer[kChunk];
      int64_t left = length - static_cast<int64_t>(from_client.size());
      while (left > 0) {
        const ssize_t n = recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        left -= n;
      }
    }
    SendAll(client, StatusAnswer(fault->status, head.Method() == "HEAD",
                                 fault->echo_request ? *head_text : std::string()));
    shutdown(client, SHUT_WR);
    char sink[1024];
    while (recv(client, sink, sizeof sink, 0) > 0) {
    }
    finish(-1);
    return;
  }

  if (fault && fault->fault == Fault::kStall && length == 0) {
    const bool never_answered = false;  // a request without a body is held whole
    if (!HoldUntilReleased(client, never_answered)) {
      finish(-1);
      return;
    }
  }
  const int upstream = ConnectTo(upstream_host_, upstream_port_);
  if (upstream < 0) {
    SendAll(client, StatusAnswer(502, head.Method() == "HEAD"));
    finish(-1);
    return;
  }
  Track(upstream);
  // One request per connection: the server closes after its answer, which ends the relay.
  head.Remove("connection");
  head.headers.emplace_back("connection", "close");
  const int64_t hold_after =
      fault && fault->fault == Fault::kStall ? std::min(fault->forward_bytes, length) : -1;
  bool response_done = false;  // under mutex_: the answer is relayed, a hold has no reason left
  std::thread pump;
  if (SendAll(upstream, head.Serialize())) {
    pump = std::thread([&, pending = std::move(from_client)]() mutable {
      if (!PumpBody(client, upstream, std::move(pending), length, hold_after, response_done)) {
        Cut(upstream);  // the upload is abandoned: the server must not complete it
        Cut(client);
      }
    });
  }

  // The answer: interim 1xx heads as they are, then the final head (closing), then the body.
  std::string from_upstream;
  bool relaying = pump.joinable();
  bool dropped = false;
  while (relaying) {
    const std::optional<std::string> answer = ReadHead(upstream, from_upstream);
    if (!answer) break;
    HttpHead response = ParseHttpHead(*answer);
    if (response.Status() >= 100 && response.Status() < 200) {
      relaying = SendAll(client, response.Serialize());
      continue;
    }
    response.Remove("connection");
    response.headers.emplace_back("connection", "close");
    if (!SendAll(client, response.Serialize())) break;
    int64_t budget = fault && fault->fault == Fault::kDrop ? fault->forward_bytes : -1;
    char buffer[kChunk];
    for (;;) {
      if (from_upstream.empty()) {
        const ssize_t n = recv(upstream, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        from_upstream.assign(buffer, static_cast<size_t>(n));
      }
      size_t take = from_upstream.size();
      if (budget >= 0) take = std::min<size_t>(take, static_cast<size_t>(budget));
      if (!SendAll(client, std::string_view(from_upstream).substr(0, take))) break;
      from_upstream.erase(0, take);
      if (budget >= 0) {
        budget -= static_cast<int64_t>(take);
        if (budget == 0) {  // the drop: the rest of the answer never comes
          dropped = true;
          break;
        }
      }
    }
    break;
  }
  {
    std::lock_guard lock(mutex_);
    response_done = true;
  }
  if (dropped) {
    Cut(client);
  } else {
    shutdown(client, SHUT_WR);  // the client reads the whole answer, then the end
    shutdown(client, SHUT_RD);  // a pump still waiting for body bytes stops
  }
  Cut(upstream);
  if (pump.joinable()) pump.join();
  finish(upstream);
}

}  // namespace csm::test
