#include "store/s3_xml.h"

#include <charconv>
#include <pugixml.hpp>
#include <sstream>

#include "common/uri.h"
#include "store/http_client.h"
#include "store/server_message.h"

namespace csm::store {
namespace {

// Parses `xml` and checks that its root element is `root`.
Status Load(std::string_view xml, const char* root, pugi::xml_document& doc) {
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return Status(ErrorCode::kIo, std::string("S3 answered a malformed ") + root + " document (" +
                                      parsed.description() + " at byte " +
                                      std::to_string(parsed.offset) + ")");
  }
  if (std::string_view(doc.document_element().name()) != root) {
    return Status(ErrorCode::kIo, std::string("S3 answered <") + doc.document_element().name() +
                                      "> where <" + root + "> was expected");
  }
  return Status::Ok();
}

Result<ObjectInfo> ParseContents(const pugi::xml_node& contents, bool url_encoded) {
  ObjectInfo info;
  const pugi::xml_node key = contents.child("Key");
  if (!key) return Status(ErrorCode::kIo, "S3 listed an object without a <Key>");
  info.key = url_encoded ? FormDecode(key.text().get()) : key.text().get();
  const std::string_view size = contents.child("Size").text().get();
  if (size.empty() ||
      std::from_chars(size.data(), size.data() + size.size(), info.size).ptr != size.end() ||
      info.size < 0) {
    return Status(ErrorCode::kIo, "S3 listed " + info.key + " with an invalid <Size> \"" +
                                      std::string(size) + "\"");
  }
  info.etag = UnquoteEtag(contents.child("ETag").text().get());
  info.last_modified = contents.child("LastModified").text().get();
  return info;
}

}  // namespace

Result<S3ListPage> ParseListObjectsV2(std::string_view xml) {
  pugi::xml_document doc;
  CSM_RETURN_IF_ERROR(Load(xml, "ListBucketResult", doc));
  const pugi::xml_node root = doc.document_element();
  const std::string_view truncated = root.child("IsTruncated").text().get();
  if (truncated != "true" && truncated != "false") {
    return Status(ErrorCode::kIo, "S3 answered a listing page without a valid <IsTruncated>");
  }
  S3ListPage page;
  page.truncated = truncated == "true";
  page.next_token = root.child("NextContinuationToken").text().get();
  const bool url_encoded = std::string_view(root.child("EncodingType").text().get()) == "url";
  for (const pugi::xml_node& contents : root.children("Contents")) {
    CSM_ASSIGN_OR_RETURN(ObjectInfo info, ParseContents(contents, url_encoded));
    page.objects.push_back(std::move(info));
  }
  return page;
}

Result<S3UploadsPage> ParseListMultipartUploads(std::string_view xml) {
  pugi::xml_document doc;
  CSM_RETURN_IF_ERROR(Load(xml, "ListMultipartUploadsResult", doc));
  const pugi::xml_node root = doc.document_element();
  const std::string_view truncated = root.child("IsTruncated").text().get();
  if (truncated != "true" && truncated != "false") {
    return Status(ErrorCode::kIo, "S3 answered an uploads page without a valid <IsTruncated>");
  }
  const bool url_encoded = std::string_view(root.child("EncodingType").text().get()) == "url";
  S3UploadsPage page;
  page.truncated = truncated == "true";
  for (const pugi::xml_node& upload : root.children("Upload")) {
    const char* key = upload.child("Key").text().get();
    S3Upload entry{url_encoded ? FormDecode(key) : key, upload.child("UploadId").text().get()};
    if (entry.key.empty() || entry.upload_id.empty()) {
      return Status(ErrorCode::kIo, "S3 listed an upload without a <Key> or <UploadId>");
    }
    page.uploads.push_back(std::move(entry));
  }
  return page;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  CSM_RETURN_IF_ERROR(Load(xml, "InitiateMultipartUploadResult", doc));
  std::string upload_id = doc.document_element().child("UploadId").text().get();
  if (upload_id.empty()) return Status(ErrorCode::kIo, "S3 started an upload without an UploadId");
  return upload_id;
}

Result<std::string> ParseCompleteMultipartUpload(std::string_view xml) {
  const S3ErrorInfo error = ParseS3Error(xml);
  if (!error.code.empty()) {
    const std::string code = ShownErrorCode(error.code);
    const std::string message = ShownServerMessage(error.message);
    return Status(ErrorCode::kIo, "S3 could not complete the multipart upload (" +
                                      (code.empty() ? "an error" : code) +
                                      (message.empty() ? "" : ": " + message) + ")");
  }
  pugi::xml_document doc;
  CSM_RETURN_IF_ERROR(Load(xml, "CompleteMultipartUploadResult", doc));
  return UnquoteEtag(doc.document_element().child("ETag").text().get());
}

S3ErrorInfo ParseS3Error(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return {};
  const pugi::xml_node root = doc.child("Error");
  return {root.child("Code").text().get(), root.child("Message").text().get()};
}

std::string CompleteMultipartUploadXml(const std::vector<std::string>& part_etags) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  for (size_t i = 0; i < part_etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(static_cast<unsigned long long>(i + 1));
    part.append_child("ETag").text().set(part_etags[i].c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

}  // namespace csm::store
