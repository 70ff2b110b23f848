#include "cli/output_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/logging.h"

namespace csm::cli {
namespace {

std::string& Committed() {
  static std::string committed;
  return committed;
}

}  // namespace

void NoteCommitted(std::string what) {
  Committed() = std::move(what);
}

int FinishOutputs(int exit_code) {
  if (exit_code != kExitOk && exit_code != kExitFindings) return exit_code;
  errno = 0;
  std::cout.flush();
  const bool stdout_failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || !std::cout;
  const int reason = errno;
  const std::string committed = Committed().empty() ? std::string() : "; " + Committed();
  if (stdout_failed) {
    ReportError(std::string("cannot write the result to stdout") +
                (reason != 0 ? std::string(" (") + std::strerror(reason) + ")" : std::string()) +
                ": the output is incomplete or missing" + committed);
    return kExitIo;
  }
  if (const Status log = LogFileStatus(); !log.ok()) {
    ReportError(log.message() + committed);
    return kExitIo;
  }
  return exit_code;
}

}  // namespace csm::cli
