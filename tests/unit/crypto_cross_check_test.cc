// Checks the cipher against implementations that share no code with it: the openssl command line
// for V1 (as cloudstack.md section 6 describes), and for V2 a minimal EVP sequence written here and
// Python's `cryptography` package.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "crypto/secret_cipher.h"
#include "test_support.h"

namespace csm::crypto {
namespace {

constexpr char kPython[] = "/usr/bin/python3";

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

bool CommandWorks(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `script` with sh in `dir`; fails the test when it exits non-zero.
void RunShell(const std::string& dir, const std::string& script) {
  WriteFile(dir + "/script.sh", "set -e\ncd '" + dir + "'\n" + script);
  const int status = std::system(("sh '" + dir + "/script.sh' 2>'" + dir + "/stderr'").c_str());
  ASSERT_EQ(status, 0) << ReadFile(dir + "/stderr");
}

// Base64 through OpenSSL's own codec (not ours). EVP_DecodeBlock counts padding as zero bytes.
std::string EvpBase64Decode(const std::string& text) {
  std::string out(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  EXPECT_GE(length, 0);
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  out.resize(static_cast<size_t>(length) - padding);
  return out;
}

std::string EvpBase64Encode(const std::string& bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

// V1 the way section 6 says to check it by hand: 1000 chained `openssl dgst -md5 -binary` over
// password ‖ salt, then `openssl enc -d -des-ede3-cbc` with K‖K‖K and the IV. Also encrypts
// `second_plaintext` with the same key and salt, giving another V1 value in `second_value`.
std::string DecryptV1WithOpensslCli(const std::string& password, const std::string& value,
                                    const std::string& second_plaintext,
                                    std::string& second_value) {
  test::ScratchDir dir;
  WriteFile(dir.File("password"), password);
  WriteFile(dir.File("value.b64"), value);
  WriteFile(dir.File("second.txt"), second_plaintext);
  RunShell(dir.path(),
           "openssl base64 -d -A -in value.b64 -out value.bin\n"
           "head -c 8 value.bin > salt.bin\n"
           "tail -c +9 value.bin > cipher.bin\n"
           "cat password salt.bin > digest.bin\n"
           "i=0\n"
           "while [ $i -lt 1000 ]; do\n"
           "  openssl dgst -md5 -binary -out next.bin digest.bin\n"
           "  mv next.bin digest.bin\n"
           "  i=$((i + 1))\n"
           "done\n"
           "K=$(head -c 8 digest.bin | od -An -tx1 | tr -d ' \\n')\n"
           "IV=$(tail -c 8 digest.bin | od -An -tx1 | tr -d ' \\n')\n"
           "openssl enc -d -des-ede3-cbc -K $K$K$K -iv $IV -in cipher.bin -out plain.txt\n"
           "openssl enc -e -des-ede3-cbc -K $K$K$K -iv $IV -in second.txt -out second.bin\n"
           "cat salt.bin second.bin | openssl base64 -A > second.b64\n");
  second_value = ReadFile(dir.File("second.b64"));
  return ReadFile(dir.File("plain.txt"));
}

TEST(CryptoCrossCheck, V1MatchesTheOpensslCommandLine) {
  if (!CommandWorks("openssl version")) GTEST_SKIP() << "no openssl command";
  const std::string password = "management-key-42";
  const std::string plaintext = "S3 secret key / with \xc3\xbc and spaces";
  auto value = Encrypt(EncryptorVersion::kV1, password, plaintext);
  ASSERT_TRUE(value.ok()) << value.status().message();
  std::string second_value;
  EXPECT_EQ(DecryptV1WithOpensslCli(password, *value, "written by openssl", second_value),
            plaintext);
  auto second = Decrypt(EncryptorVersion::kV1, password, second_value);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*second, "written by openssl");
}

// AES-256-GCM with key SHA-256(password), in as few EVP calls as it takes.
struct EvpGcm {
  unsigned char key[32];
  explicit EvpGcm(const std::string& password) {
    EVP_Digest(password.data(), password.size(), key, nullptr, EVP_sha256(), nullptr);
  }
  // nonce[12] ‖ ciphertext ‖ tag[16] -> plaintext; "<tag mismatch>" when it does not verify.
  std::string Open(const std::string& bytes) const {
    const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
    const int ciphertext_length = static_cast<int>(bytes.size()) - 12 - 16;
    std::string out(static_cast<size_t>(ciphertext_length), '\0');
    auto* plain = reinterpret_cast<unsigned char*>(out.data());
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int length = 0;
    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, in);  // the default IV length is 12
    EVP_DecryptUpdate(ctx, plain, &length, in + 12, ciphertext_length);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
                        const_cast<unsigned char*>(in + 12 + ciphertext_length));
    const bool verified = EVP_DecryptFinal_ex(ctx, plain + length, &length) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return verified ? out : "<tag mismatch>";
  }
  // plaintext -> nonce[12] ‖ ciphertext ‖ tag[16]
  std::string Seal(const std::string& nonce, const std::string& plaintext) const {
    std::string out = nonce + std::string(plaintext.size() + 16, '\0');
    auto* sealed = reinterpret_cast<unsigned char*>(out.data()) + 12;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int length = 0;
    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key,
                       reinterpret_cast<const unsigned char*>(nonce.data()));
    EVP_EncryptUpdate(ctx, sealed, &length,
                      reinterpret_cast<const unsigned char*>(plaintext.data()),
                      static_cast<int>(plaintext.size()));
    EVP_EncryptFinal_ex(ctx, sealed + length, &length);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, sealed + plaintext.size());
    EVP_CIPHER_CTX_free(ctx);
    return out;
  }
};

TEST(CryptoCrossCheck, V2MatchesAMinimalEvpImplementation) {
  const std::string password = "management-key-42";
  const std::string plaintext = "S3 secret key / with \xc3\xbc and spaces";
  const EvpGcm gcm(password);
  auto value = Encrypt(EncryptorVersion::kV2, password, plaintext);
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(gcm.Open(EvpBase64Decode(*value)), plaintext);

  const std::string other = EvpBase64Encode(gcm.Seal("0123456789ab", "sealed by EVP"));
  auto back = Decrypt(EncryptorVersion::kV2, password, other);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, "sealed by EVP");
}

TEST(CryptoCrossCheck, V2MatchesPythonCryptography) {
  if (!std::filesystem::exists(kPython) ||
      !CommandWorks(std::string(kPython) + " -c 'import cryptography'")) {
    GTEST_SKIP() << kPython << " with the cryptography package is not installed";
  }
  const std::string password = "management-key-42";
  const std::string plaintext = "S3 secret key / with \xc3\xbc and spaces";
  auto value = Encrypt(EncryptorVersion::kV2, password, plaintext);
  ASSERT_TRUE(value.ok()) << value.status().message();
  test::ScratchDir dir;
  WriteFile(dir.File("password"), password);
  WriteFile(dir.File("value.b64"), *value);
  WriteFile(dir.File("check.py"),
            "import base64, hashlib, os\n"
            "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
            "aead = AESGCM(hashlib.sha256(open('password', 'rb').read()).digest())\n"
            "raw = base64.b64decode(open('value.b64').read(), validate=True)\n"
            "open('plain.txt', 'wb').write(aead.decrypt(raw[:12], raw[12:], None))\n"
            "nonce = os.urandom(12)\n"
            "sealed = nonce + aead.encrypt(nonce, 'sealed by Python'.encode(), None)\n"
            "open('second.b64', 'w').write(base64.b64encode(sealed).decode())\n");
  RunShell(dir.path(), std::string(kPython) + " check.py\n");
  EXPECT_EQ(ReadFile(dir.File("plain.txt")), plaintext);
  auto back = Decrypt(EncryptorVersion::kV2, password, ReadFile(dir.File("second.b64")));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, "sealed by Python");
}

}  // namespace
}  // namespace csm::crypto
