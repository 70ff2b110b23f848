#include "crypto/secret_cipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "crypto/base64.h"

namespace csm::crypto {
namespace {

constexpr size_t kV1SaltBytes = 8;
constexpr size_t kDesBlockBytes = 8;
constexpr size_t kDesKeyBytes = 8;
constexpr size_t kMd5Bytes = 16;
constexpr int kV1Iterations = 1000;
constexpr size_t kV2KeyBytes = 32;
constexpr size_t kV2NonceBytes = 12;
constexpr size_t kV2TagBytes = 16;

// Key material, wiped from memory when it goes out of scope.
template <size_t N>
struct KeyBytes {
  unsigned char data[N] = {};
  KeyBytes() = default;
  KeyBytes(const KeyBytes&) = delete;
  KeyBytes& operator=(const KeyBytes&) = delete;
  ~KeyBytes() { OPENSSL_cleanse(data, N); }
};

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx NewCipherCtx() {
  return CipherCtx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

size_t SaltBytes(EncryptorVersion version) {
  return version == EncryptorVersion::kV1 ? kV1SaltBytes : kV2NonceBytes;
}

Status CryptoError(EncryptorVersion version, std::string_view what) {
  return Status(ErrorCode::kCrypto,
                std::string(what) + " (" + std::string(VersionName(version)) + ")");
}

// Jasypt and CloudStack refuse an empty password; Java's PBEWithMD5AndDES key takes printable ASCII
// only.
Status CheckPassword(EncryptorVersion version, std::string_view password) {
  if (password.empty()) {
    return Status(ErrorCode::kInvalidArgument, "the encryption password is empty");
  }
  if (version == EncryptorVersion::kV1) {
    for (const char c : password) {
      if (c < 0x20 || c > 0x7e) {
        return Status(ErrorCode::kInvalidArgument,
                      "a V1 (PBEWithMD5AndDES) password must be printable ASCII, as Java requires");
      }
    }
  }
  return Status::Ok();
}

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead >= 0xc2 && lead <= 0xdf) {
      extra = 1;
      code = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      extra = 2;
      code = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      extra = 3;
      code = lead & 0x07;
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = code << 6 | (next & 0x3f);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10ffff))) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// Jasypt's key derivation (PKCS#5 v1.5 PBKDF1 with MD5): the first round hashes password ‖ salt,
// each further round the previous digest. Key = DK[0:8], IV = DK[8:16].
bool DeriveV1(std::string_view password, std::string_view salt, KeyBytes<kMd5Bytes>& dk) {
  std::string input;
  input.reserve(password.size() + salt.size());
  input.append(password).append(salt);
  unsigned int length = 0;
  bool ok = EVP_Digest(input.data(), input.size(), dk.data, &length, EVP_md5(), nullptr) == 1;
  OPENSSL_cleanse(input.data(), input.size());
  for (int round = 1; ok && round < kV1Iterations; ++round) {
    ok = EVP_Digest(dk.data, kMd5Bytes, dk.data, &length, EVP_md5(), nullptr) == 1;
  }
  return ok && length == kMd5Bytes;
}

// DES-CBC with PKCS#5 padding over `input`, run as DES-EDE3-CBC with key K ‖ K ‖ K (identical
// bytes, and available without OpenSSL 3's legacy provider). False when OpenSSL fails or, when
// decrypting, the padding is wrong.
bool RunDesCbc(bool encrypt, std::string_view password, std::string_view salt,
               std::string_view input, std::string& output) {
  KeyBytes<kMd5Bytes> dk;
  if (!DeriveV1(password, salt, dk)) return false;
  KeyBytes<3 * kDesKeyBytes> key;
  for (size_t copy = 0; copy < 3; ++copy) {
    std::copy(dk.data, dk.data + kDesKeyBytes, key.data + copy * kDesKeyBytes);
  }
  const unsigned char* iv = dk.data + kDesKeyBytes;
  CipherCtx ctx = NewCipherCtx();
  output.assign(input.size() + kDesBlockBytes, '\0');
  int written = 0;
  int final_written = 0;
  const bool ok = ctx != nullptr &&
                  EVP_CipherInit_ex(ctx.get(), EVP_des_ede3_cbc(), nullptr, key.data, iv,
                                    encrypt ? 1 : 0) == 1 &&
                  EVP_CipherUpdate(ctx.get(), Bytes(output), &written, Bytes(input),
                                   static_cast<int>(input.size())) == 1 &&
                  EVP_CipherFinal_ex(ctx.get(), Bytes(output) + written, &final_written) == 1;
  if (!ok) {
    OPENSSL_cleanse(output.data(), output.size());
    output.clear();
    return false;
  }
  output.resize(static_cast<size_t>(written + final_written));
  return true;
}

// CloudStack's V2 key: SHA-256 of the password's bytes.
bool DeriveV2(std::string_view password, KeyBytes<kV2KeyBytes>& key) {
  unsigned int length = 0;
  return EVP_Digest(password.data(), password.size(), key.data, &length, EVP_sha256(), nullptr) ==
             1 &&
         length == kV2KeyBytes;
}

// AES-256-GCM: returns ciphertext ‖ tag in `output`.
bool SealGcm(std::string_view password, std::string_view nonce, std::string_view plaintext,
             std::string& output) {
  KeyBytes<kV2KeyBytes> key;
  if (!DeriveV2(password, key)) return false;
  CipherCtx ctx = NewCipherCtx();
  output.assign(plaintext.size() + kV2TagBytes, '\0');
  int written = 0;
  int final_written = 0;
  return ctx != nullptr &&
         EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                             nullptr) == 1 &&
         EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data, Bytes(nonce)) == 1 &&
         EVP_EncryptUpdate(ctx.get(), Bytes(output), &written, Bytes(plaintext),
                           static_cast<int>(plaintext.size())) == 1 &&
         EVP_EncryptFinal_ex(ctx.get(), Bytes(output) + written, &final_written) == 1 &&
         static_cast<size_t>(written + final_written) == plaintext.size() &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kV2TagBytes),
                             Bytes(output) + plaintext.size()) == 1;
}

// AES-256-GCM: opens ciphertext ‖ tag; false when OpenSSL fails or the tag does not match.
bool OpenGcm(std::string_view password, std::string_view nonce, std::string_view sealed,
             std::string& output) {
  KeyBytes<kV2KeyBytes> key;
  if (!DeriveV2(password, key)) return false;
  const std::string_view ciphertext = sealed.substr(0, sealed.size() - kV2TagBytes);
  std::string tag(sealed.substr(ciphertext.size()));
  CipherCtx ctx = NewCipherCtx();
  output.assign(ciphertext.size(), '\0');
  int written = 0;
  int final_written = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data, Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), Bytes(output), &written, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kV2TagBytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), Bytes(output) + written, &final_written) == 1;
  if (!ok) {
    OPENSSL_cleanse(output.data(), output.size());
    output.clear();
    return false;
  }
  output.resize(static_cast<size_t>(written + final_written));
  return true;
}

}  // namespace

std::string_view VersionName(EncryptorVersion version) {
  return version == EncryptorVersion::kV1 ? "V1" : "V2";
}

Result<std::string> Encrypt(EncryptorVersion version, std::string_view password,
                            std::string_view plaintext) {
  std::string salt(SaltBytes(version), '\0');
  if (RAND_bytes(Bytes(salt), static_cast<int>(salt.size())) != 1) {
    return CryptoError(version, "the random number generator failed");
  }
  return EncryptWithSalt(version, password, plaintext, salt);
}

Result<std::string> EncryptWithSalt(EncryptorVersion version, std::string_view password,
                                    std::string_view plaintext, std::string_view salt) {
  CSM_RETURN_IF_ERROR(CheckPassword(version, password));
  if (!IsUtf8(plaintext)) {
    return Status(ErrorCode::kInvalidArgument, "the value to encrypt is not valid UTF-8");
  }
  if (salt.size() != SaltBytes(version)) {
    return Status(ErrorCode::kInvalidArgument,
                  std::string(VersionName(version)) + " needs a " +
                      std::to_string(SaltBytes(version)) + "-byte " +
                      (version == EncryptorVersion::kV1 ? "salt" : "nonce") + ", not " +
                      std::to_string(salt.size()) + " bytes");
  }
  std::string sealed;
  const bool ok = version == EncryptorVersion::kV1
                      ? RunDesCbc(true, password, salt, plaintext, sealed)
                      : SealGcm(password, salt, plaintext, sealed);
  if (!ok) return CryptoError(version, "OpenSSL failed to encrypt the value");
  return Base64Encode(std::string(salt) + sealed);
}

Result<std::string> Decrypt(EncryptorVersion version, std::string_view password,
                            std::string_view value) {
  CSM_RETURN_IF_ERROR(CheckPassword(version, password));
  Result<std::string> decoded = Base64Decode(value);
  if (!decoded.ok()) return CryptoError(version, decoded.status().message());
  const std::string_view bytes = *decoded;
  const size_t salt_bytes = SaltBytes(version);
  const std::string_view salt = bytes.substr(0, salt_bytes);
  std::string plaintext;
  if (version == EncryptorVersion::kV1) {
    // At least one block: PKCS#5 always pads.
    if (bytes.size() < salt_bytes + kDesBlockBytes ||
        (bytes.size() - salt_bytes) % kDesBlockBytes != 0) {
      return CryptoError(version, "the value has the wrong length for its format");
    }
    if (!RunDesCbc(false, password, salt, bytes.substr(salt_bytes), plaintext)) {
      return CryptoError(version, "wrong password or corrupt value");
    }
  } else {
    if (bytes.size() < salt_bytes + kV2TagBytes) {
      return CryptoError(version, "the value is too short for its format");
    }
    if (!OpenGcm(password, salt, bytes.substr(salt_bytes), plaintext)) {
      return CryptoError(version, "wrong password or corrupt value");
    }
  }
  if (!IsUtf8(plaintext)) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return CryptoError(version, "wrong password or corrupt value");
  }
  return plaintext;
}

Result<std::pair<EncryptorVersion, std::string>> DecryptAnyVersion(std::string_view password,
                                                                   std::string_view value) {
  if (password.empty()) {
    return Status(ErrorCode::kInvalidArgument, "the encryption password is empty");
  }
  Result<std::string> v2 = Decrypt(EncryptorVersion::kV2, password, value);
  if (v2.ok()) return std::make_pair(EncryptorVersion::kV2, std::move(v2).value());
  Result<std::string> v1 = Decrypt(EncryptorVersion::kV1, password, value);
  if (v1.ok()) return std::make_pair(EncryptorVersion::kV1, std::move(v1).value());
  return Status(ErrorCode::kCrypto, "the value cannot be decrypted as V2 or V1: " +
                                        v2.status().message() + "; " + v1.status().message());
}

size_t MaxPlaintextBytes(EncryptorVersion version, size_t column_chars) {
  // Base64 writes 4 characters per 3 bytes, the last group padded.
  const size_t max_bytes = column_chars / 4 * 3;
  if (version == EncryptorVersion::kV1) {
    // Salt, then whole DES blocks; PKCS#5 padding takes at least one byte of the last block.
    if (max_bytes < kV1SaltBytes + kDesBlockBytes) return 0;
    return (max_bytes - kV1SaltBytes) / kDesBlockBytes * kDesBlockBytes - 1;
  }
  if (max_bytes < kV2NonceBytes + kV2TagBytes) return 0;
  return max_bytes - kV2NonceBytes - kV2TagBytes;
}

}  // namespace csm::crypto
