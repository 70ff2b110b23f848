#include "store/http_client.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "common/text.h"

namespace csm::store {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct HeaderListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The state of one attempt, shared with libcurl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  const HttpSink* sink = nullptr;
  HttpResponse response;
  size_t body_pos = 0;         // next byte of request->body to send
  std::FILE* file = nullptr;   // or: the open body file,
  int64_t file_remaining = 0;  // and how many of its bytes are still to send
  Status body_error;           // reading the body file failed
  Status sink_error;           // the sink refused a chunk
  bool delivered = false;      // the sink has received bytes
  // The stall check: the bytes moved so far (both ways), when that last changed, and the limit.
  curl_off_t moved = 0;
  std::chrono::steady_clock::time_point last_moved = std::chrono::steady_clock::now();
  std::chrono::seconds stall_timeout{0};
  bool stalled = false;                  // aborted because nothing moved for stall_timeout
  RateLimiter* rate_limiter = nullptr;   // throttles the bodies, when set
  const TransferAbort* abort = nullptr;  // stops the transfer, when set
  bool stopped = false;                  // ended because `abort` was aborted
};

// Whether the transfer must end now because its abort was aborted (and marks it stopped).
bool Stopped(Transfer& t) {
  if (t.abort == nullptr || !t.abort->aborted()) return false;
  t.stopped = true;
  return true;
}

// The most bytes one callback passes on before it takes them from the rate limiter: a
// sixteenth of a second's worth, so that a slow limit still lets the abort be seen often.
size_t ThrottleSlice(const Transfer& t) {
  return static_cast<size_t>(std::max<int64_t>(1, t.rate_limiter->bytes_per_second() / 16));
}

// Takes `bytes` from the rate limiter (when there is one) a slice at a time; false when the
// transfer was stopped meanwhile.
bool Throttle(Transfer& t, size_t bytes) {
  if (t.rate_limiter == nullptr) return !Stopped(t);
  const size_t slice = ThrottleSlice(t);
  while (bytes > 0) {
    if (Stopped(t)) return false;
    const size_t now = std::min(bytes, slice);
    t.rate_limiter->Take(static_cast<int64_t>(now));
    bytes -= now;
  }
  return !Stopped(t);
}

// What one attempt gave: a response or an error, and whether the error is worth retrying.
struct Outcome {
  Result<HttpResponse> result;
  bool transient = false;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line = Trim(std::string_view(data, size * count));
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new response (after 100 Continue)
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    t->response.headers.emplace_back(ToLower(Trim(line.substr(0, colon))),
                                     std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (!Throttle(*t, n)) return 0;  // anything but n aborts the transfer
  if (*t->sink && status >= 200 && status < 300) {
    t->delivered = true;
    Status accepted = (*t->sink)(std::string_view(data, n));
    if (!accepted.ok()) {
      t->sink_error = std::move(accepted);
      return 0;  // anything but n aborts the transfer
    }
    return n;
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t room = size * count;
  if (Stopped(*t)) return CURL_READFUNC_ABORT;
  if (t->rate_limiter != nullptr) room = std::min(room, ThrottleSlice(*t));
  if (t->file == nullptr) {
    const std::string& body = t->request->body;
    const size_t n = std::min(room, body.size() - t->body_pos);
    if (!Throttle(*t, n)) return CURL_READFUNC_ABORT;
    std::memcpy(buffer, body.data() + t->body_pos, n);
    t->body_pos += n;
    return n;
  }
  const size_t want = static_cast<size_t>(std::min<int64_t>(room, t->file_remaining));
  if (want == 0) return 0;
  if (!Throttle(*t, want)) return CURL_READFUNC_ABORT;
  const size_t got = std::fread(buffer, 1, want, t->file);
  if (got == 0) {
    const std::string& path = t->request->body_file->path;
    t->body_error =
        Status(ErrorCode::kIo, std::ferror(t->file)
                                   ? "reading " + path + " failed: " + std::strerror(errno)
                                   : path +
                                         " ended early (did it change while it was "
                                         "being uploaded?)");
    return CURL_READFUNC_ABORT;
  }
  t->file_remaining -= static_cast<int64_t>(got);
  return got;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (t->file == nullptr) {
    t->body_pos = static_cast<size_t>(offset);
    return CURL_SEEKFUNC_OK;
  }
  const FileRange& range = *t->request->body_file;
  if (fseeko(t->file, range.offset + offset, SEEK_SET) != 0) return CURL_SEEKFUNC_FAIL;
  t->file_remaining = range.length - offset;
  return CURL_SEEKFUNC_OK;
}

// libcurl calls this at least once a second while a transfer runs: it ends a transfer that was
// aborted, or that has moved no byte (sent or received) for stall_timeout. (CURLOPT_LOW_SPEED_TIME
// would not do: it averages over the last few seconds, so an upload whose body was taken at once
// and whose answer never comes ran on for about five seconds more than the limit.)
int OnProgress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto* t = static_cast<Transfer*>(user);
  if (Stopped(*t)) return 1;  // aborts the transfer
  const auto now = std::chrono::steady_clock::now();
  if (received + sent != t->moved) {
    t->moved = received + sent;
    t->last_moved = now;
    return 0;
  }
  if (now - t->last_moved < t->stall_timeout) return 0;
  t->stalled = true;
  return 1;  // aborts the transfer
}

bool IsTransient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool IsRetryableStatus(long status) {
  return status >= 500 || status == 429;
}

// The error of a request stopped by options.abort (never retried).
Status StoppedError(const HttpClientOptions& options, const HttpRequest& request) {
  const std::string reason = options.abort->reason();
  return Status(ErrorCode::kIo, kTransferStopped + (reason.empty() ? "aborted" : reason) + " (" +
                                    request.method + " " + request.url + ")");
}

// Whether options.abort is aborted.
bool AbortedNow(const HttpClientOptions& options) {
  return options.abort != nullptr && options.abort->aborted();
}

// Sleeps for `wait`, waking every tenth of a second to end early when options.abort is aborted.
void BackOff(const HttpClientOptions& options, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!AbortedNow(options)) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(100)));
  }
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request, Transfer& t) {
  const bool has_body = request.method == "PUT" || request.method == "POST";
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (!has_body) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!has_body) return;
  const curl_off_t size =
      request.body_file ? request.body_file->length : static_cast<curl_off_t>(request.body.size());
  if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size);
  } else {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
  }
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
  curl_easy_setopt(curl, CURLOPT_READDATA, &t);
  curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
  curl_easy_setopt(curl, CURLOPT_SEEKDATA, &t);
}

Outcome Perform(CURL* curl, const HttpClientOptions& options, const HttpRequest& request,
                const HttpSink& sink) {
  Transfer t;
  t.curl = curl;
  t.request = &request;
  t.sink = &sink;
  t.rate_limiter = options.rate_limiter.get();
  t.abort = options.abort.get();
  std::unique_ptr<std::FILE, FileCloser> file;
  if (request.body_file) {
    const FileRange& range = *request.body_file;
    file.reset(std::fopen(range.path.c_str(), "rb"));
    if (!file || fseeko(file.get(), range.offset, SEEK_SET) != 0) {
      return {Status(ErrorCode::kIo, "cannot read " + range.path + ": " + std::strerror(errno))};
    }
    t.file = file.get();
    t.file_remaining = range.length;
  }
  std::unique_ptr<curl_slist, HeaderListFree> headers;
  for (const auto& [name, value] : request.headers) {
    curl_slist* grown = curl_slist_append(headers.get(), (name + ": " + value).c_str());
    if (grown == nullptr) return {Status(ErrorCode::kIo, "out of memory building a request")};
    (void)headers.release();  // `grown` owns the earlier nodes too
    headers.reset(grown);
  }

  char error[CURL_ERROR_SIZE] = "";
  curl_easy_reset(curl);  // keeps the live connections
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // keys like "a/../b" are sent verbatim
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  t.stall_timeout = options.stall_timeout;
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  SetMethodAndBody(curl, request, t);

  const CURLcode code = curl_easy_perform(curl);
  if (t.stopped) return {StoppedError(options, request)};
  if (!t.sink_error.ok()) return {t.sink_error};
  if (!t.body_error.ok()) return {t.body_error};
  if (code != CURLE_OK) {
    std::string reason = error[0] != '\0' ? error : curl_easy_strerror(code);
    if (t.stalled) {
      reason = "no byte moved for " + std::to_string(options.stall_timeout.count()) +
               " s (the stall timeout)";
    }
    std::string message = request.method + " " + request.url + ": " + reason;
    if (t.delivered) message += " (after part of the body was received)";
    return {Status(ErrorCode::kIo, message), (t.stalled || IsTransient(code)) && !t.delivered};
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t.response.status);
  return {std::move(t.response)};
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

std::string UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  curl_easy_cleanup(curl_);
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, const HttpSink& sink) {
  if (curl_ == nullptr) return Status(ErrorCode::kIo, "libcurl could not be initialised");
  std::chrono::milliseconds backoff = options_.first_backoff;
  for (int attempt = 1;; ++attempt) {
    if (AbortedNow(options_)) return StoppedError(options_, request);
    Outcome outcome = Perform(curl_, options_, request, sink);
    const bool may_retry = request.idempotent && attempt < options_.max_attempts;
    std::string reason;
    if (outcome.result.ok()) {
      const long status = outcome.result->status;
      if (!IsRetryableStatus(status) || !may_retry) return std::move(outcome.result);
      reason = request.method + " " + request.url + " answered HTTP " + std::to_string(status);
    } else {
      const Status& failure = outcome.result.status();
      if (!outcome.transient) return failure;
      if (!may_retry) {
        if (attempt == 1) return failure;
        return Status(failure.code(), failure.message() + " (gave up after " +
                                          std::to_string(attempt) + " attempts)");
      }
      reason = failure.message();
    }
    spdlog::warn("{}; retrying in {} ms (attempt {} of {})", reason, backoff.count(), attempt + 1,
                 options_.max_attempts);
    BackOff(options_, backoff);
    backoff *= 2;
  }
}

}  // namespace csm::store
