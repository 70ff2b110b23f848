// A small HTTP(S) client over libcurl for the object stores: one easy handle per client, reused
// so that connections are kept alive; certificate verification always on; request bodies from a
// string or streamed from a byte range of a file; response bodies into a string or streamed to a
// sink; idempotent requests retried with exponential backoff on transient failures; bodies both
// ways throttled by a rate limiter the clients of a process share, and transfers stopped at once
// by a shared TransferAbort. Not thread-safe: use one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/rate_limiter.h"
#include "common/result.h"
#include "store/sigv4.h"
#include "store/transfer_abort.h"

namespace csm::store {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer that moves no byte, either way, for this long fails (and counts as a transient
  // failure): a stalled upload or a server that never answers cannot hang a run.
  std::chrono::seconds stall_timeout{60};
  std::string ca_file;  // PEM bundle that verifies HTTPS servers; empty = the system's store
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{200};  // wait before the 2nd attempt, doubled after
  // Every byte of a request body sent and of a response body received is taken from it first
  // (one limiter for all the clients of a process: --bwlimit); nullptr = no limit.
  std::shared_ptr<RateLimiter> rate_limiter;
  // Once it is aborted, a request in flight ends at once (within about a second when no byte
  // moves), none is started and nothing is retried: Send is kIo "transfer stopped: <reason>
  // (METHOD URL)". nullptr = never.
  std::shared_ptr<const TransferAbort> abort;
};

// The start of the message of a transfer stopped by HttpClientOptions::abort.
inline constexpr const char* kTransferStopped = "transfer stopped: ";

// Bytes [offset, offset + length) of a local file, read as they are sent.
struct FileRange {
  std::string path;
  int64_t offset = 0;
  int64_t length = 0;
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;             // scheme://host[:port]/path?query, sent verbatim
  NameValues headers;
  std::string body;                    // PUT/POST body, unless body_file is set
  std::optional<FileRange> body_file;  // PUT/POST body streamed from a file
  bool idempotent = true;              // whether a transient failure may be retried
};

struct HttpResponse {
  long status = 0;
  NameValues headers;  // names in lower case, in the order received
  std::string body;    // the body, unless a sink took it (see HttpClient::Send)

  // The value of the first header named `name` (lower case), or "" when there is none.
  std::string Header(std::string_view name) const;
};

// An entity tag without its surrounding quotes: "\"abc-2\"" -> "abc-2".
std::string UnquoteEtag(std::string_view etag);

// Receives a 2xx response body chunk by chunk; an error stops the transfer.
using HttpSink = std::function<Status(std::string_view chunk)>;

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and returns the response whatever its HTTP status: interpreting the status is
  // the caller's job. With a `sink`, the body of a 2xx response goes to it (response.body stays
  // empty); any other body is collected in response.body. An idempotent request is retried on
  // 5xx, 429 and transient transport failures (connect, timeout, reset, truncated transfer),
  // up to max_attempts with doubling waits, unless the sink already received bytes; the last
  // 5xx/429 response is returned as is. Errors: kIo for a transport failure (message names the
  // method and URL, never header values), the sink's error, kIo for an unreadable body file, or
  // kIo starting with kTransferStopped once options.abort is aborted (never retried).
  Result<HttpResponse> Send(const HttpRequest& request, const HttpSink& sink = nullptr);

 private:
  HttpClientOptions options_;
  void* curl_;  // CURL*, kept opaque so that users of this header need no curl include
};

}  // namespace csm::store
