// ObjectStore over Swift's native API, as CloudStack uses it (cloudstack.md §1, §4): keys are
// "container/object" (CloudStack's containers are T-<template id>, S-<volume id>, V-<volume id>).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/http_client.h"
#include "store/object_store.h"
#include "store/swift_auth.h"
#include "store/swift_listing.h"

namespace csm::store {

struct SwiftConfig {
  SwiftCredentials credentials;
  // Files larger than this are uploaded as a Static Large Object; at most 5 GiB (Swift's
  // largest single object by default).
  int64_t slo_threshold = int64_t{64} << 20;
  // SLO segment size, at least 1 MiB; grown (in whole MiB) so that no file needs more than
  // 1000 segments (Swift's default max_manifest_segments).
  int64_t segment_size = int64_t{16} << 20;
  int listing_limit = 10000;  // names per listing request (Swift's default maximum)
  HttpClientOptions http;
};

// Not thread-safe (one HTTP connection, one session): use one store per thread.
class SwiftStore : public ObjectStore {
 public:
  // The store for `config`, or kInvalidArgument naming what is wrong with it. Does not connect:
  // the first request authenticates.
  static Result<std::unique_ptr<SwiftStore>> Create(SwiftConfig config);

  // "swift://ACCOUNT at AUTH_URL".
  std::string Describe() const override;

  // A prefix with a '/' lists one container: "T-5/" every object of container T-5, "T-5/a"
  // those of its objects that start with "a" (a missing container lists nothing). A prefix
  // without '/' (or empty) lists the account's containers whose names start with it, then every
  // object of each. Both page with marker and limit. The order is ascending byte order of the
  // whole key "container/object": containers are visited in ascending order of "name/" (so
  // "T-5-old" comes before "T-5"), objects in Swift's order. SLO segment containers
  // ("<container>_segments") are listed like any other. For an SLO the ETag is the large
  // object's (slo_etag), as a HEAD shows it.
  Status List(const std::string& prefix,
              const std::function<bool(const ObjectInfo&)>& on_object) override;

  // HEAD; last_modified from X-Timestamp in the listings' form ("2026-11-25T10:34:58.947690").
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;

  // GET, streamed (an SLO streams its segments' bytes); a missing object is kNotFound.
  Status Get(const std::string& key,
             const std::function<Status(std::string_view chunk)>& sink) override;

  // One PUT up to slo_threshold, its answer's ETag reported: one request when the container
  // exists (else the PUT's 404, the container's creation and the PUT again); it does not look
  // for segments an overwritten SLO leaves (a listing per object): whoever may overwrite one
  // calls DiscardInterruptedUploads after. Else an SLO: segments in "<container>_segments", then
  // the manifest (segments removed again when that fails). Segments are named like the swift
  // CLI's, "<object>/slo/<time>/<size>/<segment size>/<index %08d>", but <time> is when this
  // upload started ("1764067698.947690"), not the file's mtime, so that every upload attempt has
  // its own segments. Then a HEAD for what Swift reports, and the segments of earlier uploads of
  // `key` (an overwritten SLO's, an interrupted upload's) are deleted; when that fails, a warning
  // is logged and Put still succeeds.
  Result<ObjectInfo> Put(const std::string& key, const std::string& path) override;

  // Whether `size` is above slo_threshold.
  bool UploadsInParts(int64_t size) const override;

  // DELETE; an SLO with its segments (?multipart-manifest=delete). A missing object is not an
  // error.
  Status Delete(const std::string& key) override;

  // Up to slo_threshold bytes the file's hex MD5, else the SLO's ETag for the segments Put
  // uploads (the hex MD5 of the concatenated hex MD5s of the segments).
  Result<std::string> UploadEtag(const std::string& path) override;

  // Deletes from "<container>_segments" every segment named as Put names the segments of
  // `key`'s uploads that the object at `key` does not use: all of them when there is no object
  // or a plain one, all but those its manifest lists for an SLO, all but those under its prefix
  // for a Dynamic Large Object. Other objects' segments (and names Put would not give) are never
  // touched. A manifest that cannot be read is an error, and nothing is deleted.
  Status DiscardInterruptedUploads(const std::string& key) override;

 private:
  explicit SwiftStore(SwiftConfig config);

  // Sends `request`, whose url is relative to the storage URL ("/container/object?query"), with
  // the token: authenticates first when there is no session yet, and once more when the token
  // is refused (HTTP 401, e.g. expired).
  Result<HttpResponse> Send(HttpRequest request, const HttpSink& sink = nullptr);
  // The error for a response that is not the expected success; `what` is e.g. "GET of T-1/a".
  Status Failure(const HttpResponse& response, const std::string& what) const;
  // Pages through the JSON listing at `path` ("" for the account, "/container"); true when
  // every entry was visited, false when `on_entry` stopped it.
  Result<bool> ListPages(const std::string& path, const std::string& prefix,
                         const std::function<bool(const SwiftListingEntry&)>& on_entry);
  // Lists the objects of `container` starting with `object_prefix`, as ListPages.
  Result<bool> ListContainer(const std::string& container, const std::string& object_prefix,
                             const std::function<bool(const ObjectInfo&)>& on_object);
  // Creates `container` unless it exists.
  Status EnsureContainer(const std::string& container);
  // PUTs `request` (a relative url in `container`), creating the container when it is missing.
  Result<HttpResponse> PutCreatingContainer(const std::string& container,
                                            const HttpRequest& request);
  // The segment size a Put of `size` bytes uploads with, or 0 when it is one single PUT.
  int64_t UploadSegmentSize(int64_t size) const;
  // Uploads `path` (`size` bytes) in segments of `segment_size` as an SLO at container/object;
  // the names of its segments.
  Result<std::vector<std::string>> PutLarge(const std::string& container, const std::string& object,
                                            const std::string& path, int64_t size,
                                            int64_t segment_size);
  // Uploads the segments of `path` and then the manifest; names every uploaded segment in
  // `uploaded` so that a failure can remove them.
  Status PutSegmentsAndManifest(const std::string& container, const std::string& object,
                                const std::string& path, int64_t size, int64_t segment_size,
                                std::vector<std::string>& uploaded);
  // Deletes the objects `names` of container `segments`; how many could not be deleted (a
  // missing one counts as deleted).
  int DeleteSegments(const std::string& segments, const std::vector<std::string>& names);
  // Deletes the segments of uploads of container/object (named as Put names them) from
  // "<container>_segments" for which `live` is false.
  Status RemoveSegments(const std::string& container, const std::string& object,
                        const std::function<bool(const std::string& name)>& live);
  // Whether `name` in "<container>_segments" is used by the object at container/object now.
  Result<std::function<bool(const std::string& name)>> LiveSegments(const std::string& container,
                                                                    const std::string& object);

  SwiftConfig config_;
  std::string where_;  // "account A at AUTH_URL", for messages
  HttpClient client_;
  std::optional<SwiftSession> session_;
};

}  // namespace csm::store
