// common/text.h: ASCII case mapping that leaves UTF-8 alone, and lower-case hex.
#include "common/text.h"

#include <gtest/gtest.h>

#include <string>

namespace csm {
namespace {

TEST(Text, CaseMappingTouchesOnlyAsciiLetters) {
  EXPECT_EQ(ToLower("VARCHAR(255) Unsigned"), "varchar(255) unsigned");
  EXPECT_EQ(ToUpper("qcow2"), "QCOW2");
  EXPECT_EQ(ToLower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // "ÉTÉ": only the T changes
  EXPECT_EQ(ToUpper("\xC3\xa9t\xC3\xa9"), "\xC3\xa9T\xC3\xa9");
  EXPECT_EQ(ToLower(""), "");
}

TEST(Text, HexEncodeWritesTwoLowerCaseDigitsAByte) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  const unsigned char bytes[] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(HexEncode(bytes, sizeof bytes), "deadbeef");
  EXPECT_EQ(HexEncode(std::string()), "");
}

}  // namespace
}  // namespace csm
