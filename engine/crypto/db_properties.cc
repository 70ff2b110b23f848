#include "crypto/db_properties.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "crypto/java_properties.h"

namespace csm::crypto {
namespace {

constexpr std::string_view kEnvKey = "CLOUD_SECRET_KEY";
constexpr std::string_view kEncPrefix = "ENC(";
constexpr std::string_view kEncSuffix = ")";

using Properties = std::map<std::string, std::string>;

// The bytes of the file at `path` (any readable file, e.g. a pipe from `--key-file <(...)`).
Result<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return Status(ErrorCode::kIo,
                  "cannot read " + std::string(what) + " " + path + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(ErrorCode::kIo,
                  "cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return Status(ErrorCode::kIo, "cannot read " + std::string(what) + " " + path);
  }
  return content.str();
}

Result<ManagementKey> ReadKeyFile(const std::string& path) {
  CSM_ASSIGN_OR_RETURN(std::string content, ReadFile(path, "the management key file"));
  const std::string key = content.substr(0, content.find_first_of("\r\n"));
  if (key.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "the management key file " + path + " is empty (the key is its first line)");
  }
  return ManagementKey{key, path};
}

// The key in $CLOUD_SECRET_KEY, or nullopt when it is unset or empty.
std::optional<ManagementKey> KeyFromEnvironment() {
  const char* value = std::getenv(std::string(kEnvKey).c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return ManagementKey{value, "$" + std::string(kEnvKey)};
}

// Java's String.trim(): strips every character up to and including ' '.
std::string_view JavaTrim(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  return text;
}

// Reads db.properties fields, decrypting ENC(...) values with a key looked up on first need.
class FieldReader {
 public:
  FieldReader(const Properties& properties, EncryptionType type, std::string_view key_file)
      : properties_(properties), type_(type), key_file_(key_file) {}

  // The value of `name` (nullopt when absent), decrypted if it is ENC(...) and encryption is on.
  Result<std::optional<std::string>> Get(const std::string& name) {
    const auto it = properties_.find(name);
    if (it == properties_.end()) return std::optional<std::string>();
    const std::string_view trimmed = JavaTrim(it->second);
    if (type_ == EncryptionType::kNone || !trimmed.starts_with(kEncPrefix) ||
        !trimmed.ends_with(kEncSuffix)) {
      return std::optional<std::string>(it->second);
    }
    const std::string_view inner =
        trimmed.substr(kEncPrefix.size(), trimmed.size() - kEncPrefix.size() - kEncSuffix.size());
    if (inner.empty()) return std::optional<std::string>("");
    if (!key_) {
      CSM_ASSIGN_OR_RETURN(key_, ResolveManagementKey(type_, key_file_));
    }
    auto decrypted = DecryptAnyVersion(key_->key, inner);
    if (!decrypted.ok()) {
      return Status(ErrorCode::kCrypto,
                    name + ": ENC(...) cannot be decrypted with the management key from " +
                        key_->source + ": wrong key? (" + decrypted.status().message() + ")");
    }
    return std::optional<std::string>(std::move(decrypted->second));
  }

  // As Get, but a missing or empty property is an error (no server can be reached without it).
  Result<std::string> GetRequired(const std::string& name) {
    CSM_ASSIGN_OR_RETURN(std::optional<std::string> value, Get(name));
    if (!value) return Status(ErrorCode::kInvalidArgument, name + " is missing");
    if (value->empty()) return Status(ErrorCode::kInvalidArgument, name + " is empty");
    return std::move(*value);
  }

 private:
  const Properties& properties_;
  const EncryptionType type_;
  const std::string_view key_file_;
  std::optional<ManagementKey> key_;
};

std::string Lookup(const Properties& properties, const std::string& name) {
  const auto it = properties.find(name);
  return it == properties.end() ? std::string() : it->second;
}

Result<EncryptionType> ParseEncryptionType(const std::string& text) {
  if (text.empty() || text == "none") return EncryptionType::kNone;
  if (text == "file") return EncryptionType::kFile;
  if (text == "env") return EncryptionType::kEnv;
  if (text == "web") return EncryptionType::kWeb;
  return Status(ErrorCode::kInvalidArgument,
                "db.cloud.encryption.type: \"" + text + "\" is not one of none, file, env, web");
}

Result<std::optional<EncryptorVersion>> ParseEncryptorVersion(const std::string& text) {
  if (text.empty()) return std::optional<EncryptorVersion>();
  if (text == "V1" || text == "v1") return std::optional(EncryptorVersion::kV1);
  if (text == "V2" || text == "v2") return std::optional(EncryptorVersion::kV2);
  return Status(ErrorCode::kInvalidArgument,
                "db.cloud.encryptor.version: \"" + text + "\" is not V1, V2 or empty");
}

Result<int> ParsePort(const std::string& text) {
  int port = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || port > 65535) {
      port = 0;
      break;
    }
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) {
    return Status(ErrorCode::kInvalidArgument,
                  "db.cloud.port: \"" + text + "\" is not a port number (1-65535)");
  }
  return port;
}

Result<CloudStackDbConfig> ParseFields(const Properties& properties, std::string_view key_file) {
  CloudStackDbConfig config;
  CSM_ASSIGN_OR_RETURN(config.encryption_type,
                       ParseEncryptionType(Lookup(properties, "db.cloud.encryption.type")));
  CSM_ASSIGN_OR_RETURN(config.encryptor_version,
                       ParseEncryptorVersion(Lookup(properties, "db.cloud.encryptor.version")));
  FieldReader fields(properties, config.encryption_type, key_file);
  CSM_ASSIGN_OR_RETURN(config.host, fields.GetRequired("db.cloud.host"));
  CSM_ASSIGN_OR_RETURN(const std::string port, fields.GetRequired("db.cloud.port"));
  CSM_ASSIGN_OR_RETURN(config.port, ParsePort(port));
  CSM_ASSIGN_OR_RETURN(config.username, fields.GetRequired("db.cloud.username"));
  CSM_ASSIGN_OR_RETURN(const std::optional<std::string> password, fields.Get("db.cloud.password"));
  config.password = password.value_or("");
  CSM_ASSIGN_OR_RETURN(config.database, fields.GetRequired("db.cloud.name"));
  CSM_ASSIGN_OR_RETURN(const std::optional<std::string> secret,
                       fields.Get("db.cloud.encrypt.secret"));
  config.encrypt_secret = secret.value_or("");
  return config;
}

}  // namespace

Result<ManagementKey> ResolveManagementKey(EncryptionType type, std::string_view key_file) {
  if (type == EncryptionType::kNone) {
    return Status(
        ErrorCode::kInvalidArgument,
        "encryption is off (db.cloud.encryption.type is none): there is no management key");
  }
  if (!key_file.empty()) return ReadKeyFile(std::string(key_file));
  if (type == EncryptionType::kFile) return ReadKeyFile(std::string(kDefaultKeyFile));
  if (std::optional<ManagementKey> key = KeyFromEnvironment()) return std::move(*key);
  if (type == EncryptionType::kEnv) {
    return Status(ErrorCode::kInvalidArgument,
                  "db.cloud.encryption.type is env but CLOUD_SECRET_KEY is not set or empty: set "
                  "it to the management key, or give the key with --key-file");
  }
  return Status(ErrorCode::kInvalidArgument,
                "db.cloud.encryption.type is web (the management server asks for the management "
                "key when it starts): supply the key via CLOUD_SECRET_KEY or --key-file");
}

Result<CloudStackDbConfig> ParseDbProperties(std::string_view text, std::string_view source,
                                             std::string_view key_file) {
  CSM_ASSIGN_OR_RETURN(const Properties properties, ParseJavaProperties(text, source));
  Result<CloudStackDbConfig> config = ParseFields(properties, key_file);
  if (!config.ok()) return config.status().WithContext(std::string(source));
  return config;
}

Result<CloudStackDbConfig> LoadDbProperties(const std::string& path, std::string_view key_file) {
  CSM_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, "the database properties file"));
  return ParseDbProperties(text, path, key_file);
}

}  // namespace csm::crypto
