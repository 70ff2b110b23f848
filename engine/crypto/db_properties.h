// CloudStack's db.properties (/etc/cloudstack/management/db.properties): where the cloud database
// is, how to log in, and the secret its encrypted values use, with ENC(...) values decrypted by the
// management key as CloudStack does at start (cloudstack.md section 6).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/secret_cipher.h"

namespace csm::crypto {

// Where the management key comes from (db.cloud.encryption.type).
enum class EncryptionType {
  kNone,  // absent or "none": nothing is encrypted
  kFile,  // "file": the first line of the key file
  kEnv,   // "env": $CLOUD_SECRET_KEY
  kWeb,   // "web": typed in when the management server starts
};

// CloudStack's management key file.
inline constexpr std::string_view kDefaultKeyFile = "/etc/cloudstack/management/key";

// The management key and where it came from (a file path or "$CLOUD_SECRET_KEY"), for messages.
struct ManagementKey {
  std::string key;
  std::string source;
};

// Finds the management key for `type`. A `key_file` the user named (--key-file; empty = none) wins
// whatever the type; otherwise kFile reads kDefaultKeyFile, and kEnv and kWeb read
// $CLOUD_SECRET_KEY (for kWeb it stands in for the key CloudStack asks for at start). From a file
// the key is the first line without its line end, as Java's readLine gives it. Errors: kIo when the
// file cannot be read; kInvalidArgument when the key is empty or not supplied (for kWeb the message
// tells the admin to supply it via CLOUD_SECRET_KEY or --key-file) or `type` is kNone.
Result<ManagementKey> ResolveManagementKey(EncryptionType type, std::string_view key_file);

// What csmigrate needs from db.properties, ENC(...) values decrypted.
struct CloudStackDbConfig {
  std::string host;                                        // db.cloud.host
  int port = 0;                                            // db.cloud.port
  std::string username;                                    // db.cloud.username
  std::string password;                                    // db.cloud.password; empty when absent
  std::string database;                                    // db.cloud.name
  EncryptionType encryption_type = EncryptionType::kNone;  // db.cloud.encryption.type
  // db.cloud.encryptor.version ("V1"/"V2", any case): the format of encrypted values in the tables.
  // nullopt when empty: CloudStack then uses whichever of V2, V1 decrypts the `init` row.
  std::optional<EncryptorVersion> encryptor_version;
  // db.cloud.encrypt.secret: the password of encrypted values in the tables; empty when absent.
  std::string encrypt_secret;
};

// Parses db.properties `text` (named `source` in messages, e.g. its path). When encryption is on,
// a field written ENC(x) (surrounding blanks ignored, as Jasypt does) is x decrypted with the
// management key, which is looked up by ResolveManagementKey(type, key_file) only if such a value
// exists; x is tried as V2 then V1, as CloudStack does whatever db.cloud.encryptor.version says;
// ENC() is the empty string. With encryption off values are taken as written, as CloudStack does.
// Errors name `source` and the property, never a secret: kInvalidArgument for a missing or empty
// db.cloud.host, db.cloud.port, db.cloud.username or db.cloud.name, a port outside 1-65535, an
// unknown encryption type or encryptor version, or a malformed \uXXXX escape; kCrypto for an
// ENC(...) value the key cannot decrypt; the errors of ResolveManagementKey.
Result<CloudStackDbConfig> ParseDbProperties(std::string_view text, std::string_view source,
                                             std::string_view key_file);

// Reads the db.properties file at `path` (kIo if it cannot be read) and parses it as
// ParseDbProperties does, naming it by `path`.
Result<CloudStackDbConfig> LoadDbProperties(const std::string& path, std::string_view key_file);

}  // namespace csm::crypto
