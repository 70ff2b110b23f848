#include "store/nfs_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace csm::store {
namespace {

namespace fs = std::filesystem;

// 2026-11-25T10:34:58Z.
constexpr time_t kKnownMtime = 1795602898;

void WriteFile(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

void Symlink(const std::string& target, const std::string& link) {
  fs::create_directories(fs::path(link).parent_path());
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0) << link;
}

// An NFS export in CloudStack's layout (cloudstack.md §4) under a scratch directory, with names
// that exercise byte order ('-' and '.' sort before '/', '0' after it, UTF-8 after ASCII), a
// symlink to a file inside the export, and entries List must skip: symlinks escaping the export,
// a symlink to a directory, a dangling symlink and a fifo.
class NfsStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = scratch_.File("export");
    fs::create_directories(root_);
    const std::map<std::string, std::string> files = {
        {"template/tmpl/2/201/abc.qcow2", std::string(1000, 'q')},
        {"template/tmpl/2/201/template.properties", "filename=abc.qcow2\n"},
        {"template/tmpl/2/201/a-c", "dash"},
        {"template/tmpl/2/201/a/b", "slash"},
        {"template/tmpl/2/201/a.txt", "dot"},
        {"template/tmpl/2/201/a0", "zero"},
        {"template/tmpl/2/201-c/file", "dash dir"},
        {"template/tmpl/2/201.bak", "dot file"},
        {"template/tmpl/2/2010/x", "2010"},
        {"template/tmpl/2/Z", "upper"},
        {"volumes/3/7/vol.qcow2", std::string(12345, 'v')},
        {"volumes/3/7/volume.properties", "uniquename=v\n"},
        {"snapshots/3/7/snap1", ""},
        {"snapshots/3/7/zeta", "z"},
        {"snapshots/3/7/\xc3\xa9tat", "utf8"},
        {".hidden", "h"},
    };
    for (const auto& [key, bytes] : files) {
      WriteFile(root_ + "/" + key, bytes);
      sizes_[key] = static_cast<int64_t>(bytes.size());
    }
    // Inside the export: listed under the link's own path with the target's size.
    Symlink("abc.qcow2", root_ + "/template/tmpl/2/201/link.qcow2");
    sizes_["template/tmpl/2/201/link.qcow2"] = 1000;
    // Skipped, each counted once per listing.
    WriteFile(scratch_.File("outside.txt"), "secret");
    Symlink(scratch_.File("outside.txt"), root_ + "/template/tmpl/2/201/escape-absolute");
    Symlink("../../../../../outside.txt", root_ + "/template/tmpl/2/201/escape-relative");
    Symlink("../..", root_ + "/template/tmpl/2/loop");
    Symlink("missing", root_ + "/volumes/3/7/dangling");
    ASSERT_EQ(mkfifo((root_ + "/volumes/3/7/pipe").c_str(), 0600), 0);
    skipped_ = 5;

    for (const auto& [key, size] : sizes_) keys_.push_back(key);
    std::sort(keys_.begin(), keys_.end());
    auto store = NfsStore::Create(root_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
  }

  // The keys List gives for `prefix`; fails the test when it fails.
  std::vector<std::string> ListKeys(const std::string& prefix) {
    std::vector<std::string> keys;
    const Status status = store_->List(prefix, [&](const ObjectInfo& info) {
      keys.push_back(info.key);
      return true;
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return keys;
  }

  std::vector<std::string> KeysWithPrefix(const std::string& prefix) const {
    std::vector<std::string> keys;
    for (const std::string& key : keys_) {
      if (key.starts_with(prefix)) keys.push_back(key);
    }
    return keys;
  }

  test::ScratchDir scratch_;
  std::string root_;
  std::map<std::string, int64_t> sizes_;
  std::vector<std::string> keys_;  // every key List must give, sorted bytewise
  int64_t skipped_ = 0;
  std::unique_ptr<NfsStore> store_;
};

TEST_F(NfsStoreTest, ListsEveryKeyInByteOrder) {
  EXPECT_EQ(ListKeys(""), keys_);
  // The order S3 uses, spelled out where a naive directory walk goes wrong.
  const std::vector<std::string> keys = ListKeys("template/tmpl/2/");
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "template/tmpl/2/201-c/file",
                      "template/tmpl/2/201.bak",
                      "template/tmpl/2/201/a-c",
                      "template/tmpl/2/201/a.txt",
                      "template/tmpl/2/201/a/b",
                      "template/tmpl/2/201/a0",
                      "template/tmpl/2/201/abc.qcow2",
                      "template/tmpl/2/201/link.qcow2",
                      "template/tmpl/2/201/template.properties",
                      "template/tmpl/2/2010/x",
                      "template/tmpl/2/Z",
                  }));
  EXPECT_EQ(ListKeys("snapshots/"),
            (std::vector<std::string>{"snapshots/3/7/snap1", "snapshots/3/7/zeta",
                                      "snapshots/3/7/\xc3\xa9tat"}));
}

TEST_F(NfsStoreTest, SkipsAndCountsSymlinksAndSpecialFiles) {
  ListKeys("");
  EXPECT_EQ(store_->skipped_symlinks(), skipped_);
  // Counted per listing that reaches them; a listing that does not reach them counts nothing.
  ListKeys("volumes/");
  EXPECT_EQ(store_->skipped_symlinks(), skipped_ + 2);
  ListKeys("snapshots/");
  EXPECT_EQ(store_->skipped_symlinks(), skipped_ + 2);
}

TEST_F(NfsStoreTest, DoesNotDescendSymlinkedDirectories) {
  for (const std::string& key : ListKeys("")) EXPECT_EQ(key.find("loop"), std::string::npos);
  EXPECT_TRUE(ListKeys("template/tmpl/2/loop/").empty());
  const auto head = store_->Head("template/tmpl/2/loop/tmpl/2/Z");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_FALSE(head->has_value());
}

TEST_F(NfsStoreTest, ListsOnlyKeysWithThePrefix) {
  for (const std::string prefix :
       {"", "t", "template/", "template/tmpl/2/201", "template/tmpl/2/201/",
        "template/tmpl/2/201/a", "template/tmpl/2/201/abc.qcow2", "template/tmpl/2/201/abc.qcow2/",
        "volumes/3/7/vol", "snapshots/3/7/\xc3", "nothing", "/template"}) {
    EXPECT_EQ(ListKeys(prefix), KeysWithPrefix(prefix)) << "prefix " << prefix;
  }
  EXPECT_EQ(ListKeys("template/tmpl/2/201").size(), 10u);
}

TEST_F(NfsStoreTest, DescendsOnlyIntoDirectoriesThatCanHoldThePrefix) {
  // Were volumes/ walked, its removal during the listing would fail it.
  std::vector<std::string> keys;
  const Status status = store_->List("template/", [&](const ObjectInfo& info) {
    if (keys.empty()) fs::remove_all(root_ + "/volumes");
    keys.push_back(info.key);
    return true;
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(keys, KeysWithPrefix("template/"));
}

TEST_F(NfsStoreTest, StopsWhenTheCallbackSaysSo) {
  for (const size_t wanted : {size_t{1}, size_t{3}, size_t{4}, keys_.size() - 1}) {
    std::vector<std::string> keys;
    const Status status = store_->List("", [&](const ObjectInfo& info) {
      keys.push_back(info.key);
      return keys.size() < wanted;
    });
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(keys, std::vector<std::string>(keys_.begin(), keys_.begin() + wanted));
  }
}

TEST_F(NfsStoreTest, ReportsSizesAndUtcModificationTimes) {
  const std::string dated = root_ + "/volumes/3/7/vol.qcow2";
  const timespec times[2] = {{kKnownMtime, 0}, {kKnownMtime, 500000000}};
  ASSERT_EQ(utimensat(AT_FDCWD, dated.c_str(), times, 0), 0);
  std::map<std::string, int64_t> sizes;
  const Status status = store_->List("", [&](const ObjectInfo& info) {
    sizes[info.key] = info.size;
    EXPECT_EQ(info.etag, "");
    EXPECT_EQ(info.last_modified.size(), 20u) << info.last_modified;
    EXPECT_TRUE(info.last_modified.ends_with("Z")) << info.last_modified;
    if (info.key == "volumes/3/7/vol.qcow2") {
      EXPECT_EQ(info.last_modified, "2026-11-25T10:34:58Z");
    }
    return true;
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(sizes, sizes_);
}

TEST_F(NfsStoreTest, ADirectoryVanishingMidWalkFailsTheListing) {
  std::vector<std::string> keys;
  const Status status = store_->List("", [&](const ObjectInfo& info) {
    if (keys.empty()) fs::remove_all(root_ + "/volumes");
    keys.push_back(info.key);
    return true;
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kIo);
  EXPECT_NE(status.message().find(fs::canonical(root_).string() + "/volumes"), std::string::npos)
      << status.message();
  for (const std::string& key : keys) EXPECT_FALSE(key.starts_with("volumes/")) << key;
}

TEST_F(NfsStoreTest, HeadGivesWhatTheListingGives) {
  std::map<std::string, ObjectInfo> listed;
  ASSERT_TRUE(store_
                  ->List("",
                         [&](const ObjectInfo& info) {
                           listed[info.key] = info;
                           return true;
                         })
                  .ok());
  for (const auto& [key, info] : listed) {
    const auto head = store_->Head(key);
    ASSERT_TRUE(head.ok()) << head.status().message();
    ASSERT_TRUE(head->has_value()) << key;
    EXPECT_EQ((*head)->key, key);
    EXPECT_EQ((*head)->size, info.size) << key;
    EXPECT_EQ((*head)->last_modified, info.last_modified) << key;
  }
  EXPECT_EQ(listed.at("template/tmpl/2/201/link.qcow2").size, 1000);
  for (const std::string absent :
       {"template/tmpl/2/201/nope", "nope/deeper", "template", "template/tmpl/2/201",
        "volumes/3/7/pipe", "volumes/3/7/dangling", "template/tmpl/2/201/abc.qcow2/x"}) {
    const auto head = store_->Head(absent);
    ASSERT_TRUE(head.ok()) << absent << ": " << head.status().message();
    EXPECT_FALSE(head->has_value()) << absent;
  }
}

TEST_F(NfsStoreTest, RefusesKeysOutsideTheExport) {
  for (const std::string bad :
       {"", "/etc/passwd", "../outside.txt", "template/../../outside.txt", "template/..",
        "./template/tmpl/2/Z", "template//tmpl/2/Z", "template/tmpl/2/Z/",
        "template/tmpl/2/201/escape-absolute", "template/tmpl/2/201/escape-relative"}) {
    const auto head = store_->Head(bad);
    ASSERT_FALSE(head.ok()) << bad;
    EXPECT_EQ(head.status().code(), ErrorCode::kInvalidArgument) << bad;
    const auto path = store_->PathOf(bad);
    ASSERT_FALSE(path.ok()) << bad;
    EXPECT_EQ(path.status().code(), ErrorCode::kInvalidArgument) << bad;
    const Status get = store_->Get(bad, [](std::string_view) { return Status::Ok(); });
    ASSERT_FALSE(get.ok()) << bad;
    EXPECT_EQ(get.code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST_F(NfsStoreTest, PathOfJoinsTheCanonicalRoot) {
  const std::string canonical = fs::canonical(root_).string();
  EXPECT_EQ(store_->Describe(), "nfs export at " + canonical);
  for (const std::string key : {"template/tmpl/2/201/template.properties", "not/there/yet"}) {
    const auto path = store_->PathOf(key);
    ASSERT_TRUE(path.ok()) << path.status().message();
    EXPECT_EQ(*path, canonical + "/" + key);
  }
}

TEST_F(NfsStoreTest, GetStreamsInChunksOfAtMostOneMebibyte) {
  std::string bytes(size_t{5} << 19, '\0');  // 2.5 MiB
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131 + i / 7) % 251);
  WriteFile(root_ + "/volumes/3/8/big.raw", bytes);
  std::string got;
  int chunks = 0;
  const Status status = store_->Get("volumes/3/8/big.raw", [&](std::string_view chunk) {
    EXPECT_LE(chunk.size(), size_t{1} << 20);
    got.append(chunk);
    ++chunks;
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_GE(chunks, 3);
  EXPECT_TRUE(got == bytes) << "got " << got.size() << " bytes of " << bytes.size();
}

TEST_F(NfsStoreTest, GetStopsAtASinkErrorAndReportsMissingObjects) {
  int calls = 0;
  const Status stopped =
      store_->Get("volumes/3/7/vol.qcow2", [&](std::string_view chunk) -> Status {
        ++calls;
        EXPECT_EQ(chunk, std::string(12345, 'v'));
        return Status(ErrorCode::kIo, "sink full");
      });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.message(), "sink full");
  EXPECT_EQ(calls, 1);
  std::string link;
  ASSERT_TRUE(store_
                  ->Get("template/tmpl/2/201/link.qcow2",
                        [&](std::string_view chunk) {
                          link.append(chunk);
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(link, std::string(1000, 'q'));
  // A fifo is no object (and must not hang the read).
  for (const std::string missing : {"volumes/3/7/nope", "volumes/3/7/pipe", "volumes/3"}) {
    const Status status = store_->Get(missing, [](std::string_view) {
      ADD_FAILURE() << "no bytes expected";
      return Status::Ok();
    });
    ASSERT_FALSE(status.ok()) << missing;
    EXPECT_EQ(status.code(), ErrorCode::kNotFound) << missing;
  }
}

TEST_F(NfsStoreTest, PutAndDeleteAreRefused) {
  const auto put = store_->Put("template/tmpl/2/new", scratch_.File("outside.txt"));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(put.status().message().find("never writes to a staging NFS export"), std::string::npos)
      << put.status().message();
  EXPECT_FALSE(fs::exists(root_ + "/template/tmpl/2/new"));
  const Status deleted = store_->Delete("template/tmpl/2/Z");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(deleted.message().find("never writes to a staging NFS export"), std::string::npos)
      << deleted.message();
  EXPECT_TRUE(fs::exists(root_ + "/template/tmpl/2/Z"));
}

TEST(NfsStoreCreate, NeedsAnExistingDirectoryAndCanonicalisesIt) {
  test::ScratchDir scratch;
  WriteFile(scratch.File("file"), "x");
  for (const std::string& bad : {scratch.File("missing"), scratch.File("file"), std::string()}) {
    const auto store = NfsStore::Create(bad);
    ASSERT_FALSE(store.ok()) << bad;
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(store.status().message().find("\"" + bad + "\""), std::string::npos)
        << store.status().message();
  }
  fs::create_directories(scratch.File("real/dir"));
  Symlink("real", scratch.File("alias"));
  const auto store = NfsStore::Create(scratch.File("alias/./dir/"));
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->Describe(),
            "nfs export at " + fs::canonical(scratch.File("real/dir")).string());
}

}  // namespace
}  // namespace csm::store
