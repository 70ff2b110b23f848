#include "cli/transfer_flags.h"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/common_flags.h"
#include "cli/nfs_roots.h"
#include "common/byte_rate.h"
#include "common/rate_limiter.h"

namespace csm::cli {

void AddTransferOptions(CLI::App* cmd, Options& o) {
  cmd->add_option("--nfs-root", o.nfs_roots,
                  "STORE_ID=PATH: where a staging store's NFS export is mounted here "
                  "(repeatable)");
  cmd->add_option("--multipart-threshold", o.multipart_threshold,
                  "Upload files larger than this many bytes in parts (S3 multipart, Swift "
                  "static large objects); default 67108864 (64 MiB)")
      ->check(WholeNumber(1));
  cmd->add_option("--bwlimit", o.bwlimit,
                  "Bytes per second all transfers of this process send and receive "
                  "together, as rclone writes it: a number with a suffix B, K, M, G or T "
                  "(1024-based; no suffix = K), e.g. 10M, 512K, 1.5G; off or 0 = no limit "
                  "(the default)")
      ->check(CLI::Validator(
          [](std::string& text) {
            const auto rate = ParseByteRate(text, "");
            return rate.ok() ? std::string() : rate.status().message();
          },
          ""))
      ->type_name("RATE");
  AddStallTimeout(cmd, o);
  cmd->add_flag("--json", o.json,
                "Print one JSON document on stdout at the end (counts, failures; drain: retire "
                "verdicts), or the error; progress stays on stderr");
}

Result<push::RunnerOptions> RunnerOptionsFor(const Options& o, const Target& target) {
  push::RunnerOptions options;
  CSM_ASSIGN_OR_RETURN(options.access.nfs_roots, NfsRoots(o));
  if (o.multipart_threshold) {
    if (*o.multipart_threshold < (int64_t{1} << 20)) {
      return Status(ErrorCode::kInvalidArgument, "--multipart-threshold must be at least 1048576");
    }
    options.access.multipart_threshold = o.multipart_threshold;
  }
  if (o.stall_timeout) options.access.stall_timeout = std::chrono::seconds(*o.stall_timeout);
  if (!o.bwlimit.empty()) {
    CSM_ASSIGN_OR_RETURN(const std::optional<int64_t> rate, ParseByteRate(o.bwlimit, "--bwlimit"));
    if (rate) options.access.rate_limiter = std::make_shared<RateLimiter>(*rate);
  }
  if (target.encryption) options.encrypt_secret = target.encryption->password;
  options.jobs = o.jobs;
  options.progress = !o.log.quiet;
  return options;
}

}  // namespace csm::cli
