#include "store/transfer_abort.h"

#include <gtest/gtest.h>

#include <memory>

namespace csm::store {
namespace {

using Clock = TransferAbort::Clock;

TEST(TransferAbort, AbortKeepsItsFirstReason) {
  TransferAbort abort;
  EXPECT_FALSE(abort.aborted());
  EXPECT_EQ(abort.reason(), "");
  abort.Abort("a second signal");
  abort.Abort("another");
  EXPECT_TRUE(abort.aborted());
  EXPECT_EQ(abort.reason(), "a second signal");
}

TEST(TransferAbort, ADeadlineAbortsOnceItHasPassedUnlessMovedOn) {
  TransferAbort abort;
  abort.SetDeadline(Clock::now() + std::chrono::hours(1), "lease expired");
  EXPECT_FALSE(abort.aborted());
  EXPECT_EQ(abort.reason(), "");
  abort.SetDeadline(Clock::now() - std::chrono::seconds(1), "lease expired");
  EXPECT_TRUE(abort.aborted());
  EXPECT_EQ(abort.reason(), "lease expired");
  abort.SetDeadline(Clock::now() + std::chrono::hours(1), "lease expired");
  EXPECT_FALSE(abort.aborted()) << "renewed";
}

TEST(TransferAbort, AChildFollowsItsParentButNotTheOtherWay) {
  auto parent = std::make_shared<TransferAbort>();
  TransferAbort child(parent);
  TransferAbort sibling(parent);
  child.Abort("lease lost");
  EXPECT_TRUE(child.aborted());
  EXPECT_FALSE(parent->aborted());
  EXPECT_FALSE(sibling.aborted());
  parent->Abort("a second signal");
  EXPECT_TRUE(sibling.aborted());
  EXPECT_EQ(sibling.reason(), "a second signal");
  EXPECT_EQ(child.reason(), "lease lost") << "its own reason comes first";
}

}  // namespace
}  // namespace csm::store
