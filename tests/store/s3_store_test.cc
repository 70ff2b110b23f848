// S3Store against the real Swift all-in-one's S3 API (strict SigV4, real multipart ETags).
#include "store/s3_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/s3_xml.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

std::unique_ptr<store::S3Store> MakeStore(const store::S3Config& config) {
  auto store = store::S3Store::Create(config);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(*store) : nullptr;
}

// Starts a multipart upload of `key` in `bucket` and uploads its part 1, without completing it,
// as a process killed mid-upload leaves it; the upload id, or "" after a test failure.
std::string StartUnfinishedUpload(const std::string& url, const std::string& bucket,
                                  const std::string& key) {
  auto started = SendS3(url, bucket, "POST", key, {{"uploads", ""}});
  EXPECT_TRUE(started.ok() && started->status == 200) << key;
  if (!started.ok()) return "";
  auto id = store::ParseInitiateMultipartUpload(started->body);
  EXPECT_TRUE(id.ok()) << id.status().message();
  if (!id.ok()) return "";
  auto part =
      SendS3(url, bucket, "PUT", key, {{"partNumber", "1"}, {"uploadId", *id}}, PatternBytes(1000));
  EXPECT_TRUE(part.ok() && part->status == 200) << key;
  return *id;
}

// The unfinished multipart uploads in `bucket` as "key upload-id", in S3's order.
std::vector<std::string> Uploads(const std::string& url, const std::string& bucket) {
  auto listed = SendS3(url, bucket, "GET", "", {{"uploads", ""}});
  EXPECT_TRUE(listed.ok() && listed->status == 200);
  if (!listed.ok()) return {};
  auto page = store::ParseListMultipartUploads(listed->body);
  EXPECT_TRUE(page.ok() && !page->truncated) << page.status().message();
  std::vector<std::string> uploads;
  if (page.ok()) {
    for (const auto& upload : page->uploads) uploads.push_back(upload.key + " " + upload.upload_id);
  }
  return uploads;
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

TEST(S3Store, UploadEtagIsTheEtagS3ReportsAfterPut) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-s3");
  CreateContainer(url, bucket);
  store::S3Config config = SwiftS3Config(url, bucket);
  config.multipart_threshold = 5 << 20;
  config.part_size = 5 << 20;
  auto store = MakeStore(config);
  ScratchDir dir;
  WriteFile(dir.File("small"), PatternBytes(1000));
  WriteFile(dir.File("threshold"), PatternBytes(5 << 20));  // still one PUT
  WriteFile(dir.File("big"), PatternBytes(11 << 20));       // parts of 5, 5 and 1 MiB

  for (const std::string name : {"small", "threshold", "big"}) {
    auto etag = store->UploadEtag(dir.File(name));
    ASSERT_TRUE(etag.ok()) << etag.status().message();
    auto put = store->Put("t/" + name, dir.File(name));
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(*etag, put->etag) << name;
    auto listed = ListAll(*store, "t/" + name);
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].etag, *etag) << name;
    EXPECT_EQ(etag->ends_with("-3"), name == "big") << *etag;
  }
  EXPECT_EQ(store->UploadEtag(dir.File("missing")).status().code(), ErrorCode::kNotFound);
}

TEST(S3Store, DiscardAbortsTheUnfinishedUploadsOfExactlyThatKey) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-s3");
  CreateContainer(url, bucket);
  store::S3Config config = SwiftS3Config(url, bucket);
  config.listing_limit = 1;  // every listing of uploads pages
  auto store = MakeStore(config);
  const std::string key = "template/tmpl/2/201/a b+c.qcow2";
  const std::string longer = key + ".part";  // starts with `key`: listed under its prefix
  const std::string other = "template/tmpl/2/202/x.qcow2";
  ScratchDir dir;
  WriteFile(dir.File("f"), "completed");
  auto completed = store->Put(key, dir.File("f"));
  ASSERT_TRUE(completed.ok()) << completed.status().message();

  const std::string first = StartUnfinishedUpload(url, bucket, key);
  const std::string second = StartUnfinishedUpload(url, bucket, key);
  const std::string of_longer = StartUnfinishedUpload(url, bucket, longer);
  const std::string of_other = StartUnfinishedUpload(url, bucket, other);
  ASSERT_EQ(Uploads(url, bucket).size(), 4u);
  auto page = SendS3(url, bucket, "GET", "", {{"uploads", ""}, {"max-uploads", "1"}});
  ASSERT_TRUE(page.ok());
  auto parsed = store::ParseListMultipartUploads(page->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->truncated) << "the server honours max-uploads, so Discard pages";
  EXPECT_EQ(parsed->uploads.size(), 1u);

  Status discarded = store->DiscardInterruptedUploads(key);
  ASSERT_TRUE(discarded.ok()) << discarded.message();
  const std::vector<std::string> left = Uploads(url, bucket);
  EXPECT_EQ(left.size(), 2u);
  for (const std::string& gone : {first, second}) {
    EXPECT_EQ(std::count(left.begin(), left.end(), key + " " + gone), 0);
  }
  EXPECT_EQ(std::count(left.begin(), left.end(), longer + " " + of_longer), 1);
  EXPECT_EQ(std::count(left.begin(), left.end(), other + " " + of_other), 1);
  auto content = ReadObject(*store, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "completed");

  ASSERT_TRUE(store->DiscardInterruptedUploads(key).ok()) << "nothing left to discard";
  ASSERT_TRUE(store->DiscardInterruptedUploads(other).ok());
  EXPECT_EQ(Uploads(url, bucket), std::vector<std::string>{longer + " " + of_longer});
}

}  // namespace
}  // namespace csm::test
