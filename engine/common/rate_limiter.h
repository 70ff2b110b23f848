// A token bucket shared by threads: every transfer of a process takes its bytes from one bucket,
// so that together they move no more than a set number of bytes per second (--bwlimit).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace csm {

class RateLimiter {
 public:
  // A bucket that fills at `bytes_per_second` (> 0) and holds at most one second of it; it starts
  // full, so the first second's worth passes at once.
  explicit RateLimiter(int64_t bytes_per_second);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes `bytes` (>= 0) from the bucket, blocking the calling thread until the bucket has
  // refilled enough for them. Thread-safe; callers are served in the order they call, and a
  // take larger than the bucket is allowed (it waits for as long as its bytes need).
  void Take(int64_t bytes);

  int64_t bytes_per_second() const { return bytes_per_second_; }

 private:
  using Clock = std::chrono::steady_clock;

  const int64_t bytes_per_second_;
  std::mutex mutex_;
  // When the bucket is empty once every take so far is paid for: a time in the past means it
  // holds the tokens of the time since (one second's worth at most), a time ahead is a debt.
  Clock::time_point empty_at_;
};

}  // namespace csm
