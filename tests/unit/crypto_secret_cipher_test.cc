#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/base64.h"
#include "crypto/secret_cipher.h"

namespace csm::crypto {
namespace {

// The known answers of cloudstack.md section 6 (checked against Jasypt, the JDK and openssl).
struct KnownAnswer {
  EncryptorVersion version;
  std::string password;
  std::string plaintext;
  std::string salt;
  std::string value;
};

std::vector<KnownAnswer> KnownAnswers() {
  return {
      {EncryptorVersion::kV1, "password", "testing",
       std::string("\x01\x02\x03\x04\x05\x06\x07\x08"), "AQIDBAUGBwjXueUzbzHn+A=="},
      {EncryptorVersion::kV2, "password", "testing",
       std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b", 12),
       "AAECAwQFBgcICQoLHs+deDrMwKm/KmkIHlmH2WdeaGIYRyU="},
      {EncryptorVersion::kV1, "managementkey", "password", std::string(8, '\0'),
       "AAAAAAAAAAAK2HHR5DkZXErqLgjzc29r"},
      {EncryptorVersion::kV2, "managementkey", "password", std::string(12, '\0'),
       "AAAAAAAAAAAAAAAAqjJFCOx3FyM3snQP2sPm0iBTnxMXi/lU"},
  };
}

constexpr EncryptorVersion kVersions[] = {EncryptorVersion::kV1, EncryptorVersion::kV2};

TEST(SecretCipher, EncryptingWithTheGivenSaltGivesEachKnownAnswer) {
  for (const KnownAnswer& k : KnownAnswers()) {
    auto value = EncryptWithSalt(k.version, k.password, k.plaintext, k.salt);
    ASSERT_TRUE(value.ok()) << value.status().message();
    EXPECT_EQ(*value, k.value) << VersionName(k.version) << " " << k.password;
  }
}

TEST(SecretCipher, DecryptingEachKnownAnswerGivesItsPlaintext) {
  for (const KnownAnswer& k : KnownAnswers()) {
    auto plaintext = Decrypt(k.version, k.password, k.value);
    ASSERT_TRUE(plaintext.ok()) << k.value << ": " << plaintext.status().message();
    EXPECT_EQ(*plaintext, k.plaintext) << k.value;
  }
}

TEST(SecretCipher, RoundTripsWithRandomSalts) {
  const std::vector<std::string> plaintexts = {"",
                                               "x",
                                               "1234567",
                                               "12345678",
                                               "123456789",
                                               "p\xc3\xa4sswort \xe2\x9c\x93 \xf0\x9f\x94\x91",
                                               std::string(175, 'a')};
  for (const EncryptorVersion version : kVersions) {
    for (const std::string& plaintext : plaintexts) {
      auto first = Encrypt(version, "s3cret key", plaintext);
      auto second = Encrypt(version, "s3cret key", plaintext);
      ASSERT_TRUE(first.ok()) << first.status().message();
      ASSERT_TRUE(second.ok()) << second.status().message();
      EXPECT_NE(*first, *second) << "the salt or nonce must be fresh each time";
      for (const std::string& value : {*first, *second}) {
        auto back = Decrypt(version, "s3cret key", value);
        ASSERT_TRUE(back.ok()) << back.status().message();
        EXPECT_EQ(*back, plaintext);
      }
    }
  }
}

TEST(SecretCipher, V2AcceptsAnyUtf8Password) {
  const std::string password = "cl\xc3\xa9 \xe2\x82\xac";
  auto value = Encrypt(EncryptorVersion::kV2, password, "data");
  ASSERT_TRUE(value.ok()) << value.status().message();
  auto back = Decrypt(EncryptorVersion::kV2, password, *value);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, "data");
}

TEST(SecretCipher, WrongPasswordIsACryptoError) {
  for (const KnownAnswer& k : KnownAnswers()) {
    for (const std::string wrong : {"Password", "passwordd", "managementkey2", "x"}) {
      auto plaintext = Decrypt(k.version, wrong, k.value);
      ASSERT_FALSE(plaintext.ok()) << k.value << " decrypted with " << wrong;
      EXPECT_EQ(plaintext.status().code(), ErrorCode::kCrypto);
    }
  }
}

TEST(SecretCipher, V1WrongPasswordThatPassesThePaddingCheckIsStillRefused) {
  // Under "wrong365" the first known answer decrypts with valid PKCS#5 padding to 7 bytes that
  // are not UTF-8 (36 25 53 72 6b 4e 90): only the UTF-8 check can tell.
  auto plaintext = Decrypt(EncryptorVersion::kV1, "wrong365", "AQIDBAUGBwjXueUzbzHn+A==");
  ASSERT_FALSE(plaintext.ok());
  EXPECT_EQ(plaintext.status().code(), ErrorCode::kCrypto);
}

TEST(SecretCipher, MessagesNeverContainThePasswordTheValueOrThePlaintext) {
  const std::string password = "Tr0ub4dor&3";
  const std::string plaintext = "hunter2-plaintext";
  for (const EncryptorVersion version : kVersions) {
    auto value = Encrypt(version, password, plaintext);
    ASSERT_TRUE(value.ok());
    std::vector<Status> failures = {
        Decrypt(version, "Tr0ub4dor&4", *value).status(),
        Decrypt(version, password, value->substr(0, value->size() - 4)).status(),
        Decrypt(version, password, "!" + *value).status(),
        DecryptAnyVersion("Tr0ub4dor&4", *value).status(),
        EncryptWithSalt(version, password, plaintext, "salt").status(),
    };
    for (const Status& failure : failures) {
      ASSERT_FALSE(failure.ok());
      for (const std::string& secret :
           {password, std::string("Tr0ub4dor"), plaintext, value->substr(0, 8)}) {
        EXPECT_EQ(failure.message().find(secret), std::string::npos) << failure.message();
      }
    }
  }
}

TEST(SecretCipher, CorruptValuesAreCryptoErrors) {
  for (const KnownAnswer& k : KnownAnswers()) {
    // A change in the last cipher block (before the tag in V2): V1 has no MAC, so only its padding
    // and the UTF-8 check can notice a change, and they see only the last block.
    std::string flipped = k.value;
    const size_t at =
        k.value.find('=') == std::string::npos ? k.value.size() - 2 : k.value.find('=') - 2;
    flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
    const std::string truncated = k.value.substr(0, k.value.size() - 4);
    for (const std::string& bad :
         {flipped, truncated, k.value + "AAAA", k.value + "\n", std::string("not base64!"),
          std::string(""), Base64Encode(std::string(8, 'x'))}) {
      auto plaintext = Decrypt(k.version, k.password, bad);
      ASSERT_FALSE(plaintext.ok()) << VersionName(k.version) << " accepted " << bad;
      EXPECT_EQ(plaintext.status().code(), ErrorCode::kCrypto) << bad;
    }
  }
}

TEST(SecretCipher, PasswordsJavaRefusesAreInvalidArguments) {
  for (const EncryptorVersion version : kVersions) {
    auto empty = Encrypt(version, "", "data");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
    auto empty_decrypt = Decrypt(version, "", "AQIDBAUGBwjXueUzbzHn+A==");
    ASSERT_FALSE(empty_decrypt.ok());
    EXPECT_EQ(empty_decrypt.status().code(), ErrorCode::kInvalidArgument);
  }
  for (const std::string password : {"cl\xc3\xa9", "tab\there", "new\nline"}) {
    auto value = Encrypt(EncryptorVersion::kV1, password, "data");
    ASSERT_FALSE(value.ok());
    EXPECT_EQ(value.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(value.status().message().find(password), std::string::npos);
  }
}

TEST(SecretCipher, OnlyUtf8PlaintextIsEncrypted) {
  for (const EncryptorVersion version : kVersions) {
    for (const std::string good : {"\x7f", "\xc2\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
                                   "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"}) {
      EXPECT_TRUE(Encrypt(version, "password", good).ok()) << VersionName(version);
    }
    for (const std::string bad :
         {"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
          "\xf5\x80\x80\x80", "\xe2\x82", "a\xff", "\xf0\x9f\x94"}) {
      auto value = Encrypt(version, "password", bad);
      ASSERT_FALSE(value.ok()) << VersionName(version);
      EXPECT_EQ(value.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(SecretCipher, SaltOfTheWrongLengthIsAnInvalidArgument) {
  auto v1 = EncryptWithSalt(EncryptorVersion::kV1, "password", "x", std::string(12, '\0'));
  ASSERT_FALSE(v1.ok());
  EXPECT_EQ(v1.status().code(), ErrorCode::kInvalidArgument);
  auto v2 = EncryptWithSalt(EncryptorVersion::kV2, "password", "x", std::string(8, '\0'));
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.status().code(), ErrorCode::kInvalidArgument);
}

TEST(SecretCipher, DecryptAnyVersionPicksTheVersionThatWorks) {
  for (const KnownAnswer& k : KnownAnswers()) {
    auto found = DecryptAnyVersion(k.password, k.value);
    ASSERT_TRUE(found.ok()) << k.value << ": " << found.status().message();
    EXPECT_EQ(found->first, k.version) << k.value;
    EXPECT_EQ(found->second, k.plaintext);
  }
  for (const EncryptorVersion version : kVersions) {
    auto value = Encrypt(version, "key", "fresh value");
    ASSERT_TRUE(value.ok());
    auto found = DecryptAnyVersion("key", *value);
    ASSERT_TRUE(found.ok()) << found.status().message();
    EXPECT_EQ(found->first, version);
    EXPECT_EQ(found->second, "fresh value");
  }
}

TEST(SecretCipher, DecryptAnyVersionFailsWithBothReasons) {
  auto found = DecryptAnyVersion("wrong", "AQIDBAUGBwjXueUzbzHn+A==");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), ErrorCode::kCrypto);
  EXPECT_NE(found.status().message().find("(V2)"), std::string::npos) << found.status().message();
  EXPECT_NE(found.status().message().find("(V1)"), std::string::npos) << found.status().message();
}

TEST(SecretCipher, MaxPlaintextBytesOfAVarchar255) {
  EXPECT_EQ(MaxPlaintextBytes(EncryptorVersion::kV1, 255), 175u);
  EXPECT_EQ(MaxPlaintextBytes(EncryptorVersion::kV2, 255), 161u);
}

TEST(SecretCipher, LongestPlaintextsFitAVarchar255AndOneMoreByteDoesNot) {
  for (const EncryptorVersion version : kVersions) {
    const size_t max = MaxPlaintextBytes(version, 255);
    auto fits = Encrypt(version, "password", std::string(max, 'z'));
    auto too_long = Encrypt(version, "password", std::string(max + 1, 'z'));
    ASSERT_TRUE(fits.ok() && too_long.ok());
    EXPECT_LE(fits->size(), 255u) << VersionName(version);
    EXPECT_GT(too_long->size(), 255u) << VersionName(version);
  }
}

TEST(SecretCipher, MaxPlaintextBytesMatchesRealEncryptionsForManyColumnSizes) {
  for (const EncryptorVersion version : kVersions) {
    std::vector<size_t> encrypted_chars;  // by plaintext length
    for (size_t length = 0; length <= 200; ++length) {
      auto value = Encrypt(version, "password", std::string(length, 'q'));
      ASSERT_TRUE(value.ok());
      encrypted_chars.push_back(value->size());
    }
    for (size_t column = 0; column <= 260; ++column) {
      const size_t max = MaxPlaintextBytes(version, column);
      if (encrypted_chars[0] > column) {
        EXPECT_EQ(max, 0u) << column;
        continue;
      }
      ASSERT_LT(max + 1, encrypted_chars.size());
      EXPECT_LE(encrypted_chars[max], column) << VersionName(version) << " " << column;
      EXPECT_GT(encrypted_chars[max + 1], column) << VersionName(version) << " " << column;
    }
  }
}

}  // namespace
}  // namespace csm::crypto
