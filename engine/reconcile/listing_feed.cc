#include "reconcile/listing_feed.h"

#include <cassert>

namespace csm::reconcile {

ListingFeed::ListingFeed(store::ObjectStore& store, std::vector<std::string> prefixes)
    : thread_([this, &store, prefixes = std::move(prefixes)] { Produce(store, prefixes); }) {}

ListingFeed::~ListingFeed() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ListingFeed::Produce(store::ObjectStore& store, const std::vector<std::string>& prefixes) {
  Status status;
  Batch batch;
  bool stopped = false;
  for (const auto& prefix : prefixes) {
    status = store.List(prefix, [&](const store::ObjectInfo& object) {
      batch.push_back(object);
      if (batch.size() < kBatchSize) return true;
      stopped = !Push(std::exchange(batch, {}));
      return !stopped;
    });
    if (!status.ok() || stopped) break;
  }
  if (status.ok() && !stopped && !batch.empty()) Push(std::move(batch));
  {
    std::lock_guard lock(mutex_);
    done_ = true;
    status_ = status;
  }
  changed_.notify_all();
}

bool ListingFeed::Push(Batch batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return stop_ || queue_.size() < kMaxQueuedBatches; });
  if (stop_) return false;
  listed_ += static_cast<int64_t>(batch.size());
  queue_.push_back(std::move(batch));
  changed_.notify_all();
  return true;
}

Result<const store::ObjectInfo*> ListingFeed::Current() {
  if (position_ < current_.size()) return &current_[position_];
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !queue_.empty() || done_; });
  if (queue_.empty()) {
    // Everything handed over has been consumed and the producer is finished.
    if (!status_.ok()) return status_;
    return static_cast<const store::ObjectInfo*>(nullptr);
  }
  if (done_ && !status_.ok()) return status_;  // never merge the start of a failed listing
  current_ = std::move(queue_.front());
  queue_.pop_front();
  position_ = 0;
  changed_.notify_all();
  return &current_[position_];
}

void ListingFeed::Advance() {
  assert(position_ < current_.size() && "Advance past the end of the listing");
  ++position_;
}

int64_t ListingFeed::listed() const {
  std::lock_guard lock(mutex_);
  return listed_;
}

}  // namespace csm::reconcile
