// ObjectStore over the S3 API (AWS, MinIO, Ceph RGW, Swift's s3api, ...), signed with SigV4.
// Configured from CloudStack's S3 details (cloudstack.md §1): endpoint, bucket, accesskey,
// secretkey, usehttps.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "store/http_client.h"
#include "store/object_store.h"

namespace csm::store {

struct S3Config {
  // host[:port] (use_https picks the scheme) or a URL "http(s)://host[:port]" with no path;
  // empty = s3.amazonaws.com.
  std::string endpoint;
  std::string bucket;
  std::string access_key;
  std::string secret_key;  // never shown in messages or logs
  bool use_https = false;
  std::string region = "us-east-1";
  bool path_style = true;  // false: virtual-hosted requests to bucket.host
  // Files larger than this are uploaded in parts; at most 5 GiB (S3's single-PUT limit).
  int64_t multipart_threshold = int64_t{64} << 20;
  // Part size, at least 5 MiB; grown (in whole MiB) so that no file needs more than 10000 parts.
  int64_t part_size = int64_t{16} << 20;
  int listing_limit = 1000;  // keys (or uploads) per listing request, 1..1000 (S3's maximum)
  HttpClientOptions http;
};

// Not thread-safe (one HTTP connection): use one store per thread.
class S3Store : public ObjectStore {
 public:
  // The store for `config`, or kInvalidArgument naming what is wrong with it. Does not connect.
  static Result<std::unique_ptr<S3Store>> Create(S3Config config);

  // "s3://BUCKET at SCHEME://HOST[:PORT]".
  std::string Describe() const override;

  // ListObjectsV2, 1000 keys a page, following continuation tokens; S3 lists in ascending byte
  // order of the key, which is checked (a server that breaks it is an error, as is a malformed
  // page or a truncated page without a continuation token).
  Status List(const std::string& prefix,
              const std::function<bool(const ObjectInfo&)>& on_object) override;

  // HEAD; last_modified as in listings ("2009-10-12T17:50:30.000Z", to the second).
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;

  // GET, streamed; a missing key is kNotFound.
  Status Get(const std::string& key,
             const std::function<Status(std::string_view chunk)>& sink) override;

  // One PUT up to multipart_threshold, its answer's ETag reported (no other request); else a
  // multipart upload (aborted when it fails), then a HEAD for what the store reports (the
  // completion's ETag is not relied on: S3 servers differ in what they put there). Both are
  // streamed from the file with an unsigned payload.
  Result<ObjectInfo> Put(const std::string& key, const std::string& path) override;

  // Whether `size` is above multipart_threshold.
  bool UploadsInParts(int64_t size) const override;

  // DELETE; a missing key is not an error.
  Status Delete(const std::string& key) override;

  // Up to multipart_threshold bytes the file's hex MD5, else the multipart ETag for the parts
  // Put uploads ("<hex MD5 of the parts' binary MD5s>-<number of parts>").
  Result<std::string> UploadEtag(const std::string& path) override;

  // Aborts every unfinished multipart upload whose key is exactly `key` (ListMultipartUploads
  // with prefix `key`, listing_limit uploads a page, each page after the previous one's last
  // upload by key-marker and upload-id-marker; then AbortMultipartUpload for each; one already
  // gone is not an error). Completed objects are never touched. A malformed page, or a truncated
  // one that lists nothing new, is kIo, and nothing is aborted.
  Status DiscardInterruptedUploads(const std::string& key) override;

 private:
  // One S3 call: `key` empty for a bucket-level call.
  struct Call {
    Call(std::string method, std::string key, NameValues query = {}, NameValues headers = {})
        : method(std::move(method)),
          key(std::move(key)),
          query(std::move(query)),
          headers(std::move(headers)) {}
    std::string method;
    std::string key;
    NameValues query;
    NameValues headers;
    std::string body;
    std::optional<FileRange> body_file;
  };

  S3Store(S3Config config, std::string scheme, std::string host);

  // Signs and sends `call` (retrying transient failures).
  Result<HttpResponse> Send(const Call& call, const HttpSink& sink = nullptr);
  // The error for a response that is not the expected success; `what` is e.g. "GET of key K".
  Status Failure(const HttpResponse& response, const std::string& what) const;
  // The part size a Put of `size` bytes uploads with, or 0 when it is one single PUT.
  int64_t UploadPartSize(int64_t size) const;
  // Uploads `size` bytes of `path` in parts of `part_size` to `key`.
  Status PutMultipart(const std::string& key, const std::string& path, int64_t size,
                      int64_t part_size);
  Status UploadParts(const std::string& key, const std::string& path, int64_t size,
                     int64_t part_size, const std::string& upload_id);
  // Aborts the multipart upload `upload_id` of `key`; one already gone is not an error.
  Status AbortUpload(const std::string& key, const std::string& upload_id);

  S3Config config_;
  std::string scheme_;    // "http" or "https"
  std::string host_;      // the Host header: endpoint host[:port], or bucket.host[:port]
  std::string endpoint_;  // "SCHEME://HOST[:PORT]" as configured, for messages
  std::string where_;     // "bucket B at <endpoint_>", for messages
  HttpClient client_;
};

}  // namespace csm::store
