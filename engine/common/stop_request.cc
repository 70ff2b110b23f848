#include "common/stop_request.h"

#include <cassert>

namespace csm {
namespace {

std::atomic<StopRequest*> g_request{nullptr};

void OnSignal(int signal_number) {
  if (StopRequest* request = g_request.load()) request->Ask(signal_number);
}

}  // namespace

void StopRequest::Ask(int signal_number) noexcept {
  int expected = 0;
  signal_.compare_exchange_strong(expected, signal_number);
  count_.fetch_add(1);
}

StopRequest::Level StopRequest::level() const noexcept {
  const int n = count_.load();
  return n == 0 ? Level::kNone : n == 1 ? Level::kStop : Level::kAbort;
}

StopSignals::StopSignals(StopRequest& request) {
  StopRequest* none = nullptr;
  const bool first = g_request.compare_exchange_strong(none, &request);
  assert(first && "one StopSignals at a time");
  (void)first;
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  g_request.store(nullptr);
}

}  // namespace csm
