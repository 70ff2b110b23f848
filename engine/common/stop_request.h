// What the operator asked by signalling the process (SIGINT, SIGTERM): the first signal asks to
// stop (finish what is in flight, start nothing new), the second to abort (end the transfers in
// flight too). Written from signal handlers, so lock-free atomics only; read by the work loop.
#pragma once

#include <signal.h>

#include <atomic>

namespace csm {

class StopRequest {
 public:
  enum class Level { kNone, kStop, kAbort };

  // Records one more request (async-signal-safe).
  void Ask(int signal_number) noexcept;
  Level level() const noexcept;
  // The signal of the first request, 0 when there was none.
  int signal_number() const noexcept { return signal_.load(); }

 private:
  std::atomic<int> count_{0};
  std::atomic<int> signal_{0};
};

// While it lives, SIGINT and SIGTERM feed `request` instead of ending the process; the handlers
// that were there before come back when it goes. One at a time per process.
class StopSignals {
 public:
  explicit StopSignals(StopRequest& request);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction previous_int_ = {};
  struct sigaction previous_term_ = {};
};

}  // namespace csm
