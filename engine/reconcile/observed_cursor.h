// A listing cursor that shows each object to an observer as its consumer moves past it: a second
// reader of one listing pass (CloudStack's template sync view, sync_listing.h, beside the claims
// merge), so that a store is listed once.
#pragma once

#include <functional>
#include <utility>

#include "reconcile/listing_cursor.h"

namespace csm::reconcile {

class ObservedCursor final : public ListingCursor {
 public:
  using Observer = std::function<void(const store::ObjectInfo&)>;

  // Reads `inner` (which must outlive this cursor) and calls `observer` with every object the
  // consumer advances past, in listing order; an object not advanced past is never observed.
  ObservedCursor(ListingCursor& inner, Observer observer)
      : inner_(inner), observer_(std::move(observer)) {}

  Result<const store::ObjectInfo*> Current() override { return inner_.Current(); }

  void Advance() override {
    const Result<const store::ObjectInfo*> current = inner_.Current();
    if (current.ok() && current.value() != nullptr) observer_(*current.value());
    inner_.Advance();
  }

 private:
  ListingCursor& inner_;
  Observer observer_;
};

}  // namespace csm::reconcile
