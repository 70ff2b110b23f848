// One interface over the places CloudStack keeps secondary-storage objects: an S3 bucket, a Swift
// account, an NFS export. Listings stream in ascending byte order of the key and page internally;
// a listing that cannot finish is an error, never a partial result.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace csm::store {

class NfsStore;

// One object as a listing or a HEAD shows it.
struct ObjectInfo {
  std::string key;            // S3: the object key; Swift: "container/object"; NFS: relative path
  int64_t size = 0;           // bytes
  std::string etag;           // S3/Swift ETag without quotes (multipart: "md5-N"); NFS: empty
  std::string last_modified;  // as the store gives it (ISO 8601 for S3/Swift)
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Where this store is, for messages and reports, without secrets ("s3://bucket at endpoint").
  virtual std::string Describe() const = 0;

  // Calls `on_object` for every object whose key starts with `prefix`, in ascending byte order of
  // the key, paging as the store requires; stops early (ok) when `on_object` returns false.
  // Transient failures (5xx, 429, timeouts) are retried with exponential backoff; what still
  // fails is an error (kIo, or kInvalidArgument for a rejected credential), never a short list.
  virtual Status List(const std::string& prefix,
                      const std::function<bool(const ObjectInfo&)>& on_object) = 0;

  // The object at `key`, or nullopt when it does not exist.
  virtual Result<std::optional<ObjectInfo>> Head(const std::string& key) = 0;

  // Streams the object's bytes to `sink` in chunks; a sink error stops the transfer.
  virtual Status Get(const std::string& key,
                     const std::function<Status(std::string_view chunk)>& sink) = 0;

  // Uploads the local file at `path` to `key`, streaming it (never read whole into memory).
  // Returns what the store reports for the new object: for a single-part upload from the answer
  // to the PUT itself (the ETag of what the store stored, size = the bytes sent, last_modified
  // empty), for one in parts from a HEAD after it.
  virtual Result<ObjectInfo> Put(const std::string& key, const std::string& path) = 0;

  // Whether Put uploads a file of `size` bytes in parts (S3 multipart, Swift SLO), which is when
  // an interrupted Put can leave something behind for DiscardInterruptedUploads.
  virtual bool UploadsInParts(int64_t size) const = 0;

  // Deletes `key`; deleting a missing object is not an error.
  virtual Status Delete(const std::string& key) = 0;

  // The ETag (without quotes, as ObjectInfo::etag) this store will report for the object after
  // Put(key, path) uploads the local file at `path` now, whatever the key: comparing it with
  // Head's verifies an upload, or shows that an earlier (interrupted) run already uploaded the
  // file. Reads the file once, streaming. kNotFound when there is no file, kIo when it cannot be
  // read, kInvalidArgument for a store that cannot be uploaded to.
  virtual Result<std::string> UploadEtag(const std::string& path) = 0;

  // Removes what interrupted Puts of `key` left behind (a process killed mid-upload: S3's
  // unfinished multipart uploads, Swift's unreferenced SLO segments), so that nothing
  // accumulates over re-runs; never touches a completed object at `key` or anything of other
  // keys. Must not run while a Put of `key` is in progress (its upload would be removed).
  virtual Status DiscardInterruptedUploads(const std::string& key) = 0;

  // The store as an NFS export whose files can be read in place (template.properties, a staging
  // copy to push), or nullptr for a store reached over HTTP (S3, Swift).
  virtual NfsStore* AsNfs() { return nullptr; }
};

}  // namespace csm::store
