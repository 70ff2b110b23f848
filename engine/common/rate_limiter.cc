#include "common/rate_limiter.h"

#include <cassert>
#include <thread>

namespace csm {

RateLimiter::RateLimiter(int64_t bytes_per_second)
    : bytes_per_second_(bytes_per_second), empty_at_(Clock::now() - std::chrono::seconds(1)) {
  assert(bytes_per_second > 0);
}

void RateLimiter::Take(int64_t bytes) {
  assert(bytes >= 0);
  if (bytes == 0) return;
  Clock::time_point ready;
  {
    std::lock_guard lock(mutex_);
    // A bucket that has been full for a while holds one second of tokens, no more.
    const Clock::time_point now = Clock::now();
    if (empty_at_ < now - std::chrono::seconds(1)) empty_at_ = now - std::chrono::seconds(1);
    // These bytes push the moment the bucket is empty later by the time it takes to refill
    // them; the caller may go at that moment (at once when it is past: tokens were left).
    empty_at_ += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(bytes) / bytes_per_second_));
    ready = empty_at_;
  }
  std::this_thread::sleep_until(ready);
}

}  // namespace csm
