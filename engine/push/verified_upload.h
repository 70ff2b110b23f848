// One upload that is verified before anyone relies on it: size and ETag (MD5, multipart and
// SLO ETags computed locally the way the store builds them) must match what the store reports;
// an object a previous, interrupted run already uploaded and that verifies is adopted instead.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "store/object_store.h"

namespace csm::push {

struct UploadOutcome {
  std::string key;
  int64_t size = 0;
  std::string etag;
  bool adopted = false;  // already there and verified: no bytes sent
};

// Uploads the local file `path` (`size` bytes) to `key` on `store` unless an identical object
// is already there; first removes what an interrupted upload of `key` left behind (also
// when it adopts). An upload
// that does not verify is deleted again and is kIo saying so: the caller must not record it.
Result<UploadOutcome> UploadVerified(store::ObjectStore& store, const std::string& path,
                                     int64_t size, const std::string& key);

}  // namespace csm::push
