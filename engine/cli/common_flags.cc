#include "cli/common_flags.h"

#include <string>

#include "common/whole_number.h"

namespace csm::cli {

CLI::Validator WholeNumber(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        return ParseWholeNumber(text, min, max) ? std::string()
                                                : WholeNumberProblem(text, min, max);
      },
      "");
}

void AddJson(CLI::App* cmd, Options& o) {
  cmd->add_flag("--json", o.json, "Print machine-readable JSON on stdout");
}

void AddLockWait(CLI::App* cmd, Options& o) {
  cmd->add_option("--lock-wait", o.lock_wait,
                  "Seconds to wait for another apply or rollback that holds the lock to finish "
                  "before giving up with exit 5 (0: give up at once)")
      ->check(WholeNumber(0, 86400))
      ->capture_default_str();
}

void AddStallTimeout(CLI::App* cmd, Options& o) {
  cmd->add_option("--stall-timeout", o.stall_timeout,
                  "Seconds an object-store request may go without moving a byte before it fails "
                  "(and is retried); default: an S3 store's sockettimeout detail, else 60")
      ->check(WholeNumber(1, 86400));
}

}  // namespace csm::cli
