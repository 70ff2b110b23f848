#include "push/verified_upload.h"

#include <spdlog/spdlog.h>

namespace csm::push {

Result<UploadOutcome> UploadVerified(store::ObjectStore& store, const std::string& path,
                                     int64_t size, const std::string& key, UploadHistory history) {
  CSM_ASSIGN_OR_RETURN(const std::string expected, store.UploadEtag(path));
  UploadOutcome outcome;
  outcome.key = key;
  outcome.size = size;
  outcome.etag = expected;
  bool replaces = false;  // an object is there that this upload overwrites
  if (history.earlier_attempt) {
    // Whatever an interrupted attempt in parts left (multipart uploads, SLO segments) goes
    // first, also when the object itself turns out to be complete.
    if (store.UploadsInParts(size)) CSM_RETURN_IF_ERROR(store.DiscardInterruptedUploads(key));
    CSM_ASSIGN_OR_RETURN(auto existing, store.Head(key));
    if (existing && existing->size == size && existing->etag == expected) {
      outcome.adopted = true;
      return outcome;
    }
    replaces = existing.has_value();
  }
  CSM_ASSIGN_OR_RETURN(auto stored, store.Put(key, path));
  if (stored.size != size || stored.etag != expected) {
    const std::string what = "upload of " + path + " to " + key + " on " + store.Describe() +
                             " did not verify (store: " + std::to_string(stored.size) +
                             " bytes, ETag " + stored.etag + "; expected " + std::to_string(size) +
                             " bytes, ETag " + expected + ")";
    const Status removed = store.Delete(key);
    if (!removed.ok()) {
      return Status(ErrorCode::kIo, what + "; deleting it failed too: " + removed.message());
    }
    return Status(ErrorCode::kIo, what + "; the object was deleted");
  }
  if (replaces && !store.UploadsInParts(size)) {  // an upload in parts cleans up itself
    const Status cleaned = store.DiscardInterruptedUploads(key);
    if (!cleaned.ok()) {
      spdlog::warn(
          "uploaded {} over an object that was there, but could not remove what that "
          "one left: {}",
          key, cleaned.message());
    }
  }
  return outcome;
}

}  // namespace csm::push
