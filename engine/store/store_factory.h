// Opens the object store behind an image_store row, configured the way CloudStack configures it
// (cloudstack.md §1, §4): S3 from the endpoint/bucket/accesskey/secretkey/usehttps details, Swift
// from the store's url (the auth URL) and the account/username/key details, NFS from the local
// mount point the admin names with --nfs-root.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "catalog/image_stores.h"
#include "common/rate_limiter.h"
#include "common/result.h"
#include "store/http_client.h"
#include "store/object_store.h"
#include "store/transfer_abort.h"

namespace csm::store {

struct StoreAccess {
  std::map<int64_t, std::string> nfs_roots;  // image_store id -> where its export is mounted
  // Files larger than this go up in parts (S3 multipart, Swift SLO) of at most 16 MiB, at least
  // S3's 5 MiB or Swift's 1 MiB; nullopt = the stores' default (64 MiB).
  std::optional<int64_t> multipart_threshold;
  // When set, replaces the HTTP timeouts and retries of S3 and Swift stores (an S3 store's
  // connectiontimeout / sockettimeout / maxerrorretry details, the defaults otherwise): a quick
  // check's shorter ones.
  std::optional<HttpClientOptions> http;
  // When set, a transfer of an S3 or Swift store that moves no byte for this long fails (and is
  // retried as a transient failure); it replaces an S3 store's sockettimeout detail, and Swift's
  // default (HttpClientOptions::stall_timeout). From --stall-timeout.
  std::optional<std::chrono::seconds> stall_timeout;
  // Shared by every S3 and Swift client opened with this access, whatever `http` says: the
  // process's bandwidth limit (--bwlimit; nullptr = none) and the abort that stops their
  // transfers in flight (nullptr = never); see HttpClientOptions.
  std::shared_ptr<RateLimiter> rate_limiter;
  std::shared_ptr<const TransferAbort> abort;
};

// The store to list for `row`; nullptr (not an error) for an NFS store with no --nfs-root, which
// cannot be listed. kInvalidArgument names the store and the detail that is missing or wrong,
// and a provider csmigrate does not know.
Result<std::unique_ptr<ObjectStore>> OpenStore(const catalog::ImageStoreRow& row,
                                               const StoreAccess& access);

}  // namespace csm::store
