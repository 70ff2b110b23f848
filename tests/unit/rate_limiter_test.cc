// The token bucket behind --bwlimit. Only lower bounds on time are asserted (a loaded machine can
// always be slower, never faster than the bucket allows).
#include "common/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace csm {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(RateLimiter, ThreeSecondsWorthFromOneThreadTakesAtLeastTwoSeconds) {
  constexpr int64_t kRate = 64 * 1024;
  RateLimiter limiter(kRate);
  const auto start = Clock::now();
  for (int i = 0; i < 48; ++i) limiter.Take(3 * kRate / 48);
  // One second's worth passes at once (the bucket starts full), the other two at the rate.
  EXPECT_GE(SecondsSince(start), 1.99);
}

TEST(RateLimiter, ThreadsShareOneRate) {
  constexpr int64_t kRate = 64 * 1024;
  RateLimiter limiter(kRate);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 12; ++i) limiter.Take(3 * kRate / 48);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GE(SecondsSince(start), 1.99) << "four threads together, not four times the rate";
}

TEST(RateLimiter, ATakeLargerThanTheBucketWaitsForItsBytes) {
  constexpr int64_t kRate = 100 * 1024;
  RateLimiter limiter(kRate);
  const auto start = Clock::now();
  limiter.Take(kRate);      // the full bucket: at once
  limiter.Take(2 * kRate);  // two seconds more than the bucket holds
  EXPECT_GE(SecondsSince(start), 1.99);
  EXPECT_EQ(limiter.bytes_per_second(), kRate);
}

TEST(RateLimiter, AnIdleBucketHoldsNoMoreThanOneSecond) {
  constexpr int64_t kRate = 100 * 1024;
  RateLimiter limiter(kRate);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // idle: still one second's worth
  const auto start = Clock::now();
  limiter.Take(2 * kRate);
  EXPECT_GE(SecondsSince(start), 0.99);
}

}  // namespace
}  // namespace csm
