#include "cli/transfer_flags.h"

#include <chrono>
#include <cstdlib>
#include <string>

#include "cli/common_flags.h"
#include "cli/nfs_roots.h"

namespace csm::cli {

void AddTransferOptions(CLI::App* cmd, Options& o) {
  cmd->add_option("--nfs-root", o.nfs_roots,
                  "STORE_ID=PATH: where a staging store's NFS export is mounted here "
                  "(repeatable)");
  cmd->add_option("--multipart-threshold", o.multipart_threshold,
                  "Upload files larger than this many bytes in parts (S3 multipart, Swift "
                  "static large objects); default 67108864 (64 MiB)")
      ->check(WholeNumber(1));
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
  if (target.encryption) options.encrypt_secret = target.encryption->password;
  options.jobs = o.jobs;
  options.progress = !o.log.quiet;
  if (const char* pause = std::getenv("CSM_TEST_DRAIN_PAUSE")) {
    // UNITS:SECONDS, for the kill-and-resume tests only.
    const std::string text = pause;
    const auto colon = text.find(':');
    if (colon != std::string::npos) {
      options.pause_after_units = std::atoi(text.substr(0, colon).c_str());
      options.pause_seconds = std::atoi(text.substr(colon + 1).c_str());
    }
  }
  return options;
}

}  // namespace csm::cli
