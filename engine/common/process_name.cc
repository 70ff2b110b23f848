#include "common/process_name.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

namespace csm {

std::string HostName() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) return "unknown-host";
  return host;
}

std::string ProcessName() {
  return HostName() + ":" + std::to_string(getpid());
}

bool ProcessIsGone(const std::string& name) {
  const auto colon = name.rfind(':');
  if (colon == std::string::npos || name.substr(0, colon) != HostName()) return false;
  try {
    const pid_t pid = static_cast<pid_t>(std::stol(name.substr(colon + 1)));
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace csm
