// The test build's seams (csmigrate-seams only; common/test_seam.h). Each seam reads its
// environment variable; unset, it does nothing. A pausing seam logs "test pause: ...", a waiting
// one "test wait: ..." (the tests wait for that text):
//   apply.before_lock  (after apply's read-only checks, before the engine tables and the lock)
//       CSM_TEST_WAIT_BEFORE_LOCK=FILE: wait until FILE exists.
//   apply.after_step   (inside apply's transaction, count = the step just run)
//       CSM_TEST_PAUSE=STEP:SECONDS: after step STEP, sleep SECONDS.
//   push.before_settle (count = units the transfer threads handed back before this one, failed
//       ones included; this one is uploaded and verified, not recorded)
//       CSM_TEST_DRAIN_PAUSE=UNITS:SECONDS: at the unit after UNITS, sleep SECONDS.
#include <spdlog/spdlog.h>

#include <cassert>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "common/test_seam.h"

namespace csm {
namespace {

// "COUNT:SECONDS" from `variable`: the seconds to sleep when the seam is passed with `count`, or 0.
int PauseSeconds(const char* variable, int64_t count) {
  const char* value = std::getenv(variable);
  if (value == nullptr) return 0;
  const std::string text = value;
  const auto colon = text.find(':');
  if (colon == std::string::npos) return 0;
  if (std::atoll(text.substr(0, colon).c_str()) != count) return 0;
  return std::atoi(text.substr(colon + 1).c_str());
}

void PauseAt(std::string_view name, const char* variable, int64_t count) {
  const int seconds = PauseSeconds(variable, count);
  if (seconds <= 0) return;
  spdlog::warn("test pause: sleeping {} s at seam {} ({})", seconds, name, count);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
}

void WaitForFile(std::string_view name, const char* variable) {
  const char* path = std::getenv(variable);
  if (path == nullptr) return;
  spdlog::warn("test wait: waiting for {} at seam {}", path, name);
  while (!std::filesystem::exists(path)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace

void TestSeam(std::string_view name, int64_t count) {
  if (name == "apply.before_lock") {
    WaitForFile(name, "CSM_TEST_WAIT_BEFORE_LOCK");
  } else if (name == "apply.after_step") {
    PauseAt(name, "CSM_TEST_PAUSE", count);
  } else if (name == "push.before_settle") {
    PauseAt(name, "CSM_TEST_DRAIN_PAUSE", count);
  } else {
    assert(false && "a seam not listed in test_seam_on.cc");
  }
}

}  // namespace csm
