// How csmigrate reaches the object stores it opens: where NFS exports are mounted, HTTP timeouts,
// upload part sizes, and what every S3 and Swift client of the process shares (bandwidth limit,
// abort).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/rate_limiter.h"
#include "store/http_client.h"
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

}  // namespace csm::store
