// CloudStack's two formats for secrets (values in its tables, ENC(...) values in db.properties):
// V1 is Jasypt PBEWithMD5AndDES, V2 is AES-256-GCM; both are stored as Base64 text. The formats,
// the version CloudStack picks, and known answers are in cloudstack.md section 6.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace csm::crypto {

enum class EncryptorVersion {
  // Jasypt PBEWithMD5AndDES: MD5 applied 1000 times to password ‖ salt gives the DES key and IV;
  // DES-CBC with PKCS#5 padding; Base64(salt[8] ‖ ciphertext). Up to CloudStack 4.17.
  kV1,
  // AES-256-GCM with key SHA-256(password), no associated data; Base64(nonce[12] ‖ ciphertext ‖
  // tag[16]). The default from CloudStack 4.18 on.
  kV2,
};

// "V1" or "V2", as db.cloud.encryptor.version spells it.
std::string_view VersionName(EncryptorVersion version);

// Encrypts `plaintext` (UTF-8) under `password` in `version`'s format with a fresh random salt (V1)
// or nonce (V2) and returns the Base64 text CloudStack stores. Errors: kInvalidArgument for an
// empty password or, in V1, a password that is not printable ASCII (Java refuses those for
// PBEWithMD5AndDES, so CloudStack could not decrypt the value), and for plaintext that is not valid
// UTF-8 (a Java string cannot hold it); kCrypto if OpenSSL fails.
// CloudStack stores an empty secret as the empty string, unencrypted: callers do the same.
Result<std::string> Encrypt(EncryptorVersion version, std::string_view password,
                            std::string_view plaintext);

// Encrypt with a caller-chosen `salt` (V1, 8 bytes) or `nonce` (V2, 12 bytes), for known-answer
// tests; another length is kInvalidArgument. Never reuse a V2 nonce under one password: real
// values come from Encrypt.
Result<std::string> EncryptWithSalt(EncryptorVersion version, std::string_view password,
                                    std::string_view plaintext, std::string_view salt);

// Decrypts `value` (Base64 text written in `version`'s format under `password`) and returns the
// plaintext. A wrong password or a corrupt, truncated or non-Base64 value is kCrypto; the password
// rules of Encrypt apply (kInvalidArgument). Plaintext that is not valid UTF-8 is refused as a
// wrong password: CloudStack only encrypts text, and in V1 a wrong password passes the padding
// check about once in 256 tries. Messages never contain the password, the value or the plaintext.
Result<std::string> Decrypt(EncryptorVersion version, std::string_view password,
                            std::string_view value);

// Decrypts `value` trying V2 then V1, as CloudStack does for values whose version it does not know
// (the `init` configuration row when db.cloud.encryptor.version is empty, ENC(...) values in
// db.properties), and returns the version that worked with the plaintext. kCrypto, giving both
// reasons, when neither works; kInvalidArgument for an empty password.
Result<std::pair<EncryptorVersion, std::string>> DecryptAnyVersion(std::string_view password,
                                                                   std::string_view value);

// The longest plaintext, in bytes, whose `version` encryption fits in a column of `column_chars`
// characters (Base64 is ASCII, so characters are bytes). varchar(255) holds 175 bytes in V1 and
// 161 in V2. 0 also when not even an empty plaintext fits.
size_t MaxPlaintextBytes(EncryptorVersion version, size_t column_chars);

}  // namespace csm::crypto
