// SigV4 against AWS's published examples ("Examples: Signature Calculations in AWS Signature
// Version 4", S3 API reference): access key AKIAIOSFODNN7EXAMPLE, the example secret, bucket
// examplebucket in us-east-1, 2013-05-24T00:00:00Z.
#include "store/sigv4.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/digest.h"

namespace csm::store {
namespace {

const SigV4Key kExampleKey = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              "us-east-1"};
const char* kExampleDate = "20130524T000000Z";

std::string HeaderValue(const NameValues& headers, const std::string& name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(SigV4, GetObjectWithRangeMatchesTheAwsExample) {
  SigV4Request request;
  request.method = "GET";
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = "/test.txt";
  request.headers = {{"Range", "bytes=0-9"}};
  request.payload_hash = Sha256Hex("");
  const NameValues headers = SignV4(request, kExampleKey, kExampleDate);
  EXPECT_EQ(HeaderValue(headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(headers, "x-amz-date"), kExampleDate);
  EXPECT_EQ(HeaderValue(headers, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4, ListObjectsQueryMatchesTheAwsExample) {
  SigV4Request request;
  request.method = "GET";
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = "/";
  request.query = {{"prefix", "J"}, {"max-keys", "2"}};  // unsorted on purpose
  request.payload_hash = Sha256Hex("");
  EXPECT_EQ(HeaderValue(SignV4(request, kExampleKey, kExampleDate), "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, GetBucketLifecycleWithAnEmptyParameterMatchesTheAwsExample) {
  SigV4Request request;
  request.method = "GET";
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = "/";
  request.query = {{"lifecycle", ""}};
  request.payload_hash = Sha256Hex("");
  EXPECT_EQ(HeaderValue(SignV4(request, kExampleKey, kExampleDate), "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, PutObjectWithAmzHeadersMatchesTheAwsExample) {
  const std::string body = "Welcome to Amazon S3.";
  SigV4Request request;
  request.method = "PUT";
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = "/test%24file.text";
  request.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  request.payload_hash = Sha256Hex(body);
  EXPECT_EQ(HeaderValue(SignV4(request, kExampleKey, kExampleDate), "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, CanonicalQuerySortsEncodesAndKeepsEmptyValues) {
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(
      CanonicalQuery({{"prefix", "a b/c+d~"}, {"list-type", "2"}, {"continuation-token", "x=="}}),
      "continuation-token=x%3D%3D&list-type=2&prefix=a%20b%2Fc%2Bd~");
  EXPECT_EQ(CanonicalQuery({}), "");
}

TEST(SigV4, AmzDateIsUtc) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1369353600));
  EXPECT_EQ(AmzDate(t), "20130524T000000Z");
}

TEST(SigV4, HeaderValuesAreTrimmedAndCollapsed) {
  SigV4Request a;
  a.method = "GET";
  a.host = "h";
  a.path = "/";
  a.payload_hash = std::string(kUnsignedPayload);
  SigV4Request b = a;
  a.headers = {{"X-Amz-Meta-A", "  one   two "}};
  b.headers = {{"x-amz-meta-a", "one two"}};
  EXPECT_EQ(HeaderValue(SignV4(a, kExampleKey, kExampleDate), "Authorization"),
            HeaderValue(SignV4(b, kExampleKey, kExampleDate), "Authorization"));
}

}  // namespace
}  // namespace csm::store
