// The merge of claims and listings: every claim settles once (ok, missing, size_mismatch), every
// unclaimed object is an orphan unless it is CloudStack's metadata, snapshot install_paths find
// their suffixed files, and a listing error is an error, never a shorter list.
#include "reconcile/claim_merge.h"

#include <gtest/gtest.h>

#include <map>

#include "reconcile/listing_feed.h"

namespace csm::reconcile {
namespace {

// A listing given in full, that may fail after `fail_after` objects.
class VectorCursor : public ListingCursor {
 public:
  explicit VectorCursor(std::vector<store::ObjectInfo> objects, size_t fail_after = SIZE_MAX)
      : objects_(std::move(objects)), fail_after_(fail_after) {}
  Result<const store::ObjectInfo*> Current() override {
    if (position_ >= fail_after_) return Status(ErrorCode::kIo, "listing broke");
    if (position_ >= objects_.size()) return static_cast<const store::ObjectInfo*>(nullptr);
    return &objects_[position_];
  }
  void Advance() override { ++position_; }

 private:
  std::vector<store::ObjectInfo> objects_;
  size_t fail_after_;
  size_t position_ = 0;
};

store::ObjectInfo Object(const std::string& key, int64_t size) {
  store::ObjectInfo o;
  o.key = key;
  o.size = size;
  return o;
}

Claim ClaimOf(const std::string& table, int64_t id, const std::string& key,
              std::optional<int64_t> size) {
  Claim c;
  c.table = table;
  c.row_id = id;
  c.object_id = id * 10;
  c.key = key;
  c.physical_size = size;
  c.state = "Ready";
  return c;
}

// "kind table#row key" for each finding, in the order emitted.
struct MergeRun {
  std::vector<std::string> findings;
  std::vector<std::string> auxiliary;
  Status status;
};

MergeRun Merge(const std::string& provider, std::vector<store::ObjectInfo> listing,
               const std::vector<Claim>& claims, size_t fail_after = SIZE_MAX) {
  VectorCursor cursor(std::move(listing), fail_after);
  MergeRun run;
  ClaimMerge merge(
      7, provider, cursor,
      [&](const Finding& f) {
        EXPECT_EQ(f.store_id, 7);
        run.findings.push_back(std::string(KindName(f.kind)) + " " + f.table +
                               (f.row_id ? "#" + std::to_string(f.row_id) : "") + " " + f.key);
      },
      [&](const store::ObjectInfo& o) {
        run.auxiliary.push_back(o.key);
        return Status::Ok();
      });
  for (const auto& c : claims) {
    run.status = merge.Add(c);
    if (!run.status.ok()) return run;
  }
  run.status = merge.Finish();
  return run;
}

TEST(ClaimMerge, SettlesEveryClaimAndEveryObjectOnce) {
  const MergeRun run =
      Merge("NFS",
            {Object("snapshots/2/5/a", 10), Object("template/tmpl/2/9/t.qcow2", 99),
             Object("template/tmpl/2/9/template.properties", 3),
             Object("volumes/2/4/stray.qcow2", 1), Object("volumes/2/5/v.qcow2", 50)},
            {ClaimOf("snapshot_store_ref", 1, "snapshots/2/5/a", 10),
             ClaimOf("template_store_ref", 2, "template/tmpl/2/9/t.qcow2", 100),
             ClaimOf("template_store_ref", 3, "template/tmpl/2/9/u.qcow2", 5),
             ClaimOf("volume_store_ref", 4, "volumes/2/5/v.qcow2", std::nullopt)});
  ASSERT_TRUE(run.status.ok()) << run.status.message();
  EXPECT_EQ(run.findings, (std::vector<std::string>{
                              "ok snapshot_store_ref#1 snapshots/2/5/a",
                              "size_mismatch template_store_ref#2 template/tmpl/2/9/t.qcow2",
                              "missing template_store_ref#3 template/tmpl/2/9/u.qcow2",
                              "orphan  volumes/2/4/stray.qcow2",
                              "ok volume_store_ref#4 volumes/2/5/v.qcow2",
                          }));
  EXPECT_EQ(run.auxiliary, std::vector<std::string>{"template/tmpl/2/9/template.properties"});
}

TEST(ClaimMerge, DuplicateClaimsOfOneKeyAllMatchIt) {
  const MergeRun run = Merge("S3", {Object("template/a", 4)},
                             {ClaimOf("template_store_ref", 1, "template/a", 4),
                              ClaimOf("template_store_ref", 2, "template/a", 4)});
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.findings, (std::vector<std::string>{"ok template_store_ref#1 template/a",
                                                    "ok template_store_ref#2 template/a"}));
}

TEST(ClaimMerge, SnapshotPathsFindTheirSuffixedFilesAcrossInterleavedKeys) {
  // XenServer's install_path omits ".vhd"; "abc-2" sorts between "abc" and "abc.vhd".
  const MergeRun run = Merge("NFS",
                             {Object("snapshots/2/5/abc-2", 1), Object("snapshots/2/5/abc.vhd", 8),
                              Object("snapshots/2/5/def.qcow2", 3), Object("snapshots/2/5/zzz", 1)},
                             {ClaimOf("snapshot_store_ref", 1, "snapshots/2/5/abc", 8),
                              ClaimOf("snapshot_store_ref", 2, "snapshots/2/5/abc-2", 1),
                              ClaimOf("snapshot_store_ref", 3, "snapshots/2/5/def", 4),
                              ClaimOf("snapshot_store_ref", 4, "snapshots/2/5/ghi", 1)});
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.findings, (std::vector<std::string>{
                              "ok snapshot_store_ref#2 snapshots/2/5/abc-2",
                              "ok snapshot_store_ref#1 snapshots/2/5/abc.vhd",
                              "size_mismatch snapshot_store_ref#3 snapshots/2/5/def.qcow2",
                              "missing snapshot_store_ref#4 snapshots/2/5/ghi",
                              "orphan  snapshots/2/5/zzz",
                          }));
}

TEST(ClaimMerge, OnlySnapshotsAreProbedForSuffixes) {
  const MergeRun run = Merge("NFS", {Object("volumes/2/5/v.vhd", 1)},
                             {ClaimOf("volume_store_ref", 1, "volumes/2/5/v", 1)});
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.findings, (std::vector<std::string>{"missing volume_store_ref#1 volumes/2/5/v",
                                                    "orphan  volumes/2/5/v.vhd"}));
}

TEST(ClaimMerge, SwiftSegmentContainersAreMetadataNotOrphans) {
  const MergeRun run =
      Merge("Swift", {Object("T-9/t.qcow2", 5), Object("T-9_segments/t.qcow2/1", 3)},
            {ClaimOf("template_store_ref", 1, "T-9/t.qcow2", 5)});
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.findings, std::vector<std::string>{"ok template_store_ref#1 T-9/t.qcow2"});
  EXPECT_EQ(run.auxiliary, std::vector<std::string>{"T-9_segments/t.qcow2/1"});
}

TEST(ClaimMerge, AnEmptyListingMakesEveryClaimMissing) {
  const MergeRun run = Merge("S3", {},
                             {ClaimOf("snapshot_store_ref", 1, "snapshots/1", 1),
                              ClaimOf("volume_store_ref", 2, "volumes/1", 1)});
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.findings, (std::vector<std::string>{"missing snapshot_store_ref#1 snapshots/1",
                                                    "missing volume_store_ref#2 volumes/1"}));
}

TEST(ClaimMerge, AFailedListingIsAnErrorNotMissingObjects) {
  const MergeRun run =
      Merge("S3", {Object("a", 1), Object("b", 1), Object("c", 1)},
            {ClaimOf("volume_store_ref", 1, "a", 1), ClaimOf("volume_store_ref", 2, "c", 1)},
            /*fail_after=*/2);
  EXPECT_FALSE(run.status.ok());
  EXPECT_EQ(run.status.message(), "listing broke");
  for (const auto& f : run.findings) EXPECT_EQ(f.rfind("missing", 0), std::string::npos) << f;
}

// A store whose listing yields `count` keys and then fails, or succeeds.
class CountingStore : public store::ObjectStore {
 public:
  CountingStore(int count, bool fail) : count_(count), fail_(fail) {}
  std::string Describe() const override { return "counting store"; }
  Status List(const std::string& prefix,
              const std::function<bool(const store::ObjectInfo&)>& on_object) override {
    for (int i = 0; i < count_; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "%s%08d", prefix.c_str(), i);
      if (!on_object(Object(key, i))) return Status::Ok();
    }
    if (fail_) return Status(ErrorCode::kIo, "connection reset");
    return Status::Ok();
  }
  Result<std::optional<store::ObjectInfo>> Head(const std::string&) override {
    return Status(ErrorCode::kIo, "not used");
  }
  Status Get(const std::string&, const std::function<Status(std::string_view)>&) override {
    return Status(ErrorCode::kIo, "not used");
  }
  Result<store::ObjectInfo> Put(const std::string&, const std::string&) override {
    return Status(ErrorCode::kIo, "not used");
  }
  Status Delete(const std::string&) override { return Status(ErrorCode::kIo, "not used"); }
  Result<std::string> UploadEtag(const std::string&) override {
    return Status(ErrorCode::kIo, "not used");
  }
  bool UploadsInParts(int64_t) const override { return false; }
  Status DiscardInterruptedUploads(const std::string&) override {
    return Status(ErrorCode::kIo, "not used");
  }

 private:
  int count_;
  bool fail_;
};

TEST(ListingFeed, HandsOverEveryObjectOfEveryPrefixInOrder) {
  CountingStore store(3000, false);
  ListingFeed feed(store, {"a/", "b/"});
  std::string previous;
  int seen = 0;
  for (;;) {
    auto current = feed.Current();
    ASSERT_TRUE(current.ok());
    if (*current == nullptr) break;
    EXPECT_LT(previous, (*current)->key);
    previous = (*current)->key;
    ++seen;
    feed.Advance();
  }
  EXPECT_EQ(seen, 6000);
  EXPECT_EQ(feed.listed(), 6000);
}

TEST(ListingFeed, AFailureIsReportedInsteadOfTheEnd) {
  CountingStore store(1500, true);
  ListingFeed feed(store, {"a/"});
  int seen = 0;
  Status status;
  for (;;) {
    auto current = feed.Current();
    if (!current.ok()) {
      status = current.status();
      break;
    }
    ASSERT_NE(*current, nullptr) << "the listing ended although the store failed";
    ++seen;
    feed.Advance();
  }
  EXPECT_EQ(status.message(), "connection reset");
  EXPECT_LE(seen, 1500);
}

TEST(ListingFeed, StopsTheProducerWhenDroppedEarly) {
  CountingStore store(1000000, false);
  {
    ListingFeed feed(store, {"a/"});
    auto current = feed.Current();
    ASSERT_TRUE(current.ok());
    ASSERT_NE(*current, nullptr);
    // The queue is bounded: the producer cannot have run far ahead.
    EXPECT_LT(feed.listed(), 100000);
  }  // the destructor must stop and join the producer, not wait for a million objects
}

}  // namespace
}  // namespace csm::reconcile
