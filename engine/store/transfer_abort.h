// A way to stop transfers in flight from another thread: every HTTP client that watches a
// TransferAbort ends its request at once when it is aborted, or when its deadline has passed, and
// does not retry it (a second SIGINT, a worker whose lease could not be renewed).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace csm::store {

class TransferAbort {
 public:
  using Clock = std::chrono::steady_clock;

  // An abort of its own that also follows `parent` (when given): aborting the parent stops the
  // transfers of every child, aborting a child only its own.
  explicit TransferAbort(std::shared_ptr<const TransferAbort> parent = nullptr);
  TransferAbort(const TransferAbort&) = delete;
  TransferAbort& operator=(const TransferAbort&) = delete;

  // Stops the transfers watching this, now and from now on, for `reason` (said in their errors,
  // e.g. "a second signal"); the first reason given stays. Thread-safe.
  void Abort(const std::string& reason);

  // Makes aborted() true from `deadline` on, for `reason`, unless the deadline is moved again
  // first (e.g. a lease's expiry, moved on at each renewal). Thread-safe.
  void SetDeadline(Clock::time_point deadline, const std::string& reason);

  // Whether transfers must stop: Abort was called, the deadline passed, or the parent's did.
  // Cheap (atomic loads and a clock read): called for every chunk a transfer moves.
  bool aborted() const;

  // Why transfers stop, or "" while aborted() is false.
  std::string reason() const;

 private:
  const std::shared_ptr<const TransferAbort> parent_;
  std::atomic<bool> aborted_{false};
  std::atomic<Clock::rep> deadline_{Clock::time_point::max().time_since_epoch().count()};
  mutable std::mutex mutex_;
  std::string abort_reason_;     // under mutex_
  std::string deadline_reason_;  // under mutex_
};

}  // namespace csm::store
