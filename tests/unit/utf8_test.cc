// common/utf8.h: well-formed UTF-8 as Unicode's table 3-7 defines it, and the refusal of a
// parameter that is not, naming it and the offset but never the bytes.
#include "common/utf8.h"

#include <gtest/gtest.h>

namespace csm {
namespace {

TEST(Utf8, WellFormedTextHasNoInvalidByte) {
  EXPECT_EQ(FirstInvalidUtf8Byte(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8Byte("s3-region"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8Byte("zone \xC3\xA9t\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80"),
            std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8Byte("\xF4\x8F\xBF\xBF"), std::nullopt);  // U+10FFFF
}

TEST(Utf8, TheFirstByteThatStartsNoWellFormedSequenceIsFound) {
  EXPECT_EQ(FirstInvalidUtf8Byte("bad\xFFname"), 3u);
  EXPECT_EQ(FirstInvalidUtf8Byte("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(FirstInvalidUtf8Byte("ab\xE0\x80\xAF"), 2u);    // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8Byte("x\xED\xA0\x80"), 1u);     // a surrogate
  EXPECT_EQ(FirstInvalidUtf8Byte("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8Byte("caf\xC3"), 3u);           // cut short
  EXPECT_EQ(FirstInvalidUtf8Byte("\xC3\xA9\x80"), 2u);      // a lone continuation byte
  EXPECT_EQ(FirstInvalidUtf8Byte("latin1 caf\xE9"), 10u);
}

TEST(Utf8, CodePointsOfEachLength) {
  EXPECT_EQ(Utf8CodePoint("A"), 0x41u);
  EXPECT_EQ(Utf8CodePoint("\xC2\x85"), 0x85u);
  EXPECT_EQ(Utf8CodePoint("\xE2\x80\xAE"), 0x202Eu);
  EXPECT_EQ(Utf8CodePoint("\xF0\x9F\x98\x80"), 0x1F600u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xFF"), 0u);
}

TEST(Utf8, ARefusalNamesTheParameterAndTheOffsetButNotTheBytes) {
  EXPECT_TRUE(CheckUtf8("s3-region", "--name").ok());
  const Status s = CheckUtf8("bad\xFF\x1B[31mname", "--name");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--name"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("byte offset 3"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\xFF'), std::string::npos);
  EXPECT_EQ(s.message().find('\x1B'), std::string::npos);
}

}  // namespace
}  // namespace csm
