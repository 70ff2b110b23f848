#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/base64.h"

namespace csm::crypto {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const auto& [text, bytes] : {std::pair<std::string, std::string>{"", ""},
                                    {"Zg==", "f"},
                                    {"Zm8=", "fo"},
                                    {"Zm9v", "foo"},
                                    {"Zm9vYg==", "foob"},
                                    {"Zm9vYmE=", "fooba"},
                                    {"Zm9vYmFy", "foobar"}}) {
    auto decoded = Base64Decode(text);
    ASSERT_TRUE(decoded.ok()) << text << ": " << decoded.status().message();
    EXPECT_EQ(*decoded, bytes) << text;
  }
}

TEST(Base64, RoundTripsEveryByteValueAtEveryLength) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (size_t length = 0; length <= all.size(); ++length) {
    const std::string bytes = all.substr(all.size() - length);
    const std::string text = Base64Encode(bytes);
    EXPECT_EQ(text.size(), (length + 2) / 3 * 4);
    auto decoded = Base64Decode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64, RejectsInvalidText) {
  for (const std::string& text : std::vector<std::string>{
           "Zg=", "Zm9vY", "Zg==Zg==", "Z===", "====", "=AAA", "Zm=v", "Zm9v\n", "Zm9 v", "Zm-v",
           "Zm_v", "Zh==", "Zm9=", std::string("Zm9\0", 4)}) {
    auto decoded = Base64Decode(text);
    ASSERT_FALSE(decoded.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(decoded.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Base64, ErrorNamesThePositionWithoutQuotingTheText) {
  auto decoded = Base64Decode("c2VjcmV0*A==");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("position 8"), std::string::npos)
      << decoded.status().message();
  EXPECT_EQ(decoded.status().message().find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace csm::crypto
