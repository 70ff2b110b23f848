// The XML documents of the S3 API that S3Store reads and writes. A document that is truncated,
// not XML, or not the expected one is an error (kIo), never an empty result.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/object_store.h"

namespace csm::store {

// One page of a ListObjectsV2 answer (ListBucketResult).
struct S3ListPage {
  std::vector<ObjectInfo> objects;  // keys decoded when the page says EncodingType "url"
  bool truncated = false;           // IsTruncated
  std::string next_token;           // NextContinuationToken
};

// One unfinished multipart upload.
struct S3Upload {
  std::string key;
  std::string upload_id;
};

// One page of a ListMultipartUploads answer (ListMultipartUploadsResult). NextKeyMarker and
// NextUploadIdMarker are not read: Swift's s3api leaves them empty on a page of one upload and
// does not encode NextKeyMarker as AWS does, so the next page starts after the last upload.
struct S3UploadsPage {
  std::vector<S3Upload> uploads;  // keys decoded when the page says EncodingType "url"
  bool truncated = false;         // IsTruncated
};

// An S3 error document's Code and Message.
struct S3ErrorInfo {
  std::string code;
  std::string message;
};

// Parses a ListObjectsV2 page; ETags lose their quotes.
Result<S3ListPage> ParseListObjectsV2(std::string_view xml);

// Parses a ListMultipartUploads page; an upload without a Key or UploadId is an error.
Result<S3UploadsPage> ParseListMultipartUploads(std::string_view xml);

// The UploadId of an InitiateMultipartUploadResult.
Result<std::string> ParseInitiateMultipartUpload(std::string_view xml);

// The ETag (without quotes) of a CompleteMultipartUploadResult. An Error document, which S3 may
// send with status 200, is an error carrying its code and message.
Result<std::string> ParseCompleteMultipartUpload(std::string_view xml);

// The Code and Message of an Error document; both empty when `xml` is not one (e.g. the empty
// body of a HEAD).
S3ErrorInfo ParseS3Error(std::string_view xml);

// The CompleteMultipartUpload request body for parts 1..N with these ETags (as the server sent
// them, quotes included).
std::string CompleteMultipartUploadXml(const std::vector<std::string>& part_etags);

}  // namespace csm::store
