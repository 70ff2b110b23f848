// Parsing of S3's XML answers: a damaged document is an error, never an empty result.
#include "store/s3_xml.h"

#include <gtest/gtest.h>

namespace csm::store {
namespace {

const char* kPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>
  <EncodingType>url</EncodingType>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>a+b%2Bc%26d</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;</ETag><Size>1</Size></Contents>
  <Contents><Key>big</Key><LastModified>2024-01-02T03:04:06.000Z</LastModified>
    <ETag>"0123456789abcdef0123456789abcdef-2"</ETag><Size>6291456</Size></Contents>
</ListBucketResult>)";

TEST(S3Xml, ParsesAListObjectsV2PageAndDecodesUrlEncodedKeys) {
  auto page = ParseListObjectsV2(kPage);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "a b+c&d");
  EXPECT_EQ(page->objects[0].size, 1);
  EXPECT_EQ(page->objects[0].etag, "9dd4e461268c8034f5c8564e155c67a6");
  EXPECT_EQ(page->objects[0].last_modified, "2024-01-02T03:04:05.000Z");
  EXPECT_EQ(page->objects[1].etag, "0123456789abcdef0123456789abcdef-2");
  EXPECT_EQ(page->objects[1].size, 6291456);
}

TEST(S3Xml, KeysWithoutEncodingTypeStayAsTheyAre) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a+b%20</Key>"
      "<Size>0</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_FALSE(page->truncated);
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "a+b%20");
}

TEST(S3Xml, DamagedListingsAreErrors) {
  const std::string page = kPage;
  for (const std::string& bad : {
           page.substr(0, page.size() / 2),  // truncated
           std::string(""),
           std::string("<html>Service Unavailable</html>"),
           std::string("<ListBucketResult><Contents><Key>a</Key><Size>1</Size></Contents>"
                       "</ListBucketResult>"),  // no IsTruncated
           std::string("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key>"
                       "<Size>x</Size></Contents></ListBucketResult>"),
           std::string("<ListBucketResult><IsTruncated>false</IsTruncated><Contents>"
                       "<Size>1</Size></Contents></ListBucketResult>"),
       }) {
    auto parsed = ParseListObjectsV2(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kIo);
  }
}

TEST(S3Xml, ReadsErrorDocuments) {
  const S3ErrorInfo error = ParseS3Error(
      "<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match</Message></Error>");
  EXPECT_EQ(error.code, "SignatureDoesNotMatch");
  EXPECT_EQ(error.message, "The request signature we calculated does not match");
  EXPECT_TRUE(ParseS3Error("").code.empty());
  EXPECT_TRUE(ParseS3Error("<ListBucketResult/>").code.empty());
}

TEST(S3Xml, MultipartDocuments) {
  auto id = ParseInitiateMultipartUpload(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE"
      "</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(*id, "VXBsb2FkIElE");
  EXPECT_FALSE(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult/>").ok());

  auto etag = ParseCompleteMultipartUpload(
      "<CompleteMultipartUploadResult><ETag>\"abc-3\"</ETag></CompleteMultipartUploadResult>");
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(*etag, "abc-3");
  auto failed = ParseCompleteMultipartUpload(
      "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("InternalError: try again"), std::string::npos);

  EXPECT_EQ(CompleteMultipartUploadXml({"\"e1\"", "\"e2\""}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3Xml, ListMultipartUploadsPagesDecodeKeys) {
  auto page = ParseListMultipartUploads(
      "<?xml version=\"1.0\"?><ListMultipartUploadsResult><Bucket>b</Bucket>"
      "<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>"
      "<NextKeyMarker>a+b%2Bc</NextKeyMarker><NextUploadIdMarker>u-2</NextUploadIdMarker>"
      "<EncodingType>url</EncodingType><MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>"
      "<Upload><Key>a+b%2Bc</Key><UploadId>u-1</UploadId><Initiated>2026-01-01T00:00:00.000Z"
      "</Initiated></Upload><Upload><Key>a+b%2Bc</Key><UploadId>u-2</UploadId></Upload>"
      "</ListMultipartUploadsResult>");
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_TRUE(page->truncated);
  ASSERT_EQ(page->uploads.size(), 2u);
  EXPECT_EQ(page->uploads[0].key, "a b+c");
  EXPECT_EQ(page->uploads[0].upload_id, "u-1");
  EXPECT_EQ(page->uploads[1].upload_id, "u-2");

  auto plain = ParseListMultipartUploads(
      "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload><Key>a+b%20</Key>"
      "<UploadId>u</UploadId></Upload></ListMultipartUploadsResult>");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_FALSE(plain->truncated);
  ASSERT_EQ(plain->uploads.size(), 1u);
  EXPECT_EQ(plain->uploads[0].key, "a+b%20");

  for (const std::string& bad : {
           std::string("<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>"),
           std::string("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"),
           std::string("<ListMultipartUploadsResult></ListMultipartUploadsResult>"),
           std::string("<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>"
                       "<Key>k</Key></Upload></ListMultipartUploadsResult>"),
           std::string("<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>"
                       "<UploadId>u</UploadId></Upload></ListMultipartUploadsResult>"),
       }) {
    auto parsed = ParseListMultipartUploads(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kIo);
  }
}

}  // namespace
}  // namespace csm::store
