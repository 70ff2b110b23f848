// The fault proxy itself, in front of the Swift all-in-one: it forwards S3 (signatures intact)
// and the native API (TempAuth's storage URL through the proxy) untouched, counts requests by
// method, and injects each of its faults exactly where and as often as told.
#include "fault_proxy.h"

#include <gtest/gtest.h>

#include <future>

#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

// Retries fast, and gives up on a stall after a second.
store::HttpClientOptions Quick() {
  store::HttpClientOptions http = FastRetries();
  http.stall_timeout = std::chrono::seconds(1);
  return http;
}

class FaultProxyTest : public ::testing::Test {
 protected:
  // An S3 store on a new bucket of the all-in-one at `url`, reached through `proxy`.
  std::unique_ptr<store::S3Store> S3Through(const FaultProxy& proxy, const std::string& url) {
    const std::string bucket = UniqueName("csm-proxy");
    CreateContainer(url, bucket);
    store::S3Config config = SwiftS3Config(proxy.url(), bucket);
    config.http = Quick();
    auto s3 = store::S3Store::Create(config);
    EXPECT_TRUE(s3.ok()) << s3.status().message();
    return s3.ok() ? std::move(*s3) : nullptr;
  }

  ScratchDir dir_;
  std::string file_ = dir_.File("object");
};

TEST_F(FaultProxyTest, ForwardsBothApisUntouchedAndCountsRequestsByMethod) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  auto s3 = S3Through(proxy, url);
  ASSERT_TRUE(s3);
  WriteFile(file_, PatternBytes(300000));
  auto put = s3->Put("a/b", file_);
  ASSERT_TRUE(put.ok()) << put.status().message();
  auto body = ReadObject(*s3, "a/b");
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, PatternBytes(300000));
  EXPECT_EQ(proxy.Count("PUT"), 1);
  EXPECT_EQ(proxy.Count("HEAD", "/a/b"), 0) << "Put takes the ETag from the PUT's answer";
  EXPECT_EQ(proxy.Count("GET", "/a/b"), 1);
  EXPECT_EQ(proxy.faults(), 0);

  store::SwiftConfig native = SwiftNativeConfig(proxy.url(), "test");
  native.http = Quick();
  auto swift = store::SwiftStore::Create(native);
  ASSERT_TRUE(swift.ok());
  const std::string container = UniqueName("csm-proxy");
  ASSERT_TRUE((*swift)->Put(container + "/x", file_).ok());
  EXPECT_EQ(proxy.Count("GET", "/auth/v1.0"), 1);
  EXPECT_EQ(proxy.Count("PUT", container + "/x"), 2)
      << "the storage URL TempAuth gave points at the proxy (the first PUT finds no container)";
}

TEST_F(FaultProxyTest, AnswersAStatusForTheMatchingRequestsItIsToldTo) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  auto s3 = S3Through(proxy, url);
  ASSERT_TRUE(s3);
  WriteFile(file_, "bytes");
  ASSERT_TRUE(s3->Put("k", file_).ok());
  // The first matching HEAD passes, the next two fail: the client's third attempt gets through.
  proxy.Add(FaultRule::Answer(503).For("HEAD", "/k").After(1).Times(2));
  ASSERT_TRUE(s3->Head("k").ok());
  auto retried = s3->Head("k");
  ASSERT_TRUE(retried.ok()) << retried.status().message();
  EXPECT_TRUE(*retried);
  EXPECT_EQ(proxy.faults(), 2);
  EXPECT_EQ(proxy.Count("HEAD", "/k"), 1 + 3) << "the first Head, then the retried one";

  proxy.Add(FaultRule::Answer(500).For("GET"));
  auto listed = ListAll(*s3, "");
  ASSERT_FALSE(listed.ok());
  EXPECT_NE(listed.status().message().find("HTTP 500 InternalError"), std::string::npos)
      << listed.status().message();
  proxy.Clear();
  EXPECT_TRUE(ListAll(*s3, "").ok());
}

TEST_F(FaultProxyTest, HoldsAnUploadUntilReleasedOrUntilTheClientGivesUp) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  auto s3 = S3Through(proxy, url);
  ASSERT_TRUE(s3);
  WriteFile(file_, PatternBytes(5000));
  proxy.Add(FaultRule::Stall(1000).For("PUT").Times(1));
  auto released = std::async(std::launch::async, [&] { return s3->Put("held", file_); });
  ASSERT_TRUE(proxy.WaitForHeld());
  proxy.Release(true);
  auto put = released.get();
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->size, 5000);

  // Held for good: the client's stall timeout ends each attempt (the body was taken at once, so
  // only a check of bytes moved, not an average rate, sees the stall), and Swift stores nothing.
  proxy.Add(FaultRule::Stall(1000).For("PUT"));
  auto stalled = s3->Put("never", file_);
  ASSERT_FALSE(stalled.ok());
  EXPECT_NE(stalled.status().message().find("no byte moved for 1 s (the stall timeout) (gave up "
                                            "after 3 attempts)"),
            std::string::npos)
      << stalled.status().message();
  EXPECT_EQ(proxy.Count("PUT", "/never"), 3);
  proxy.Clear();
  auto head = s3->Head("never");
  ASSERT_TRUE(head.ok());
  EXPECT_FALSE(*head) << "a held upload that was abandoned must not be stored";
}

TEST_F(FaultProxyTest, DropsAConnectionPartWayThroughTheResponse) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  auto s3 = S3Through(proxy, url);
  ASSERT_TRUE(s3);
  WriteFile(file_, PatternBytes(100000));
  ASSERT_TRUE(s3->Put("big", file_).ok());
  proxy.Add(FaultRule::Drop(10000).For("GET"));
  std::string received;
  const Status got = s3->Get("big", [&](std::string_view chunk) {
    received += chunk;
    return Status::Ok();
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(received, PatternBytes(100000).substr(0, 10000));
  EXPECT_NE(got.message().find("after part of the body was received"), std::string::npos)
      << got.message();
}

}  // namespace
}  // namespace csm::test
