#include "cloudstack/store_factory.h"

#include <algorithm>
#include <charconv>

#include "store/nfs_store.h"
#include "store/s3_store.h"
#include "store/swift_store.h"

namespace csm::cloudstack {
namespace {

using store::HttpClientOptions;
using store::NfsStore;
using store::ObjectStore;
using store::S3Config;
using store::S3Store;
using store::StoreAccess;
using store::SwiftConfig;
using store::SwiftStore;

std::string Where(const ImageStoreRow& row) {
  return "image store " + std::to_string(row.id) + " (" + row.name + ", " + row.provider + ")";
}

Result<std::string> RequiredDetail(const ImageStoreRow& row, const std::string& name) {
  const auto it = row.details.find(name);
  if (it == row.details.end() || it->second.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  Where(row) + " has no '" + name + "' detail in image_store_details");
  }
  return it->second;
}

// A whole number of at least `min` from the detail `name`, or `fallback` when it is absent.
Result<int64_t> NumberDetail(const ImageStoreRow& row, const std::string& name, int64_t fallback,
                             int64_t min) {
  const auto it = row.details.find(name);
  if (it == row.details.end() || it->second.empty()) return fallback;
  int64_t value = 0;
  const auto& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    return Status(ErrorCode::kInvalidArgument,
                  Where(row) + ": detail '" + name + "' is '" + text +
                      "', expected a whole number >= " + std::to_string(min));
  }
  return value;
}

// CloudStack's S3 timeouts and retry count, as the HTTP client's options.
Result<HttpClientOptions> HttpOptions(const ImageStoreRow& row) {
  HttpClientOptions http;
  CSM_ASSIGN_OR_RETURN(int64_t connect_ms, NumberDetail(row, "connectiontimeout", 10000, 1));
  CSM_ASSIGN_OR_RETURN(int64_t socket_ms, NumberDetail(row, "sockettimeout", 60000, 1));
  CSM_ASSIGN_OR_RETURN(int64_t retries, NumberDetail(row, "maxerrorretry", 4, 0));
  http.connect_timeout = std::chrono::milliseconds(connect_ms);
  http.stall_timeout = std::chrono::seconds((socket_ms + 999) / 1000);
  http.max_attempts = static_cast<int>(std::min<int64_t>(retries, 20)) + 1;
  return http;
}

// What StoreAccess sets for every HTTP client: the stall timeout, the rate limiter, the abort.
void ShareTransferControls(const StoreAccess& access, HttpClientOptions& http) {
  if (access.stall_timeout) http.stall_timeout = *access.stall_timeout;
  http.rate_limiter = access.rate_limiter;
  http.abort = access.abort;
}

Result<std::unique_ptr<ObjectStore>> OpenS3(const ImageStoreRow& row, const StoreAccess& access) {
  S3Config config;
  CSM_ASSIGN_OR_RETURN(config.bucket, RequiredDetail(row, "bucket"));
  CSM_ASSIGN_OR_RETURN(config.access_key, RequiredDetail(row, "accesskey"));
  CSM_ASSIGN_OR_RETURN(config.secret_key, RequiredDetail(row, "secretkey"));
  if (auto it = row.details.find("endpoint"); it != row.details.end()) config.endpoint = it->second;
  if (auto it = row.details.find("usehttps"); it != row.details.end()) {
    config.use_https = it->second == "true" || it->second == "TRUE" || it->second == "True";
  }
  CSM_ASSIGN_OR_RETURN(config.http, HttpOptions(row));
  if (access.http) config.http = *access.http;
  ShareTransferControls(access, config.http);
  if (access.multipart_threshold) {
    config.multipart_threshold = *access.multipart_threshold;
    config.part_size =
        std::clamp<int64_t>(*access.multipart_threshold, int64_t{5} << 20, int64_t{16} << 20);
  }
  auto s3 = S3Store::Create(std::move(config));
  if (!s3.ok()) return s3.status().WithContext(Where(row));
  return std::unique_ptr<ObjectStore>(std::move(*s3));
}

Result<std::unique_ptr<ObjectStore>> OpenSwift(const ImageStoreRow& row,
                                               const StoreAccess& access) {
  SwiftConfig config;
  if (!row.url || row.url->empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  Where(row) + " has no url: a Swift store's url is its auth URL");
  }
  config.credentials.auth_url = *row.url;
  CSM_ASSIGN_OR_RETURN(config.credentials.account, RequiredDetail(row, "account"));
  CSM_ASSIGN_OR_RETURN(config.credentials.username, RequiredDetail(row, "username"));
  CSM_ASSIGN_OR_RETURN(config.credentials.key, RequiredDetail(row, "key"));
  if (access.http) config.http = *access.http;
  ShareTransferControls(access, config.http);
  if (access.multipart_threshold) {
    config.slo_threshold = *access.multipart_threshold;
    config.segment_size =
        std::clamp<int64_t>(*access.multipart_threshold, int64_t{1} << 20, int64_t{16} << 20);
  }
  auto swift = SwiftStore::Create(std::move(config));
  if (!swift.ok()) return swift.status().WithContext(Where(row));
  return std::unique_ptr<ObjectStore>(std::move(*swift));
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenStore(const ImageStoreRow& row,
                                               const StoreAccess& access) {
  if (row.provider == "NFS") {
    const auto root = access.nfs_roots.find(row.id);
    if (root == access.nfs_roots.end()) return std::unique_ptr<ObjectStore>();
    auto nfs = NfsStore::Create(root->second);
    if (!nfs.ok()) return nfs.status().WithContext("--nfs-root for " + Where(row));
    return std::unique_ptr<ObjectStore>(std::move(*nfs));
  }
  if (row.provider == "S3") return OpenS3(row, access);
  if (row.provider == "Swift") return OpenSwift(row, access);
  return Status(ErrorCode::kInvalidArgument,
                Where(row) + ": csmigrate reconciles NFS, S3 and Swift stores only");
}

}  // namespace csm::cloudstack
