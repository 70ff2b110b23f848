#include "cli/stdout_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/exit_codes.h"

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

int FinishStdout(int exit_code) {
  errno = 0;
  std::cout.flush();
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || !std::cout;
  const int reason = errno;
  if (!failed || (exit_code != kExitOk && exit_code != kExitFindings)) return exit_code;
  std::cerr << "csmigrate: error: cannot write the result to stdout"
            << (reason != 0 ? std::string(" (") + std::strerror(reason) + ")" : std::string())
            << ": the output is incomplete or missing"
            << (Committed().empty() ? std::string() : "; " + Committed()) << "\n";
  return kExitIo;
}

}  // namespace csm::cli
