// Local ETag computation: whole-file and per-part MD5s read in one streaming pass, and the S3
// multipart and Swift SLO ETag formulas (expected values from Python's hashlib).
#include "store/etag.h"

#include <gtest/gtest.h>

#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

// 2.5 MiB of the bytes 0, 1, ..., 250, 0, 1, ...
std::string Cyclic() {
  std::string bytes(static_cast<size_t>(5 * kMiB / 2), '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i % 251);
  return bytes;
}

const std::vector<std::string> kCyclicMiBParts = {"8f293a2f6c19b345152f7a49bb4c643c",
                                                  "b66f7bda0d9b13d834b1b87ede0a33bb",
                                                  "d753f03ae9ab80f0aa595b781db2904b"};

TEST(Etag, WholeFileMd5IsStreamedOverBlocks) {
  ScratchDir dir;
  WriteFile(dir.File("f"), Cyclic());
  WriteFile(dir.File("empty"), "");
  auto md5 = store::FileMd5Hex(dir.File("f"));
  ASSERT_TRUE(md5.ok()) << md5.status().message();
  EXPECT_EQ(*md5, "3777773793cc4ccade1c3c12b410705c");
  EXPECT_EQ(*md5, store::Md5Hex(Cyclic()));
  auto empty = store::FileMd5Hex(dir.File("empty"));
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(*empty, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(store::FileMd5Hex(dir.File("missing")).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store::FileMd5Hex(dir.path()).status().code(), ErrorCode::kIo);
}

TEST(Etag, PartMd5sSplitAtExactlyThePartSize) {
  ScratchDir dir;
  const std::string bytes = Cyclic();
  WriteFile(dir.File("f"), bytes);
  auto parts = store::FilePartMd5Hex(dir.File("f"), kMiB);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_EQ(*parts, kCyclicMiBParts);

  // Parts that are not a multiple of the read block, and a file that is a multiple of the part.
  const int64_t odd = 3 * kMiB / 4 + 3;
  parts = store::FilePartMd5Hex(dir.File("f"), odd);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 4u);
  for (size_t i = 0; i < parts->size(); ++i) {
    EXPECT_EQ((*parts)[i], store::Md5Hex(std::string_view(bytes).substr(i * odd, odd))) << i;
  }
  parts = store::FilePartMd5Hex(dir.File("f"), 5 * kMiB / 4);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_EQ(parts->size(), 2u);

  WriteFile(dir.File("empty"), "");
  parts = store::FilePartMd5Hex(dir.File("empty"), kMiB);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_TRUE(parts->empty());
  EXPECT_EQ(store::FilePartMd5Hex(dir.File("missing"), kMiB).status().code(), ErrorCode::kNotFound);
}

TEST(Etag, MultipartAndSloFormulas) {
  EXPECT_EQ(store::S3MultipartEtag(kCyclicMiBParts), "fca8c657255164d6f09b181e3c129b33-3");
  EXPECT_EQ(store::SwiftSloEtag(kCyclicMiBParts), "ffa5bdf0deadcd970cbdce7c81a3a731");
  EXPECT_EQ(store::S3MultipartEtag({"D41D8CD98F00B204E9800998ECF8427E"}),
            store::S3MultipartEtag({"d41d8cd98f00b204e9800998ecf8427e"}));
}

}  // namespace
}  // namespace csm::test
