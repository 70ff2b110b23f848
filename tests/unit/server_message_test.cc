// What an object store says about a failed request is repeated in an error only when it cannot
// carry the request's credentials (store/server_message.h).
#include "store/server_message.h"

#include <gtest/gtest.h>

namespace csm {
namespace {

TEST(ServerMessage, APlainMessageIsKeptOnOneLineAndCut) {
  EXPECT_EQ(ShownServerMessage("The specified bucket does not exist"),
            "The specified bucket does not exist");
  EXPECT_EQ(ShownServerMessage("two\nlines\r"), "two lines ");
  EXPECT_EQ(ShownServerMessage(std::string(500, 'a')).size(), 200u);
}

TEST(ServerMessage, AMessageThatMayEchoCredentialsIsLeftOut) {
  for (const char* echoed :
       {"you sent: Authorization: AWS4-HMAC-SHA256 Credential=AK/x, Signature=1b11",
        "X-Auth-Token: AUTH_tk0123", "x-amz-date: 20261207T061932Z",
        "the access key AKIA... has no rights", "password rejected", "SECRET mismatch"}) {
    EXPECT_EQ(ShownServerMessage(echoed), "") << echoed;
  }
}

TEST(ServerMessage, AnErrorCodeIsShownOnlyWhenItIsAWord) {
  EXPECT_EQ(ShownErrorCode("NoSuchBucket"), "NoSuchBucket");
  EXPECT_EQ(ShownErrorCode("Slow.Down_2-x"), "Slow.Down_2-x");
  EXPECT_EQ(ShownErrorCode("Signature=abc"), "");
  EXPECT_EQ(ShownErrorCode("a b"), "");
  EXPECT_EQ(ShownErrorCode(std::string(65, 'a')), "");
  EXPECT_EQ(ShownErrorCode(""), "");
}

}  // namespace
}  // namespace csm
