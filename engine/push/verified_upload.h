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

// What is known of earlier attempts at the upload (e.g. from drain's claims of the unit).
struct UploadHistory {
  // Whether an earlier attempt may have uploaded the object, or part of it. true (the safe
  // default): look for it first. false: nobody can have tried (the unit's first claim), so the
  // upload goes straight ahead.
  bool earlier_attempt = true;
};

// Uploads the local file `path` (`size` bytes) to `key` on `store` and verifies it by what the
// store reports for it (a single PUT's answer, or a HEAD after an upload in parts). With
// history.earlier_attempt, first: when the store uploads a file this size in parts, removes what
// an interrupted upload of `key` left behind (also when it then adopts); a HEAD, and an object
// there that verifies is adopted (nothing sent); an object there that does not is overwritten,
// then what it leaves (an overwritten SLO's segments) removed, a failure of that only logged.
// Requests, beyond the upload's own: none without an earlier attempt; with one, a HEAD, plus the
// store's listing of interrupted uploads for a file uploaded in parts. An upload that does not
// verify is deleted again and is kIo saying so: the caller must not record it.
Result<UploadOutcome> UploadVerified(store::ObjectStore& store, const std::string& path,
                                     int64_t size, const std::string& key,
                                     UploadHistory history = {});

}  // namespace csm::push
