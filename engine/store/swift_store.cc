#include "store/swift_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "common/uri.h"
#include "store/etag.h"
#include "store/local_file.h"
#include "store/server_message.h"
#include "store/store_time.h"

namespace csm::store {

namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kMaxObjectSize = int64_t{5} << 30;
constexpr int64_t kMaxSegments = 1000;

Status Invalid(const std::string& message) {
  return Status(ErrorCode::kInvalidArgument, message);
}

std::string Quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// Splits "container/object"; both parts must be non-empty.
Result<std::pair<std::string, std::string>> SplitKey(const std::string& key) {
  const size_t slash = key.find('/');
  if (slash == 0 || slash == std::string::npos || slash + 1 == key.size()) {
    return Invalid("a Swift key must be \"container/object\", not " + Quoted(key));
  }
  return std::make_pair(key.substr(0, slash), key.substr(slash + 1));
}

std::string ObjectPath(const std::string& container, const std::string& object) {
  return "/" + UriEncode(container, false) + "/" + UriEncode(object, true);
}

// The string member `name` of a JSON object Swift answered (a DELETE outcome, a manifest's
// segment), or "".
std::string StringMember(const nlohmann::json& entry, const char* name) {
  const auto it = entry.find(name);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : "";
}

// The segment size for a file of `file_size` bytes: the configured size, grown to whole MiB so
// that no more than kMaxSegments segments are needed.
int64_t SegmentSize(int64_t file_size, int64_t configured) {
  const int64_t needed = (file_size + kMaxSegments - 1) / kMaxSegments;
  const int64_t size = std::max(configured, needed);
  return (size + kMiB - 1) / kMiB * kMiB;
}

// Now as seconds since the epoch with microseconds, like Swift's own segment names.
std::string TimestampNow() {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  return text;
}

// The prefix of the names of one SLO upload's segments of `object`, as the swift CLI names them
// but with the upload's start time instead of the file's mtime, so that every upload attempt has
// its own: "<object>/slo/<seconds.micros>/<size>/<segment size>/".
std::string SegmentPrefix(const std::string& object, int64_t size, int64_t segment_size) {
  return object + "/slo/" + TimestampNow() + "/" + std::to_string(size) + "/" +
         std::to_string(segment_size) + "/";
}

// Whether `text` is one or more decimal digits.
bool Digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `name` is a segment name SegmentPrefix(object, ...) + "%08d" index can give (the swift
// CLI's SLO segments of `object` look the same).
bool IsUploadSegment(std::string_view name, const std::string& object) {
  const std::string head = object + "/slo/";
  if (!name.starts_with(head)) return false;
  name.remove_prefix(head.size());
  std::vector<std::string_view> fields;
  for (size_t slash; (slash = name.find('/')) != std::string_view::npos;) {
    fields.push_back(name.substr(0, slash));
    name.remove_prefix(slash + 1);
  }
  fields.push_back(name);
  if (fields.size() != 4) return false;
  const size_t dot = fields[0].find('.');
  return dot != std::string_view::npos && Digits(fields[0].substr(0, dot)) &&
         Digits(fields[0].substr(dot + 1)) && Digits(fields[1]) && Digits(fields[2]) &&
         fields[3].size() >= 8 && Digits(fields[3]);
}

}  // namespace

Result<std::unique_ptr<SwiftStore>> SwiftStore::Create(SwiftConfig config) {
  const SwiftCredentials& c = config.credentials;
  if (!c.auth_url.starts_with("http://") && !c.auth_url.starts_with("https://")) {
    return Invalid("the Swift auth URL " + Quoted(c.auth_url) + " must start with http(s)://");
  }
  if (c.account.empty() || c.username.empty() || c.key.empty()) {
    return Invalid("Swift at " + c.auth_url + " needs account, username and key");
  }
  if (config.slo_threshold < 0 || config.slo_threshold > kMaxObjectSize) {
    return Invalid("the Swift SLO threshold must be between 0 and 5 GiB");
  }
  if (config.segment_size < kMiB || config.segment_size > kMaxObjectSize) {
    return Invalid("the Swift segment size must be between 1 MiB and 5 GiB");
  }
  if (config.listing_limit < 1) return Invalid("the Swift listing limit must be positive");
  return std::unique_ptr<SwiftStore>(new SwiftStore(std::move(config)));
}

SwiftStore::SwiftStore(SwiftConfig config)
    : config_(std::move(config)),
      where_("account " + config_.credentials.account + " at " + config_.credentials.auth_url),
      client_(config_.http) {}

std::string SwiftStore::Describe() const {
  return "swift://" + config_.credentials.account + " at " + config_.credentials.auth_url;
}

Result<HttpResponse> SwiftStore::Send(HttpRequest request, const HttpSink& sink) {
  const std::string relative_url = request.url;
  const NameValues headers = request.headers;
  for (bool retried = false;; retried = true) {
    if (!session_) {
      CSM_ASSIGN_OR_RETURN(SwiftSession session, SwiftAuthenticate(client_, config_.credentials));
      session_ = std::move(session);
    }
    request.url = session_->storage_url + relative_url;
    request.headers = headers;
    request.headers.emplace_back("X-Auth-Token", session_->token);
    CSM_ASSIGN_OR_RETURN(HttpResponse response, client_.Send(request, sink));
    if (response.status != 401 || retried) return response;
    session_.reset();  // expired or revoked: authenticate once more
  }
}

Status SwiftStore::Failure(const HttpResponse& response, const std::string& what) const {
  const std::string status = "HTTP " + std::to_string(response.status);
  if (response.status == 401) {
    return Invalid("Swift " + where_ + " refused the token for " + what +
                   " even after authenticating again: check account/username/key");
  }
  if (response.status == 403) {
    return Invalid("Swift " + where_ + " refused " + what + " (" + status +
                   "): check the user's rights");
  }
  if (response.status == 404) {
    return Status(ErrorCode::kNotFound, "Swift " + where_ + " has nothing for " + what);
  }
  const std::string detail = ShownServerMessage(response.body);
  return Status(ErrorCode::kIo, "Swift " + what + " in " + where_ + " failed: " + status +
                                    (detail.empty() ? "" : ": " + detail));
}

Result<bool> SwiftStore::ListPages(const std::string& path, const std::string& prefix,
                                   const std::function<bool(const SwiftListingEntry&)>& on_entry) {
  const std::string what = "the listing of " + (path.empty() ? "the account" : path.substr(1));
  std::string marker;
  while (true) {
    HttpRequest request;
    request.url = path + "?format=json&limit=" + std::to_string(config_.listing_limit);
    if (!prefix.empty()) request.url += "&prefix=" + UriEncode(prefix, false);
    if (!marker.empty()) request.url += "&marker=" + UriEncode(marker, false);
    CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request)));
    if (response.status == 204) return true;  // an empty account
    if (response.status != 200) return Failure(response, what);
    CSM_ASSIGN_OR_RETURN(const std::vector<SwiftListingEntry> entries,
                         ParseSwiftListing(response.body, prefix, marker, where_, what));
    for (const SwiftListingEntry& entry : entries) {
      if (!on_entry(entry)) return false;
    }
    if (entries.size() < static_cast<size_t>(config_.listing_limit)) return true;
    marker = entries.back().name;
  }
}

Result<bool> SwiftStore::ListContainer(const std::string& container,
                                       const std::string& object_prefix,
                                       const std::function<bool(const ObjectInfo&)>& on_object) {
  bool any = false;
  Result<bool> listed = ListPages(
      "/" + UriEncode(container, false), object_prefix, [&](const SwiftListingEntry& entry) {
        any = true;
        ObjectInfo info;
        info.key = container + "/" + entry.name;
        info.size = entry.bytes;
        info.etag = entry.slo_etag.empty() ? entry.hash : UnquoteEtag(entry.slo_etag);
        info.last_modified = entry.last_modified;
        return on_object(info);
      });
  // A missing container holds no objects; one that vanishes mid-listing is an error.
  if (!listed.ok() && listed.status().code() == ErrorCode::kNotFound && !any) return true;
  return listed;
}

Status SwiftStore::List(const std::string& prefix,
                        const std::function<bool(const ObjectInfo&)>& on_object) {
  if (const size_t slash = prefix.find('/'); slash != std::string::npos) {
    return ListContainer(prefix.substr(0, slash), prefix.substr(slash + 1), on_object).status();
  }
  std::vector<std::string> containers;
  CSM_RETURN_IF_ERROR(ListPages("", prefix, [&](const SwiftListingEntry& entry) {
                        containers.push_back(entry.name);
                        return true;
                      }).status());
  // Keys are "name/object": ordering the containers by "name/" orders the keys bytewise.
  std::sort(containers.begin(), containers.end(),
            [](const std::string& a, const std::string& b) { return a + "/" < b + "/"; });
  for (const std::string& container : containers) {
    CSM_ASSIGN_OR_RETURN(const bool complete, ListContainer(container, "", on_object));
    if (!complete) break;
  }
  return Status::Ok();
}

Result<std::optional<ObjectInfo>> SwiftStore::Head(const std::string& key) {
  CSM_ASSIGN_OR_RETURN(const auto parts, SplitKey(key));
  HttpRequest request;
  request.method = "HEAD";
  request.url = ObjectPath(parts.first, parts.second);
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request)));
  if (response.status == 404) return std::optional<ObjectInfo>();
  if (response.status != 200 && response.status != 204) {
    return Failure(response, "HEAD of " + Quoted(key));
  }
  ObjectInfo info;
  info.key = key;
  const std::string length = response.Header("content-length");
  if (length.empty() ||
      std::from_chars(length.data(), length.data() + length.size(), info.size).ptr !=
          length.data() + length.size()) {
    return Status(ErrorCode::kIo, "Swift " + where_ + " answered HEAD of " + Quoted(key) +
                                      " without a valid Content-Length");
  }
  info.etag = UnquoteEtag(response.Header("etag"));
  info.last_modified = SwiftTimestampToIso8601(response.Header("x-timestamp"));
  if (info.last_modified.empty()) {
    info.last_modified = HttpDateToIso8601(response.Header("last-modified"));
  }
  return std::optional<ObjectInfo>(std::move(info));
}

Status SwiftStore::Get(const std::string& key,
                       const std::function<Status(std::string_view chunk)>& sink) {
  CSM_ASSIGN_OR_RETURN(const auto parts, SplitKey(key));
  HttpRequest request;
  request.url = ObjectPath(parts.first, parts.second);
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request), sink));
  if (response.status != 200) return Failure(response, "GET of " + Quoted(key));
  return Status::Ok();
}

Status SwiftStore::EnsureContainer(const std::string& container) {
  HttpRequest request;
  request.method = "PUT";
  request.url = "/" + UriEncode(container, false);
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request)));
  if (response.status == 201 || response.status == 202) return Status::Ok();
  return Failure(response, "creation of container " + Quoted(container));
}

Result<HttpResponse> SwiftStore::PutCreatingContainer(const std::string& container,
                                                      const HttpRequest& request) {
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 404) return response;
  CSM_RETURN_IF_ERROR(EnsureContainer(container));
  return Send(request);
}

Result<ObjectInfo> SwiftStore::Put(const std::string& key, const std::string& path) {
  CSM_ASSIGN_OR_RETURN(const auto parts, SplitKey(key));
  CSM_ASSIGN_OR_RETURN(const int64_t size, LocalFileSize(path));
  const int64_t segment_size = UploadSegmentSize(size);
  if (segment_size == 0) {
    HttpRequest request;
    request.method = "PUT";
    request.url = ObjectPath(parts.first, parts.second);
    request.body_file = FileRange{path, 0, size};
    CSM_ASSIGN_OR_RETURN(HttpResponse response, PutCreatingContainer(parts.first, request));
    if (response.status != 201) return Failure(response, "PUT of " + Quoted(key));
    ObjectInfo info;
    info.key = key;
    info.size = size;
    info.etag = UnquoteEtag(response.Header("etag"));
    if (info.etag.empty()) {
      return Status(ErrorCode::kIo,
                    "Swift " + where_ + " answered the PUT of " + Quoted(key) + " without an ETag");
    }
    return info;
  }
  CSM_ASSIGN_OR_RETURN(const std::vector<std::string> names,
                       PutLarge(parts.first, parts.second, path, size, segment_size));
  const std::set<std::string> segments(names.begin(), names.end());  // this upload's
  CSM_ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, Head(key));
  if (!info || info->size != size) {
    return Status(ErrorCode::kIo, "Swift " + where_ + " does not show the " + std::to_string(size) +
                                      " bytes of " + Quoted(key) + " just uploaded");
  }
  const Status removed = RemoveSegments(
      parts.first, parts.second, [&](const std::string& name) { return segments.contains(name); });
  if (!removed.ok()) {
    spdlog::warn("uploaded {} but could not remove the segments of earlier uploads: {}",
                 Quoted(key), removed.message());
  }
  return *std::move(info);
}

bool SwiftStore::UploadsInParts(int64_t size) const {
  return UploadSegmentSize(size) != 0;
}

int64_t SwiftStore::UploadSegmentSize(int64_t size) const {
  return size <= config_.slo_threshold ? 0 : SegmentSize(size, config_.segment_size);
}

int SwiftStore::DeleteSegments(const std::string& segments, const std::vector<std::string>& names) {
  int left = 0;
  for (const std::string& name : names) {
    HttpRequest request;
    request.method = "DELETE";
    request.url = ObjectPath(segments, name);
    const Result<HttpResponse> deleted = Send(std::move(request));
    if (!deleted.ok() || (deleted->status != 204 && deleted->status != 404)) ++left;
  }
  return left;
}

Result<std::vector<std::string>> SwiftStore::PutLarge(const std::string& container,
                                                      const std::string& object,
                                                      const std::string& path, int64_t size,
                                                      int64_t segment_size) {
  std::vector<std::string> uploaded;
  const Status status =
      PutSegmentsAndManifest(container, object, path, size, segment_size, uploaded);
  if (status.ok()) return uploaded;
  const int left = DeleteSegments(container + "_segments", uploaded);
  if (left == 0) return status;
  return Status(status.code(), status.message() + " (and " + std::to_string(left) +
                                   " uploaded segments could not be removed from " + container +
                                   "_segments)");
}

Status SwiftStore::PutSegmentsAndManifest(const std::string& container, const std::string& object,
                                          const std::string& path, int64_t size,
                                          int64_t segment_size,
                                          std::vector<std::string>& uploaded) {
  const std::string segments = container + "_segments";
  CSM_RETURN_IF_ERROR(EnsureContainer(segments));
  const std::string segment_prefix = SegmentPrefix(object, size, segment_size);
  nlohmann::json manifest = nlohmann::json::array();
  for (int64_t offset = 0; offset < size; offset += segment_size) {
    char index[16];
    std::snprintf(index, sizeof index, "%08zu", uploaded.size());
    const std::string name = segment_prefix + index;
    const int64_t length = std::min(segment_size, size - offset);
    HttpRequest request;
    request.method = "PUT";
    request.url = ObjectPath(segments, name);
    request.body_file = FileRange{path, offset, length};
    CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request)));
    if (response.status != 201) return Failure(response, "PUT of segment " + Quoted(name));
    uploaded.push_back(name);
    manifest.push_back({{"path", "/" + segments + "/" + name},
                        {"etag", UnquoteEtag(response.Header("etag"))},
                        {"size_bytes", length}});
  }
  HttpRequest request;
  request.method = "PUT";
  request.url = ObjectPath(container, object) + "?multipart-manifest=put";
  request.headers = {{"Content-Type", "application/octet-stream"}};
  request.body = manifest.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  CSM_ASSIGN_OR_RETURN(HttpResponse response, PutCreatingContainer(container, request));
  if (response.status != 201) {
    return Failure(response, "PUT of the SLO manifest " + Quoted(container + "/" + object));
  }
  return Status::Ok();
}

Status SwiftStore::Delete(const std::string& key) {
  CSM_ASSIGN_OR_RETURN(const auto parts, SplitKey(key));
  HttpRequest head;
  head.method = "HEAD";
  head.url = ObjectPath(parts.first, parts.second);
  CSM_ASSIGN_OR_RETURN(HttpResponse existing, Send(std::move(head)));
  if (existing.status == 404) return Status::Ok();
  if (existing.status != 200 && existing.status != 204) {
    return Failure(existing, "HEAD of " + Quoted(key));
  }
  const bool slo = existing.Header("x-static-large-object") == "True" ||
                   existing.Header("x-static-large-object") == "true";
  HttpRequest request;
  request.method = "DELETE";
  request.url = ObjectPath(parts.first, parts.second) + (slo ? "?multipart-manifest=delete" : "");
  request.headers = {{"Accept", "application/json"}};
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request)));
  if (response.status == 404 || (!slo && response.status == 204)) return Status::Ok();
  if (!slo || response.status != 200) return Failure(response, "DELETE of " + Quoted(key));
  // The SLO middleware answers 200 and reports the outcome in the body.
  const nlohmann::json outcome = nlohmann::json::parse(response.body, nullptr, false);
  const std::string result = outcome.is_object() ? StringMember(outcome, "Response Status") : "";
  if (result.starts_with("2") || result.starts_with("404")) return Status::Ok();
  return Status(ErrorCode::kIo,
                "Swift DELETE of the SLO " + Quoted(key) + " in " + where_ + " failed: " +
                    (result.empty() ? response.body.substr(0, 200)
                                    : result + " " +
                                          outcome.value("Errors", nlohmann::json())
                                              .dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)));
}

Result<std::string> SwiftStore::UploadEtag(const std::string& path) {
  CSM_ASSIGN_OR_RETURN(const int64_t size, LocalFileSize(path));
  const int64_t segment_size = UploadSegmentSize(size);
  if (segment_size == 0) return FileMd5Hex(path);
  CSM_ASSIGN_OR_RETURN(const std::vector<std::string> segments, FilePartMd5Hex(path, segment_size));
  if (segments.empty()) return Status(ErrorCode::kIo, path + " was emptied while it was read");
  return SwiftSloEtag(segments);
}

Result<std::function<bool(const std::string& name)>> SwiftStore::LiveSegments(
    const std::string& container, const std::string& object) {
  using Live = std::function<bool(const std::string& name)>;
  const std::string key = container + "/" + object;
  HttpRequest head;
  head.method = "HEAD";
  head.url = ObjectPath(container, object);
  CSM_ASSIGN_OR_RETURN(HttpResponse existing, Send(std::move(head)));
  if (existing.status == 404) return Live([](const std::string&) { return false; });
  if (existing.status != 200 && existing.status != 204) {
    return Failure(existing, "HEAD of " + Quoted(key));
  }
  // A Dynamic Large Object uses every segment under a prefix: keep them all.
  if (!existing.Header("x-object-manifest").empty()) {
    return Live([](const std::string&) { return true; });
  }
  const std::string slo = existing.Header("x-static-large-object");
  if (slo != "True" && slo != "true") return Live([](const std::string&) { return false; });

  HttpRequest request;
  request.url = ObjectPath(container, object) + "?multipart-manifest=get";
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(std::move(request)));
  const std::string what = "the SLO manifest of " + Quoted(key);
  if (response.status != 200) return Failure(response, "GET of " + what);
  const nlohmann::json manifest = nlohmann::json::parse(response.body, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_array()) {
    return Status(ErrorCode::kIo, "Swift " + where_ + " answered " + what + " with invalid JSON");
  }
  const std::string segments_path = "/" + container + "_segments/";
  std::set<std::string> live;
  for (const nlohmann::json& entry : manifest) {
    const std::string name = entry.is_object() ? StringMember(entry, "name") : "";
    if (name.starts_with(segments_path)) live.insert(name.substr(segments_path.size()));
  }
  return Live([live = std::move(live)](const std::string& name) { return live.contains(name); });
}

Status SwiftStore::RemoveSegments(const std::string& container, const std::string& object,
                                  const std::function<bool(const std::string& name)>& live) {
  const std::string segments = container + "_segments";
  std::vector<std::string> stale;
  CSM_RETURN_IF_ERROR(ListContainer(segments, object + "/slo/", [&](const ObjectInfo& info) {
                        std::string name = info.key.substr(segments.size() + 1);
                        if (IsUploadSegment(name, object) && !live(name)) {
                          stale.push_back(std::move(name));
                        }
                        return true;
                      }).status());
  const int left = DeleteSegments(segments, stale);
  if (left == 0) return Status::Ok();
  return Status(ErrorCode::kIo, std::to_string(left) + " of the " + std::to_string(stale.size()) +
                                    " unused segments of " + Quoted(container + "/" + object) +
                                    " could not be deleted from " + segments + " in " + where_);
}

Status SwiftStore::DiscardInterruptedUploads(const std::string& key) {
  CSM_ASSIGN_OR_RETURN(const auto parts, SplitKey(key));
  CSM_ASSIGN_OR_RETURN(const auto live, LiveSegments(parts.first, parts.second));
  return RemoveSegments(parts.first, parts.second, live);
}

}  // namespace csm::store
