// Fuzz target: the S3 API's XML documents (store/s3_xml.h), as S3Store reads them from a server.
// Feeds: the input as a response body to each parser: ParseListObjectsV2 (ListBucketResult
// pages), ParseListMultipartUploads, ParseInitiateMultipartUpload, ParseCompleteMultipartUpload
// and ParseS3Error (error documents).
// Checks: no crash, leak or undefined behaviour; every refusal is kIo, never an empty success;
// listed objects have a size of at least 0; listed uploads have a key and an upload id; a started
// upload has an upload id; a completed upload's document is not an Error document with a code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "store/s3_xml.h"

using csm::fuzz::Require;

namespace {

template <typename T>
bool RefusedAsIo(const csm::Result<T>& result) {
  return !result.ok() && result.status().code() == csm::ErrorCode::kIo;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace csm::store;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);

  const auto page = ParseListObjectsV2(xml);
  Require(page.ok() || RefusedAsIo(page));
  if (page.ok()) {
    for (const csm::store::ObjectInfo& object : page.value().objects) Require(object.size >= 0);
  }

  const auto uploads = ParseListMultipartUploads(xml);
  Require(uploads.ok() || RefusedAsIo(uploads));
  if (uploads.ok()) {
    for (const S3Upload& upload : uploads.value().uploads) {
      Require(!upload.key.empty() && !upload.upload_id.empty());
    }
  }

  const auto started = ParseInitiateMultipartUpload(xml);
  Require(started.ok() ? !started.value().empty() : RefusedAsIo(started));

  const auto completed = ParseCompleteMultipartUpload(xml);
  Require(completed.ok() || RefusedAsIo(completed));
  const S3ErrorInfo error = ParseS3Error(xml);
  if (completed.ok()) Require(error.code.empty());
  return 0;
}
