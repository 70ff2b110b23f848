// S3Store against the in-test fake server, for what a real server will not do on demand:
// transient errors, damaged or truncated listings, connections that break, odd multipart answers.
#include <gtest/gtest.h>

#include <atomic>

#include "fake_http_server.h"
#include "store/s3_store.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

std::unique_ptr<store::S3Store> FakeS3(const FakeHttpServer& server) {
  store::S3Config config;
  config.endpoint = server.host();  // host:port, usehttps false
  config.bucket = "bucket";
  config.access_key = "AKID";
  config.secret_key = "fake-secret-1234";
  config.http = FastRetries();
  auto store = store::S3Store::Create(config);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return std::move(*store);
}

std::string Page(const std::vector<std::string>& keys, const std::string& next_token) {
  std::string xml = "<?xml version=\"1.0\"?><ListBucketResult><Name>bucket</Name>";
  xml += "<IsTruncated>" + std::string(next_token.empty() ? "false" : "true") + "</IsTruncated>";
  if (!next_token.empty())
    xml += "<NextContinuationToken>" + next_token + "</NextContinuationToken>";
  for (const auto& key : keys) {
    xml += "<Contents><Key>" + key +
           "</Key><Size>3</Size><ETag>\"e\"</ETag>"
           "<LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>";
  }
  return xml + "</ListBucketResult>";
}

bool HasQuery(const FakeRequest& r, const std::string& part) {
  return r.target.find(part) != std::string::npos;
}

TEST(S3StoreFaults, A503IsRetriedAndTheListingCompletes) {
  std::atomic<int> calls = 0;
  FakeHttpServer server([&](const FakeRequest& r) {
    if (++calls == 1) return HttpReply(503, "<Error><Code>SlowDown</Code></Error>");
    if (!HasQuery(r, "continuation-token")) return HttpReply(200, Page({"a", "b"}, "next/1="));
    return HttpReply(200, Page({"c"}, ""));
  });
  auto store = FakeS3(server);
  auto listed = ListAll(*store, "");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(Keys(*listed), (std::vector<std::string>{"a", "b", "c"}));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].target, "/bucket?encoding-type=url&list-type=2&max-keys=1000");
  EXPECT_EQ(requests[2].target,
            "/bucket?continuation-token=next%2F1%3D&encoding-type=url&list-type=2&max-keys=1000");
  EXPECT_EQ(requests[0].Header("host"), server.host());
  EXPECT_EQ(requests[0].Header("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(requests[0].Header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
}

TEST(S3StoreFaults, ATruncatedXmlPageIsAnErrorNotAShortListing) {
  FakeHttpServer server([&](const FakeRequest& r) {
    if (!HasQuery(r, "continuation-token")) return HttpReply(200, Page({"a"}, "t"));
    const std::string page = Page({"b", "c"}, "");
    return HttpReply(200, page.substr(0, page.size() - 40));
  });
  auto store = FakeS3(server);
  std::vector<std::string> seen;
  Status listed = store->List("", [&](const store::ObjectInfo& o) {
    seen.push_back(o.key);
    return true;
  });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.code(), ErrorCode::kIo);
  EXPECT_NE(listed.message().find("malformed ListBucketResult"), std::string::npos)
      << listed.message();
  EXPECT_EQ(seen, std::vector<std::string>{"a"});
}

TEST(S3StoreFaults, TruncatedWithoutAContinuationTokenIsAnError) {
  FakeHttpServer server([&](const FakeRequest&) {
    return HttpReply(200,
                     "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a</Key>"
                     "<Size>1</Size></Contents></ListBucketResult>");
  });
  auto store = FakeS3(server);
  Status listed = store->List("", [](const store::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.message().find("without a continuation token"), std::string::npos)
      << listed.message();
}

TEST(S3StoreFaults, KeysOutOfOrderAreAnError) {
  FakeHttpServer server([&](const FakeRequest&) { return HttpReply(200, Page({"b", "a"}, "")); });
  auto store = FakeS3(server);
  Status listed = store->List("", [](const store::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.message().find("out of order"), std::string::npos) << listed.message();
}

TEST(S3StoreFaults, AConnectionClosedMidListingIsAnError) {
  FakeHttpServer server([&](const FakeRequest& r) {
    if (!HasQuery(r, "continuation-token")) return HttpReply(200, Page({"a"}, "t"));
    const std::string page = Page({"b"}, "");
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(page.size()) + "\r\n\r\n" +
           page.substr(0, 30);
  });
  auto store = FakeS3(server);
  auto listed = ListAll(*store, "");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), ErrorCode::kIo);
  EXPECT_EQ(server.requests().size(), 4u) << "page 1, then page 2 tried 3 times";
}

TEST(S3StoreFaults, RejectedCredentialsNameTheBucketAndEndpointButNotTheSecret) {
  FakeHttpServer server([&](const FakeRequest&) {
    return HttpReply(403,
                     "<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you "
                     "provided does not exist in our records.</Message></Error>");
  });
  auto store = FakeS3(server);
  Status listed = store->List("", [](const store::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(listed.message(), "S3 rejected the credentials for bucket bucket at " + server.url() +
                                  " (InvalidAccessKeyId): check accesskey/secretkey");
}

TEST(S3StoreFaults, AFailedCompletionAbortsTheMultipartUpload) {
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.method == "POST" && HasQuery(r, "uploads=")) {
      return HttpReply(200,
                       "<InitiateMultipartUploadResult><UploadId>up-1</UploadId>"
                       "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT") return HttpReply(200, "", {{"ETag", "\"p\""}});
    if (r.method == "POST") {  // S3 may report a failed completion with status 200
      return HttpReply(200, "<Error><Code>InternalError</Code><Message>oops</Message></Error>");
    }
    return HttpReply(204, "");
  });
  store::S3Config config;
  config.endpoint = server.url();
  config.bucket = "bucket";
  config.access_key = "AKID";
  config.secret_key = "fake-secret-1234";
  config.multipart_threshold = 0;
  config.http = FastRetries();
  auto store = store::S3Store::Create(config);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ScratchDir dir;
  WriteFile(dir.File("f"), "0123456789");

  auto put = (*store)->Put("k", dir.File("f"));
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("InternalError: oops"), std::string::npos)
      << put.status().message();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].target, "/bucket/k?uploads=");
  EXPECT_EQ(requests[1].target, "/bucket/k?partNumber=1&uploadId=up-1");
  EXPECT_EQ(requests[1].body, "0123456789");
  EXPECT_EQ(requests[1].Header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(requests[2].body,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"p\"</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_EQ(requests[3].method, "DELETE");
  EXPECT_EQ(requests[3].target, "/bucket/k?uploadId=up-1");
}

// A ListMultipartUploads page with `uploads` (key, upload id), as Swift's s3api answers it: the
// next markers empty, so that the client has to continue after the last upload.
std::string UploadsPage(const std::vector<std::pair<std::string, std::string>>& uploads,
                        bool truncated) {
  std::string xml = "<ListMultipartUploadsResult><Bucket>bucket</Bucket>";
  xml += "<NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker>";
  xml += "<IsTruncated>" + std::string(truncated ? "true" : "false") + "</IsTruncated>";
  for (const auto& [key, id] : uploads) {
    xml += "<Upload><Key>" + key + "</Key><UploadId>" + id + "</UploadId></Upload>";
  }
  return xml + "</ListMultipartUploadsResult>";
}

TEST(S3StoreFaults, DiscardPagesAfterTheLastUploadAndAbortsOnlyTheKeysUploads) {
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.method == "DELETE") {
      if (HasQuery(r, "uploadId=gone")) {
        return HttpReply(404, "<Error><Code>NoSuchUpload</Code></Error>");
      }
      return HttpReply(204, "");
    }
    if (!HasQuery(r, "key-marker"))
      return HttpReply(200, UploadsPage({{"k", "u1"}, {"k", "u2"}}, true));
    if (HasQuery(r, "upload-id-marker=u2")) {
      return HttpReply(200, UploadsPage({{"k", "gone"}, {"k+x", "u3"}}, true));
    }
    return HttpReply(200, UploadsPage({{"k", "u4"}}, false));  // out of order, but exact
  });
  auto store = FakeS3(server);
  Status discarded = store->DiscardInterruptedUploads("k");
  ASSERT_TRUE(discarded.ok()) << discarded.message();
  std::vector<std::string> targets;
  for (const auto& r : server.requests()) targets.push_back(r.method + " " + r.target);
  EXPECT_EQ(targets, (std::vector<std::string>{
                         "GET /bucket?encoding-type=url&max-uploads=1000&prefix=k&uploads=",
                         "GET /bucket?encoding-type=url&key-marker=k&max-uploads=1000&prefix=k"
                         "&upload-id-marker=u2&uploads=",
                         "GET /bucket?encoding-type=url&key-marker=k%2Bx&max-uploads=1000&prefix=k"
                         "&upload-id-marker=u3&uploads=",
                         "DELETE /bucket/k?uploadId=u1", "DELETE /bucket/k?uploadId=u2",
                         "DELETE /bucket/k?uploadId=gone", "DELETE /bucket/k?uploadId=u4"}));
}

TEST(S3StoreFaults, DiscardAbortsNothingWhenTheUploadsListingIsBroken) {
  for (const std::string& broken : {UploadsPage({{"k", "u1"}}, false).substr(0, 60),  // cut XML
                                    UploadsPage({}, true),  // truncated, but nothing to go on
                                    UploadsPage({{"k", "u1"}}, true)}) {  // the same page again
    FakeHttpServer server([&](const FakeRequest& r) {
      return r.method == "DELETE" ? HttpReply(204, "") : HttpReply(200, broken);
    });
    auto store = FakeS3(server);
    Status discarded = store->DiscardInterruptedUploads("k");
    ASSERT_FALSE(discarded.ok()) << broken;
    EXPECT_EQ(discarded.code(), ErrorCode::kIo) << discarded.message();
    for (const auto& r : server.requests()) EXPECT_NE(r.method, "DELETE") << broken;
  }
  FakeHttpServer refused([&](const FakeRequest& r) {
    if (r.method == "DELETE") return HttpReply(500, "<Error><Code>InternalError</Code></Error>");
    return HttpReply(200, UploadsPage({{"k", "u1"}}, false));
  });
  Status failed = FakeS3(refused)->DiscardInterruptedUploads("k");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("abort of the multipart upload u1 of key \"k\""),
            std::string::npos)
      << failed.message();
}

TEST(S3StoreFaults, VirtualHostedStyleAddressesTheBucketByHost) {
  FakeHttpServer server([&](const FakeRequest&) { return HttpReply(200, Page({"a"}, "")); });
  const std::string port = server.host().substr(server.host().find(':') + 1);
  store::S3Config config;
  config.endpoint = "localhost:" + port;  // curl resolves *.localhost to the loopback itself
  config.bucket = "bucket";
  config.access_key = "AKID";
  config.secret_key = "fake-secret-1234";
  config.path_style = false;
  config.http = FastRetries();
  auto store = store::S3Store::Create(config);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->Describe(), "s3://bucket at http://localhost:" + port);
  auto listed = ListAll(**store, "");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(Keys(*listed), std::vector<std::string>{"a"});
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("host"), "bucket.localhost:" + port);
  EXPECT_EQ(requests[0].target, "/?encoding-type=url&list-type=2&max-keys=1000");
}

TEST(S3StoreConfig, EndpointsAndSettingsAreChecked) {
  store::S3Config config;
  config.bucket = "b";
  config.access_key = "a";
  config.secret_key = "s";
  config.endpoint = "minio.local:9000";
  config.use_https = true;
  EXPECT_EQ((*store::S3Store::Create(config))->Describe(), "s3://b at https://minio.local:9000");
  config.endpoint = "HTTP://10.0.32.251:9000/";
  EXPECT_EQ((*store::S3Store::Create(config))->Describe(), "s3://b at http://10.0.32.251:9000");
  config.endpoint = "";
  EXPECT_EQ((*store::S3Store::Create(config))->Describe(), "s3://b at https://s3.amazonaws.com");
  for (const std::string bad : {"http://h:9000/path", "ftp://h", "http://"}) {
    config.endpoint = bad;
    EXPECT_EQ(store::S3Store::Create(config).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  config.endpoint = "h";
  for (const int bad : {0, 1001}) {
    config.listing_limit = bad;
    EXPECT_EQ(store::S3Store::Create(config).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  config.listing_limit = 1000;
  config.part_size = 1 << 20;
  EXPECT_EQ(store::S3Store::Create(config).status().code(), ErrorCode::kInvalidArgument);
  config.part_size = 5 << 20;
  config.secret_key = "";
  EXPECT_EQ(store::S3Store::Create(config).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace csm::test
