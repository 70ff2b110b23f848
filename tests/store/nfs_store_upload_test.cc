// NfsStore's answers to the upload helpers: it is never uploaded to.
#include <gtest/gtest.h>

#include "store/nfs_store.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

TEST(NfsStoreUploads, UploadEtagIsRefusedAndThereIsNothingToDiscard) {
  ScratchDir dir;
  WriteFile(dir.File("f"), "bytes");
  auto store = store::NfsStore::Create(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto etag = (*store)->UploadEtag(dir.File("f"));
  ASSERT_FALSE(etag.ok());
  EXPECT_EQ(etag.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(etag.status().message().find("never writes to a staging NFS export"), std::string::npos)
      << etag.status().message();
  EXPECT_TRUE((*store)->DiscardInterruptedUploads("f").ok());
  auto head = (*store)->Head("f");
  ASSERT_TRUE(head.ok() && head->has_value()) << "the file is untouched";
  EXPECT_EQ((*head)->size, 5);
}

}  // namespace
}  // namespace csm::test
