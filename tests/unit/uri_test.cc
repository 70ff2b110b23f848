#include "common/uri.h"

#include <gtest/gtest.h>

namespace csm {
namespace {

TEST(Uri, EncodesAllButUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b/c+d=e&f", false), "a%20b%2Fc%2Bd%3De%26f");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xc3\xa9", false), "%C3%A9");
}

TEST(Uri, FormDecodeUndoesS3UrlEncoding) {
  EXPECT_EQ(FormDecode("a+b%2Bc%26d%C3%A9"), "a b+c&d\xc3\xa9");
  EXPECT_EQ(FormDecode("100%"), "100%");
  EXPECT_EQ(FormDecode("%zz"), "%zz");
}

}  // namespace
}  // namespace csm
