// SwiftStore against the real Swift all-in-one's native API (TempAuth).
#include "store/swift_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

std::unique_ptr<store::SwiftStore> MakeStore(const store::SwiftConfig& config) {
  auto store = store::SwiftStore::Create(config);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(SwiftStore, PutHeadGetListDeleteRoundTrip) {
  CSM_REQUIRE_SWIFT(url);
  auto store = MakeStore(SwiftNativeConfig(url));
  const std::string container = UniqueName("csm-sw");  // created by the first Put
  const std::string key = container + "/dir/a b+c&d=e.qcow2";
  ScratchDir dir;
  WriteFile(dir.File("f"), "hello, object store");

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

  auto listed = ListAll(*store, container + "/");
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
  EXPECT_TRUE(store->Delete(key).ok()) << "deleting a missing object is not an error";
  EXPECT_EQ(ReadObject(*store, key).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->Head("no-slash").status().code(), ErrorCode::kInvalidArgument);
}

TEST(SwiftStore, ListsAcrossContainersWithMarkerPagingInKeyOrder) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.listing_limit = 2;  // every listing pages
  auto store = MakeStore(config);
  ScratchDir dir;
  WriteFile(dir.File("f"), "x");
  const std::vector<std::string> keys = {"T-1/a", "T-1/b", "T-1/c",     "T-2/a", "S-7/x",
                                         "S-7/y", "S-7/z", "T-1-old/z", "T-10/q"};
  for (const auto& key : keys) ASSERT_TRUE(store->Put(key, dir.File("f")).ok()) << key;

  auto templates = ListAll(*store, "T-");
  ASSERT_TRUE(templates.ok()) << templates.status().message();
  EXPECT_EQ(Keys(*templates),
            (std::vector<std::string>{"T-1-old/z", "T-1/a", "T-1/b", "T-1/c", "T-10/q", "T-2/a"}));
  auto t1 = ListAll(*store, "T-1");
  ASSERT_TRUE(t1.ok()) << t1.status().message();
  EXPECT_EQ(Keys(*t1),
            (std::vector<std::string>{"T-1-old/z", "T-1/a", "T-1/b", "T-1/c", "T-10/q"}));
  auto t1_only = ListAll(*store, "T-1/");
  ASSERT_TRUE(t1_only.ok()) << t1_only.status().message();
  EXPECT_EQ(Keys(*t1_only), (std::vector<std::string>{"T-1/a", "T-1/b", "T-1/c"}));
  auto snapshots = ListAll(*store, "S-7/y");
  ASSERT_TRUE(snapshots.ok()) << snapshots.status().message();
  EXPECT_EQ(Keys(*snapshots), (std::vector<std::string>{"S-7/y"}));
  auto none = ListAll(*store, "T-404/");
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->empty());

  auto whole_account = MakeStore(SwiftNativeConfig(url));  // other tests' containers too
  auto everything = ListAll(*whole_account, "");
  ASSERT_TRUE(everything.ok()) << everything.status().message();
  const std::vector<std::string> all = Keys(*everything);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  for (const auto& key : keys) {
    EXPECT_TRUE(std::binary_search(all.begin(), all.end(), key)) << key;
  }
}

TEST(SwiftStore, ListsThousandsOfObjectsPageByPage) {
  CSM_REQUIRE_SWIFT(url);
  PopulateContainer(url, "csm-list-2500", 2500);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.listing_limit = 1000;
  auto store = MakeStore(config);
  for (const std::string prefix : {"csm-list-2500/", "csm-list-250"}) {
    auto listed = ListAll(*store, prefix);
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    const std::vector<std::string> keys = Keys(*listed);
    ASSERT_EQ(keys.size(), 2500u) << prefix;
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    EXPECT_EQ(keys.front(), "csm-list-2500/obj-00000");
    EXPECT_EQ(keys.back(), "csm-list-2500/obj-02499");
  }
}

TEST(SwiftStore, LargeFileBecomesAStaticLargeObject) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.slo_threshold = 5 << 20;
  config.segment_size = 5 << 20;
  auto store = MakeStore(config);
  const std::string container = UniqueName("csm-slo");
  const std::string key = container + "/big.vhd";
  ScratchDir dir;
  const std::string bytes = PatternBytes(6 << 20);
  WriteFile(dir.File("big"), bytes);

  auto put = store->Put(key, dir.File("big"));
  ASSERT_TRUE(put.ok()) << put.status().message();
  EXPECT_EQ(put->size, 6 << 20);
  auto segments = ListAll(*store, container + "_segments/");
  ASSERT_TRUE(segments.ok()) << segments.status().message();
  ASSERT_EQ(segments->size(), 2u);
  EXPECT_EQ((*segments)[0].size, 5 << 20);
  EXPECT_EQ((*segments)[1].size, 1 << 20);

  auto listed = ListAll(*store, container + "/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 6 << 20);
  EXPECT_EQ((*listed)[0].etag, put->etag);
  EXPECT_EQ((*listed)[0].last_modified, put->last_modified);
  auto content = ReadObject(*store, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_TRUE(*content == bytes);

  ASSERT_TRUE(store->Delete(key).ok());
  auto left = ListAll(*store, container);
  ASSERT_TRUE(left.ok()) << left.status().message();
  EXPECT_TRUE(left->empty()) << "the manifest and its segments are gone";
}

TEST(SwiftStore, WrongKeyIsAClearInvalidArgumentWithoutTheKey) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.credentials.key = "not-the-key-5a4b3c";
  auto store = MakeStore(config);
  Status listed = store->List("", [](const store::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(listed.message(), "Swift auth at " + url +
                                  "/auth/v1.0 rejected user test:tester (HTTP 401): check "
                                  "account/username/key");
  EXPECT_EQ(listed.message().find("not-the-key"), std::string::npos);
}

TEST(SwiftStore, UploadEtagIsTheEtagSwiftReportsAfterPut) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.slo_threshold = 1 << 20;
  config.segment_size = 1 << 20;
  auto store = MakeStore(config);
  const std::string container = UniqueName("csm-etag");
  ScratchDir dir;
  WriteFile(dir.File("small"), PatternBytes(1000));
  WriteFile(dir.File("threshold"), PatternBytes(1 << 20));  // still one PUT
  WriteFile(dir.File("big"), PatternBytes((5 << 20) / 2));  // segments of 1, 1 and 0.5 MiB

  for (const std::string name : {"small", "threshold", "big"}) {
    const std::string key = container + "/" + name;
    auto etag = store->UploadEtag(dir.File(name));
    ASSERT_TRUE(etag.ok()) << etag.status().message();
    auto put = store->Put(key, dir.File(name));
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(*etag, put->etag) << name;
    auto listed = ListAll(*store, key);
    ASSERT_TRUE(listed.ok()) << listed.status().message();
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].etag, *etag) << name;
  }
  auto segments = ListAll(*store, container + "_segments/");
  ASSERT_TRUE(segments.ok()) << segments.status().message();
  EXPECT_EQ(segments->size(), 3u) << "only the big file is an SLO";
  EXPECT_EQ(store->UploadEtag(dir.File("missing")).status().code(), ErrorCode::kNotFound);
}

// The names of the objects in `container`, without the container.
std::vector<std::string> Names(store::ObjectStore& store, const std::string& container) {
  auto listed = ListAll(store, container + "/");
  EXPECT_TRUE(listed.ok()) << listed.status().message();
  std::vector<std::string> names;
  if (listed.ok()) {
    for (const auto& object : *listed) names.push_back(object.key.substr(container.size() + 1));
  }
  return names;
}

TEST(SwiftStore, DiscardRemovesAnInterruptedUploadsSegmentsButNotTheLiveOnes) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.slo_threshold = 1 << 20;
  config.segment_size = 1 << 20;
  auto store = MakeStore(config);
  const std::string container = UniqueName("csm-discard");
  const std::string segments = container + "_segments";
  const std::string object = "dir/a b+c&d=e.vhd";
  const std::string key = container + "/" + object;
  ScratchDir dir;
  const std::string bytes = PatternBytes((5 << 20) / 2);
  WriteFile(dir.File("big"), bytes);
  WriteFile(dir.File("segment"), PatternBytes(1 << 20));
  auto put = store->Put(key, dir.File("big"));
  ASSERT_TRUE(put.ok()) << put.status().message();
  const std::vector<std::string> live = Names(*store, segments);
  ASSERT_EQ(live.size(), 3u);

  // What killed uploads leave: segments named as Put names them, without a manifest; and
  // objects Discard must not take for such segments.
  const std::string interrupted = object + "/slo/1764067698.947690/2621440/1048576/";
  const std::vector<std::string> stale = {interrupted + "00000000", interrupted + "00000001",
                                          object + "/slo/1764067699.000001/9/1048576/00000000"};
  const std::vector<std::string> kept = {
      "dir/a b+c&d=e/slo/1764067698.947690/2621440/1048576/00000000",  // another object
      "dir/a b+c&d=e.vhd.old/slo/1764067698.947690/2621440/1048576/00000000",
      object + "/slo/notes.txt", object + "/slo/1764067698.947690/2621440/1048576/x",
      object + "/slo/1764067698/2621440/1048576/00000000"};
  for (const auto& name : stale)
    ASSERT_TRUE(store->Put(segments + "/" + name, dir.File("segment")).ok());
  for (const auto& name : kept)
    ASSERT_TRUE(store->Put(segments + "/" + name, dir.File("segment")).ok());

  Status discarded = store->DiscardInterruptedUploads(key);
  ASSERT_TRUE(discarded.ok()) << discarded.message();
  std::vector<std::string> expected = live;
  expected.insert(expected.end(), kept.begin(), kept.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Names(*store, segments), expected);
  auto content = ReadObject(*store, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_TRUE(*content == bytes);
  auto head = store->Head(key);
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->etag, put->etag);

  // Without an object at the key, every segment of its uploads is stale.
  ASSERT_TRUE(store->DiscardInterruptedUploads(container + "/dir/a b+c&d=e").ok());
  EXPECT_EQ(Names(*store, segments).size(), expected.size() - 1);
  EXPECT_TRUE(store->DiscardInterruptedUploads(UniqueName("csm-none") + "/x").ok())
      << "no segments container: nothing to do";
}

TEST(SwiftStore, OverwritingAnSloRemovesItsOldSegmentsOrLeavesThemToDiscard) {
  CSM_REQUIRE_SWIFT(url);
  store::SwiftConfig config = SwiftNativeConfig(url);
  config.slo_threshold = 1 << 20;
  config.segment_size = 1 << 20;
  auto store = MakeStore(config);
  const std::string container = UniqueName("csm-over");
  const std::string key = container + "/v.vhd";
  ScratchDir dir;
  WriteFile(dir.File("three"), PatternBytes((5 << 20) / 2));
  const std::string two = PatternBytes((3 << 20) / 2);
  WriteFile(dir.File("two"), two);
  WriteFile(dir.File("small"), "small");

  ASSERT_TRUE(store->Put(key, dir.File("three")).ok());
  const std::vector<std::string> first = Names(*store, container + "_segments");
  ASSERT_EQ(first.size(), 3u);
  auto put = store->Put(key, dir.File("two"));
  ASSERT_TRUE(put.ok()) << put.status().message();
  const std::vector<std::string> second = Names(*store, container + "_segments");
  ASSERT_EQ(second.size(), 2u);
  for (const auto& name : second) {
    EXPECT_EQ(std::count(first.begin(), first.end(), name), 0) << "a new upload, new names";
  }
  auto content = ReadObject(*store, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_TRUE(*content == two);

  // A single PUT does not look for segments (a listing per object): the caller that may
  // overwrite an SLO discards them after.
  ASSERT_TRUE(store->Put(key, dir.File("small")).ok());
  EXPECT_EQ(Names(*store, container + "_segments").size(), 2u);
  ASSERT_TRUE(store->DiscardInterruptedUploads(key).ok());
  EXPECT_TRUE(Names(*store, container + "_segments").empty());
  content = ReadObject(*store, key);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "small");
}

}  // namespace
}  // namespace csm::test
