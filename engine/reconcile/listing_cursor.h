// A listing read one object at a time, in ascending byte order of the key.
#pragma once

#include "common/result.h"
#include "store/object_store.h"

namespace csm::reconcile {

class ListingCursor {
 public:
  virtual ~ListingCursor() = default;
  // The current object, nullptr at the end of a complete listing, or the error that stopped the
  // listing. The pointer stays valid until Advance.
  virtual Result<const store::ObjectInfo*> Current() = 0;
  // Moves past the current object, which must exist.
  virtual void Advance() = 0;
};

}  // namespace csm::reconcile
