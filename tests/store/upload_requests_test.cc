// How many requests a verified upload makes, counted by the fault proxy in front of the Swift
// all-in-one (its S3 API and its native API; authentication not counted): a small file is one
// PUT when no earlier attempt can exist, a HEAD and the PUT when one may; a file uploaded in
// parts also gets the listing of what an interrupted upload left, only when an earlier attempt
// may exist.
#include <gtest/gtest.h>

#include <memory>

#include "fault_proxy.h"
#include "push/verified_upload.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

constexpr push::UploadHistory kFirstAttempt{false};
constexpr push::UploadHistory kMaybeTriedBefore{true};

class UploadRequests : public ::testing::Test {
 protected:
  // Every request the proxy has received but the authentication's.
  static int Requests(const FaultProxy& proxy) {
    int n = 0;
    for (const char* method : {"GET", "HEAD", "PUT", "POST", "DELETE", "COPY"}) {
      n += proxy.Count(method);
    }
    return n - proxy.Count("GET", "/auth/");
  }

  // Uploads the file `name` (`size` bytes) to `key` verified, and returns how many requests
  // that took.
  int Upload(store::ObjectStore& store, const FaultProxy& proxy, const std::string& name,
             size_t size, const std::string& key, push::UploadHistory history,
             bool* adopted = nullptr) {
    const std::string path = dir_.File(name);
    WriteFile(path, PatternBytes(size));
    const int before = Requests(proxy);
    auto outcome = push::UploadVerified(store, path, static_cast<int64_t>(size), key, history);
    EXPECT_TRUE(outcome.ok()) << key << ": " << outcome.status().message();
    if (adopted != nullptr) *adopted = outcome.ok() && outcome->adopted;
    return Requests(proxy) - before;
  }

  ScratchDir dir_;
};

TEST_F(UploadRequests, OnS3ASmallObjectIsOnePutOrAHeadAndAPut) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  const std::string bucket = UniqueName("csm-requests");
  CreateContainer(url, bucket);
  store::S3Config config = SwiftS3Config(proxy.url(), bucket);
  config.http = FastRetries();
  config.multipart_threshold = 5 << 20;
  config.part_size = 5 << 20;
  auto s3 = store::S3Store::Create(config);
  ASSERT_TRUE(s3.ok()) << s3.status().message();

  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(Upload(**s3, proxy, "first" + n, 1000 + i, "first/" + n, kFirstAttempt), 1);
  }
  EXPECT_EQ(proxy.Count("PUT", "/first/"), 3);
  EXPECT_EQ(proxy.Count("HEAD"), 0) << "verified by the PUT's answer";
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(Upload(**s3, proxy, "again" + n, 1000 + i, "again/" + n, kMaybeTriedBefore), 2);
  }
  EXPECT_EQ(proxy.Count("HEAD", "/again/"), 3);
  EXPECT_EQ(proxy.Count("PUT", "/again/"), 3);
  EXPECT_EQ(proxy.Count("GET", "uploads"), 0) << "nothing of a small file is left in parts";

  // Already there and verified: the HEAD alone, nothing sent.
  bool adopted = false;
  EXPECT_EQ(Upload(**s3, proxy, "again0", 1000, "again/0", kMaybeTriedBefore, &adopted), 1);
  EXPECT_TRUE(adopted);

  // Above the threshold (3 parts): the unfinished uploads' listing and the HEAD before only when
  // an earlier attempt may exist; start, 3 parts, completion and a HEAD after either way.
  EXPECT_EQ(Upload(**s3, proxy, "big", (11 << 20) + 3, "big/first", kFirstAttempt), 6);
  EXPECT_EQ(proxy.Count("GET", "uploads"), 0);
  EXPECT_EQ(Upload(**s3, proxy, "big", (11 << 20) + 3, "big/again", kMaybeTriedBefore), 8);
  EXPECT_EQ(proxy.Count("GET", "uploads"), 1);
  EXPECT_EQ(proxy.Count("HEAD", "/big/again"), 2);
}

TEST_F(UploadRequests, OnNativeSwiftASmallObjectIsOnePutOrAHeadAndAPut) {
  CSM_REQUIRE_SWIFT(url);
  FaultProxy proxy(url);
  const std::string container = UniqueName("csm-requests");
  CreateContainer(url, container);  // account test; a missing one costs a 404 and its creation
  store::SwiftConfig config = SwiftNativeConfig(proxy.url(), "test");
  config.http = FastRetries();
  config.slo_threshold = 1 << 20;
  config.segment_size = 1 << 20;
  auto swift = store::SwiftStore::Create(config);
  ASSERT_TRUE(swift.ok()) << swift.status().message();

  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(
        Upload(**swift, proxy, "first" + n, 1000 + i, container + "/first" + n, kFirstAttempt), 1);
  }
  EXPECT_EQ(proxy.Count("PUT", "/first"), 3);
  EXPECT_EQ(proxy.Count("HEAD"), 0) << "verified by the PUT's answer";
  EXPECT_EQ(proxy.Count("GET", "_segments"), 0) << "no segments are looked for";
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(
        Upload(**swift, proxy, "again" + n, 1000 + i, container + "/again" + n, kMaybeTriedBefore),
        2);
  }
  EXPECT_EQ(proxy.Count("HEAD", "/again"), 3);
  EXPECT_EQ(proxy.Count("GET", "_segments"), 0);

  // Above the threshold (3 segments): the interrupted upload's segments are looked for (a HEAD
  // of the object and a listing of the segments) only when an earlier attempt may exist.
  const std::string segments_listing = container + "_segments?";
  Upload(**swift, proxy, "big", (5 << 20) / 2, container + "/big-first", kFirstAttempt);
  EXPECT_EQ(proxy.Count("GET", segments_listing), 1) << "Put's own removal of older segments";
  EXPECT_EQ(proxy.Count("HEAD", "/big-first"), 1) << "only the HEAD after the manifest";
  Upload(**swift, proxy, "big", (5 << 20) / 2, container + "/big-again", kMaybeTriedBefore);
  EXPECT_EQ(proxy.Count("GET", segments_listing), 3);
  EXPECT_EQ(proxy.Count("HEAD", "/big-again"), 3) << "Discard's, the one before, the one after";
}

TEST_F(UploadRequests, ASmallObjectOverAnSloOnSwiftLeavesNoSegments) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url, "test");
  config.slo_threshold = 1 << 20;
  config.segment_size = 1 << 20;
  auto swift = store::SwiftStore::Create(config);
  ASSERT_TRUE(swift.ok()) << swift.status().message();
  const std::string container = UniqueName("csm-over");
  const std::string key = container + "/v.vhd";
  WriteFile(dir_.File("big"), PatternBytes((5 << 20) / 2));
  ASSERT_TRUE((*swift)->Put(key, dir_.File("big")).ok());
  auto segments = ListAll(**swift, container + "_segments/");
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 3u);

  WriteFile(dir_.File("small"), "small");
  auto put = push::UploadVerified(**swift, dir_.File("small"), 5, key, kMaybeTriedBefore);
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_FALSE(put->adopted);
  segments = ListAll(**swift, container + "_segments/");
  ASSERT_TRUE(segments.ok());
  EXPECT_TRUE(segments->empty()) << "the overwritten SLO's segments were removed";
  auto content = ReadObject(**swift, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "small");
}

}  // namespace
}  // namespace csm::test
