// S3Store against the real Swift all-in-one's S3 API (strict SigV4, real multipart ETags).
#include "store/s3_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

std::unique_ptr<store::S3Store> MakeStore(const store::S3Config& config) {
  auto store = store::S3Store::Create(config);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(S3Store, PutHeadGetListDeleteRoundTrip) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-s3");
  CreateContainer(url, bucket);
  auto store = MakeStore(SwiftS3Config(url, bucket));
  ScratchDir dir;
  WriteFile(dir.File("f"), "hello, object store");
  const std::string key = "template/tmpl/2/201/a b+c&d=e.qcow2";

  auto put = store->Put(key, dir.File("f"));
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->key, key);
  EXPECT_EQ(put->size, 19);
  EXPECT_EQ(put->etag, "ee1db6aa9820372cbfba04a2813c4951");

  auto head = store->Head(key);
  ASSERT_TRUE(head.ok()) << head.status().message();
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->etag, put->etag);

  auto content = ReadObject(*store, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "hello, object store");

  auto listed = ListAll(*store, "template/tmpl/2/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, key);
  EXPECT_EQ((*listed)[0].size, 19);
  EXPECT_EQ((*listed)[0].etag, put->etag);
  EXPECT_EQ((*listed)[0].last_modified, (*head)->last_modified);

  ASSERT_TRUE(store->Delete(key).ok());
  auto gone = store->Head(key);
  ASSERT_TRUE(gone.ok()) << gone.status().message();
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(store->Delete(key).ok()) << "deleting a missing key is not an error";
  Status missing = ReadObject(*store, key).status();
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound) << missing.message();
}

TEST(S3Store, ListsThousandsOfKeysAcrossPagesInOrder) {
  CSM_REQUIRE_SWIFT(url);
  PopulateContainer(url, "csm-list-2500", 2500);
  auto store = MakeStore(SwiftS3Config(url, "csm-list-2500"));
  auto listed = ListAll(*store, "");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  const std::vector<std::string> keys = Keys(*listed);
  ASSERT_EQ(keys.size(), 2500u);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(keys.front(), "obj-00000");
  EXPECT_EQ(keys.back(), "obj-02499");

  auto some = ListAll(*store, "obj-012");
  ASSERT_TRUE(some.ok()) << some.status().message();
  EXPECT_EQ(some->size(), 100u);

  int seen = 0;
  Status stopped = store->List("", [&](const store::ObjectInfo&) { return ++seen < 1500; });
  EXPECT_TRUE(stopped.ok()) << stopped.message();
  EXPECT_EQ(seen, 1500);
}

TEST(S3Store, LargeFileGoesUpInPartsWithAMultipartEtag) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-s3");
  CreateContainer(url, bucket);
  store::S3Config config = SwiftS3Config(url, bucket);
  config.multipart_threshold = 5 << 20;
  config.part_size = 5 << 20;
  auto store = MakeStore(config);
  ScratchDir dir;
  const std::string bytes = PatternBytes(6 << 20);
  WriteFile(dir.File("big"), bytes);

  auto put = store->Put("snapshots/2/7/big.vhd", dir.File("big"));
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->size, 6 << 20);
  EXPECT_TRUE(put->etag.ends_with("-2")) << put->etag;
  EXPECT_EQ(put->etag.size(), 34u) << put->etag;

  auto content = ReadObject(*store, "snapshots/2/7/big.vhd");
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_TRUE(*content == bytes);
  auto listed = ListAll(*store, "snapshots/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].etag, put->etag);
  EXPECT_TRUE(store->Delete("snapshots/2/7/big.vhd").ok());
}

TEST(S3Store, WrongSecretIsAClearInvalidArgumentWithoutTheSecret) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-s3");
  CreateContainer(url, bucket);
  store::S3Config config = SwiftS3Config(url, bucket);
  config.secret_key = "not-the-secret-9f8e7d";
  auto store = MakeStore(config);
  ScratchDir dir;
  WriteFile(dir.File("f"), "x");

  Status listed = store->List("", [](const store::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(listed.message(), "S3 rejected the credentials for bucket " + bucket + " at " + url +
                                  " (SignatureDoesNotMatch): check accesskey/secretkey");
  Status put = store->Put("k", dir.File("f")).status();
  EXPECT_EQ(put.code(), ErrorCode::kInvalidArgument) << put.message();
  for (const Status& s : {listed, put}) {
    EXPECT_EQ(s.message().find("not-the-secret"), std::string::npos) << s.message();
  }
}

TEST(S3Store, MissingBucketIsNotFound) {
  CSM_REQUIRE_SWIFT(url);
  auto store = MakeStore(SwiftS3Config(url, UniqueName("csm-none")));
  Status listed = store->List("", [](const store::ObjectInfo&) { return true; });
  EXPECT_EQ(listed.code(), ErrorCode::kNotFound) << listed.message();
}

}  // namespace
}  // namespace csm::test
