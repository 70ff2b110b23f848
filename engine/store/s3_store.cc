#include "store/s3_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/digest.h"
#include "common/text.h"
#include "common/uri.h"
#include "store/etag.h"
#include "store/local_file.h"
#include "store/s3_xml.h"
#include "store/server_message.h"
#include "store/store_time.h"

namespace csm::store {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kMinPartSize = 5 * kMiB;
constexpr int64_t kMaxPartSize = int64_t{5} << 30;  // also the largest single PUT
constexpr int64_t kMaxParts = 10000;
constexpr const char* kDefaultEndpoint = "s3.amazonaws.com";

Status Invalid(const std::string& message) {
  return Status(ErrorCode::kInvalidArgument, message);
}

// The scheme and host[:port] of an endpoint given as host[:port] or scheme://host[:port][/].
Result<std::pair<std::string, std::string>> ParseEndpoint(std::string endpoint, bool use_https) {
  std::string scheme = use_https ? "https" : "http";
  if (const size_t colon = endpoint.find("://"); colon != std::string::npos) {
    scheme = ToLower(endpoint.substr(0, colon));
    if (scheme != "http" && scheme != "https") {
      return Invalid("S3 endpoint \"" + endpoint + "\" must use http or https");
    }
    endpoint.erase(0, colon + 3);
  }
  if (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.empty() || endpoint.find_first_of("/?#@ \t") != std::string::npos) {
    return Invalid("S3 endpoint \"" + endpoint +
                   "\" must be host[:port] or http(s)://host[:port], without a path");
  }
  return std::make_pair(scheme, endpoint);
}

// The part size for a file of `file_size` bytes: the configured size, grown to whole MiB so that
// no more than kMaxParts parts are needed.
int64_t PartSize(int64_t file_size, int64_t configured) {
  const int64_t needed = (file_size + kMaxParts - 1) / kMaxParts;
  const int64_t size = std::max(configured, needed);
  return (size + kMiB - 1) / kMiB * kMiB;
}

Status CheckKey(const std::string& key) {
  if (key.empty()) return Invalid("an S3 object key cannot be empty");
  return Status::Ok();
}

std::string Quoted(const std::string& text) {
  return "\"" + text + "\"";
}

}  // namespace

Result<std::unique_ptr<S3Store>> S3Store::Create(S3Config config) {
  if (config.bucket.empty() || config.bucket.find('/') != std::string::npos) {
    return Invalid("S3 bucket \"" + config.bucket + "\" is not a bucket name");
  }
  if (config.access_key.empty() || config.secret_key.empty()) {
    return Invalid("S3 bucket " + config.bucket + " needs both accesskey and secretkey");
  }
  if (config.region.empty()) return Invalid("S3 bucket " + config.bucket + " needs a region");
  if (config.part_size < kMinPartSize || config.part_size > kMaxPartSize) {
    return Invalid("S3 part size must be between 5 MiB and 5 GiB");
  }
  if (config.multipart_threshold < 0 || config.multipart_threshold > kMaxPartSize) {
    return Invalid("S3 multipart threshold must be between 0 and 5 GiB");
  }
  if (config.listing_limit < 1 || config.listing_limit > 1000) {
    return Invalid("S3 listing limit must be between 1 and 1000");
  }
  if (config.endpoint.empty()) config.endpoint = kDefaultEndpoint;
  CSM_ASSIGN_OR_RETURN(auto endpoint, ParseEndpoint(config.endpoint, config.use_https));
  return std::unique_ptr<S3Store>(
      new S3Store(std::move(config), std::move(endpoint.first), std::move(endpoint.second)));
}

S3Store::S3Store(S3Config config, std::string scheme, std::string host)
    : config_(std::move(config)),
      scheme_(std::move(scheme)),
      host_(config_.path_style ? host : config_.bucket + "." + host),
      endpoint_(scheme_ + "://" + host),
      where_("bucket " + config_.bucket + " at " + endpoint_),
      client_(config_.http) {}

std::string S3Store::Describe() const {
  return "s3://" + config_.bucket + " at " + endpoint_;
}

Result<HttpResponse> S3Store::Send(const Call& call, const HttpSink& sink) {
  std::string path = config_.path_style ? "/" + UriEncode(config_.bucket, false) : "";
  if (!call.key.empty() || !config_.path_style) path += "/" + UriEncode(call.key, true);

  SigV4Request to_sign;
  to_sign.method = call.method;
  to_sign.host = host_;
  to_sign.path = path;
  to_sign.query = call.query;
  to_sign.headers = call.headers;
  to_sign.payload_hash = call.body_file ? std::string(kUnsignedPayload) : Sha256Hex(call.body);
  const SigV4Key key{config_.access_key, config_.secret_key, config_.region};

  HttpRequest request;
  request.method = call.method;
  request.url = scheme_ + "://" + host_ + path;
  if (!call.query.empty()) request.url += "?" + CanonicalQuery(call.query);
  request.headers = call.headers;
  request.headers.emplace_back("Host", host_);
  for (auto& header : SignV4(to_sign, key, AmzDate(std::chrono::system_clock::now()))) {
    request.headers.push_back(std::move(header));
  }
  request.body = call.body;
  request.body_file = call.body_file;
  return client_.Send(request, sink);
}

Status S3Store::Failure(const HttpResponse& response, const std::string& what) const {
  S3ErrorInfo error = ParseS3Error(response.body);
  error.code = ShownErrorCode(error.code);
  error.message = ShownServerMessage(error.message);
  const std::string code =
      error.code.empty() ? "HTTP " + std::to_string(response.status) : error.code;
  if (response.status == 403 &&
      (error.code == "SignatureDoesNotMatch" || error.code == "InvalidAccessKeyId")) {
    return Invalid("S3 rejected the credentials for " + where_ + " (" + code +
                   "): check accesskey/secretkey");
  }
  if (response.status == 401 || response.status == 403) {
    return Invalid("S3 refused " + what + " in " + where_ + " (" + code +
                   "): check accesskey/secretkey and the key's permissions on the bucket");
  }
  if (error.code == "AuthorizationHeaderMalformed") {
    return Invalid("S3 refused a request signed for region " + config_.region + " by " + where_ +
                   " (" + code + (error.message.empty() ? "" : ": " + error.message) +
                   "): check the region");
  }
  if (error.code == "NoSuchBucket") {
    return Status(ErrorCode::kNotFound, "S3 " + where_ + ": the bucket does not exist");
  }
  if (response.status == 404) {
    return Status(ErrorCode::kNotFound, "S3 " + where_ + " has nothing for " + what);
  }
  // A HEAD's answer has no body, so no error code: the status alone, said once.
  return Status(ErrorCode::kIo, "S3 " + what + " in " + where_ + " failed: HTTP " +
                                    std::to_string(response.status) +
                                    (error.code.empty() ? "" : " " + error.code) +
                                    (error.message.empty() ? "" : ": " + error.message));
}

Status S3Store::List(const std::string& prefix,
                     const std::function<bool(const ObjectInfo&)>& on_object) {
  const std::string what = "listing of prefix " + Quoted(prefix);
  std::string token, last_key;
  bool any = false;
  while (true) {
    Call call{"GET",
              "",
              {{"list-type", "2"},
               {"max-keys", std::to_string(config_.listing_limit)},
               {"encoding-type", "url"}}};
    if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    if (response.status != 200) return Failure(response, what);
    Result<S3ListPage> page = ParseListObjectsV2(response.body);
    if (!page.ok()) return page.status().WithContext(what + " in " + where_);
    for (const ObjectInfo& object : page->objects) {
      if (!object.key.starts_with(prefix) || (any && object.key <= last_key)) {
        return Status(ErrorCode::kIo, "S3 " + where_ + " listed " + Quoted(object.key) +
                                          " out of order or outside prefix " + Quoted(prefix));
      }
      last_key = object.key;
      any = true;
      if (!on_object(object)) return Status::Ok();
    }
    if (!page->truncated) return Status::Ok();
    if (page->next_token.empty()) {
      return Status(ErrorCode::kIo,
                    "S3 " + where_ + " truncated the " + what + " without a continuation token");
    }
    token = page->next_token;
  }
}

Result<std::optional<ObjectInfo>> S3Store::Head(const std::string& key) {
  CSM_RETURN_IF_ERROR(CheckKey(key));
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send({"HEAD", key}));
  if (response.status == 404) return std::optional<ObjectInfo>();
  if (response.status != 200) return Failure(response, "HEAD of key " + Quoted(key));
  ObjectInfo info;
  info.key = key;
  const std::string length = response.Header("content-length");
  if (length.empty() ||
      std::from_chars(length.data(), length.data() + length.size(), info.size).ptr !=
          length.data() + length.size()) {
    return Status(ErrorCode::kIo, "S3 " + where_ + " answered HEAD of key " + Quoted(key) +
                                      " without a valid Content-Length");
  }
  info.etag = UnquoteEtag(response.Header("etag"));
  info.last_modified = HttpDateToIso8601(response.Header("last-modified"));
  return std::optional<ObjectInfo>(std::move(info));
}

Status S3Store::Get(const std::string& key,
                    const std::function<Status(std::string_view chunk)>& sink) {
  CSM_RETURN_IF_ERROR(CheckKey(key));
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send({"GET", key}, sink));
  if (response.status != 200) return Failure(response, "GET of key " + Quoted(key));
  return Status::Ok();
}

Result<ObjectInfo> S3Store::Put(const std::string& key, const std::string& path) {
  CSM_RETURN_IF_ERROR(CheckKey(key));
  CSM_ASSIGN_OR_RETURN(const int64_t size, LocalFileSize(path));
  if (const int64_t part_size = UploadPartSize(size); part_size == 0) {
    Call call{"PUT", key};
    call.body_file = FileRange{path, 0, size};
    CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    if (response.status != 200) return Failure(response, "PUT of key " + Quoted(key));
    ObjectInfo info;
    info.key = key;
    info.size = size;
    info.etag = UnquoteEtag(response.Header("etag"));
    if (info.etag.empty()) {
      return Status(ErrorCode::kIo, "S3 " + where_ + " answered the PUT of key " + Quoted(key) +
                                        " without an ETag");
    }
    return info;
  }
  CSM_RETURN_IF_ERROR(PutMultipart(key, path, size, UploadPartSize(size)));
  CSM_ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, Head(key));
  if (!info || info->size != size) {
    return Status(ErrorCode::kIo, "S3 " + where_ + " does not show the " + std::to_string(size) +
                                      " bytes of key " + Quoted(key) + " just uploaded");
  }
  return *std::move(info);
}

bool S3Store::UploadsInParts(int64_t size) const {
  return UploadPartSize(size) != 0;
}

int64_t S3Store::UploadPartSize(int64_t size) const {
  return size <= config_.multipart_threshold ? 0 : PartSize(size, config_.part_size);
}

Status S3Store::PutMultipart(const std::string& key, const std::string& path, int64_t size,
                             int64_t part_size) {
  // Retried like the other calls: a retry after a lost answer leaves an unused upload behind,
  // which is cheaper than failing the whole transfer.
  Call start{"POST", key, {{"uploads", ""}}, {{"Content-Type", "application/octet-stream"}}};
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(start));
  if (response.status != 200) {
    return Failure(response, "start of a multipart upload of key " + Quoted(key));
  }
  Result<std::string> upload_id = ParseInitiateMultipartUpload(response.body);
  if (!upload_id.ok()) return upload_id.status().WithContext(where_);

  const Status uploaded = UploadParts(key, path, size, part_size, *upload_id);
  if (uploaded.ok()) return uploaded;
  if (!AbortUpload(key, *upload_id).ok()) {
    return Status(uploaded.code(), uploaded.message() + " (and the incomplete upload " +
                                       *upload_id + " could not be aborted)");
  }
  return uploaded;
}

Status S3Store::UploadParts(const std::string& key, const std::string& path, int64_t size,
                            int64_t part_size, const std::string& upload_id) {
  std::vector<std::string> etags;
  for (int64_t offset = 0; offset < size; offset += part_size) {
    const std::string number = std::to_string(etags.size() + 1);
    Call part{"PUT", key, {{"partNumber", number}, {"uploadId", upload_id}}};
    part.body_file = FileRange{path, offset, std::min(part_size, size - offset)};
    CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(part));
    const std::string what = "upload of part " + number + " of key " + Quoted(key);
    if (response.status != 200) return Failure(response, what);
    std::string etag = response.Header("etag");
    if (etag.empty()) {
      return Status(ErrorCode::kIo, "S3 " + where_ + " sent no ETag for the " + what);
    }
    etags.push_back(std::move(etag));
  }
  Call complete{"POST", key, {{"uploadId", upload_id}}, {{"Content-Type", "application/xml"}}};
  complete.body = CompleteMultipartUploadXml(etags);
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(complete));
  const std::string what = "completion of the multipart upload of key " + Quoted(key);
  if (response.status != 200) return Failure(response, what);
  return ParseCompleteMultipartUpload(response.body).status().WithContext(what + " in " + where_);
}

Status S3Store::Delete(const std::string& key) {
  CSM_RETURN_IF_ERROR(CheckKey(key));
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send({"DELETE", key}));
  if (response.status == 200 || response.status == 204) return Status::Ok();
  if (response.status == 404 && ParseS3Error(response.body).code != "NoSuchBucket") {
    return Status::Ok();
  }
  return Failure(response, "DELETE of key " + Quoted(key));
}

Status S3Store::AbortUpload(const std::string& key, const std::string& upload_id) {
  CSM_ASSIGN_OR_RETURN(HttpResponse response, Send({"DELETE", key, {{"uploadId", upload_id}}}));
  if (response.status == 204 || response.status == 200) return Status::Ok();
  if (response.status == 404 && ParseS3Error(response.body).code == "NoSuchUpload") {
    return Status::Ok();
  }
  return Failure(response, "abort of the multipart upload " + upload_id + " of key " + Quoted(key));
}

Result<std::string> S3Store::UploadEtag(const std::string& path) {
  CSM_ASSIGN_OR_RETURN(const int64_t size, LocalFileSize(path));
  const int64_t part_size = UploadPartSize(size);
  if (part_size == 0) return FileMd5Hex(path);
  CSM_ASSIGN_OR_RETURN(const std::vector<std::string> parts, FilePartMd5Hex(path, part_size));
  if (parts.empty()) return Status(ErrorCode::kIo, path + " was emptied while it was read");
  return S3MultipartEtag(parts);
}

Status S3Store::DiscardInterruptedUploads(const std::string& key) {
  CSM_RETURN_IF_ERROR(CheckKey(key));
  const std::string what = "listing of the unfinished uploads of key " + Quoted(key);
  std::vector<std::string> upload_ids;
  std::string key_marker, upload_id_marker;
  while (true) {
    Call call{"GET",
              "",
              {{"uploads", ""},
               {"prefix", key},
               {"max-uploads", std::to_string(config_.listing_limit)},
               {"encoding-type", "url"}}};
    if (!key_marker.empty()) {
      call.query.emplace_back("key-marker", key_marker);
      call.query.emplace_back("upload-id-marker", upload_id_marker);
    }
    CSM_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    if (response.status != 200) return Failure(response, what);
    Result<S3UploadsPage> page = ParseListMultipartUploads(response.body);
    if (!page.ok()) return page.status().WithContext(what + " in " + where_);
    for (const S3Upload& upload : page->uploads) {
      if (upload.key == key) upload_ids.push_back(upload.upload_id);
    }
    if (!page->truncated) break;
    // The next page starts after this page's last upload (see S3UploadsPage).
    if (page->uploads.empty() || (page->uploads.back().key == key_marker &&
                                  page->uploads.back().upload_id == upload_id_marker)) {
      return Status(ErrorCode::kIo,
                    "S3 " + where_ + " truncated the " + what + " without listing further");
    }
    key_marker = page->uploads.back().key;
    upload_id_marker = page->uploads.back().upload_id;
  }
  for (const std::string& upload_id : upload_ids) {
    CSM_RETURN_IF_ERROR(AbortUpload(key, upload_id));
  }
  return Status::Ok();
}

}  // namespace csm::store
