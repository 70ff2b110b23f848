// A store listing turned from a callback into a cursor, so that it can be merged with a second
// stream (the DB's claims): a producer thread runs ObjectStore::List over the prefixes and hands
// the objects over in batches through a bounded queue, so memory stays bounded however long the
// listing is, and HTTP round trips overlap with the database work.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "reconcile/listing_cursor.h"
#include "store/object_store.h"

namespace csm::reconcile {

class ListingFeed final : public ListingCursor {
 public:
  // Starts listing `prefixes` of `store` one after another (callers pass them in ascending
  // order, so that the whole listing is in key order). `store` must outlive the feed and is used
  // by the feed's thread only until the feed is destroyed.
  ListingFeed(store::ObjectStore& store, std::vector<std::string> prefixes);
  // Stops the listing (if still running) and waits for the thread.
  ~ListingFeed();
  ListingFeed(const ListingFeed&) = delete;
  ListingFeed& operator=(const ListingFeed&) = delete;

  // The current object, or nullptr when the listing is complete. An error when the listing
  // failed: then there is no "end", only the error (a listing that cannot finish is never a
  // short list). The pointer stays valid until Advance.
  Result<const store::ObjectInfo*> Current() override;

  // Moves past the current object (which must exist).
  void Advance() override;

  // How many objects the store has listed so far (the producer may be ahead of the cursor).
  int64_t listed() const;

 private:
  using Batch = std::vector<store::ObjectInfo>;
  static constexpr size_t kBatchSize = 512;
  static constexpr size_t kMaxQueuedBatches = 8;

  void Produce(store::ObjectStore& store, const std::vector<std::string>& prefixes);
  // Hands `batch` to the consumer, waiting while the queue is full; false when stopping.
  bool Push(Batch batch);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;
  bool done_ = false;  // the producer finished (successfully or not)
  bool stop_ = false;  // the consumer is gone
  Status status_;      // the producer's result, meaningful when done_
  int64_t listed_ = 0;

  Batch current_;  // consumer side
  size_t position_ = 0;
  std::thread thread_;
};

}  // namespace csm::reconcile
