#include "crypto/db_properties.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "test_support.h"

namespace csm::crypto {
namespace {

// Known answers of cloudstack.md section 6: "password" encrypted under the management key
// "managementkey".
constexpr char kManagementKey[] = "managementkey";
constexpr char kV1Password[] = "ENC(AAAAAAAAAAAK2HHR5DkZXErqLgjzc29r)";
constexpr char kV2Password[] = "ENC(AAAAAAAAAAAAAAAAqjJFCOx3FyM3snQP2sPm0iBTnxMXi/lU)";

// Sets (or, with nullopt, unsets) CLOUD_SECRET_KEY for the test's lifetime.
class ScopedSecretKeyEnv {
 public:
  explicit ScopedSecretKeyEnv(const std::optional<std::string>& value) {
    if (const char* old = std::getenv("CLOUD_SECRET_KEY")) old_ = old;
    if (value) {
      setenv("CLOUD_SECRET_KEY", value->c_str(), 1);
    } else {
      unsetenv("CLOUD_SECRET_KEY");
    }
  }
  ~ScopedSecretKeyEnv() {
    if (old_) {
      setenv("CLOUD_SECRET_KEY", old_->c_str(), 1);
    } else {
      unsetenv("CLOUD_SECRET_KEY");
    }
  }

 private:
  std::optional<std::string> old_;
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// A db.properties as cloudstack-setup-databases writes it, with `extra` lines appended.
std::string DbProperties(const std::string& extra) {
  return "# The cloud database\n"
         "cluster.node.IP=10.0.0.5\n"
         "db.cloud.host=db.example.org\n"
         "db.cloud.port=3306\n"
         "db.cloud.username=cloud\n"
         "db.cloud.name=cloud\n"
         "db.usage.password=ENC(this is not looked at)\n" +
         extra;
}

TEST(DbProperties, PlainConfigWithoutEncryption) {
  auto config = ParseDbProperties(
      DbProperties("db.cloud.password=s3cret\ndb.cloud.encrypt.secret=dbsecret\n"), "db.properties",
      "");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->host, "db.example.org");
  EXPECT_EQ(config->port, 3306);
  EXPECT_EQ(config->username, "cloud");
  EXPECT_EQ(config->password, "s3cret");
  EXPECT_EQ(config->database, "cloud");
  EXPECT_EQ(config->encryption_type, EncryptionType::kNone);
  EXPECT_EQ(config->encryptor_version, std::nullopt);
  EXPECT_EQ(config->encrypt_secret, "dbsecret");
}

TEST(DbProperties, WithEncryptionOffEncValuesAreTakenAsWritten) {
  auto config = ParseDbProperties(
      DbProperties("db.cloud.encryption.type=none\ndb.cloud.password=" + std::string(kV1Password)),
      "db.properties", "");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->password, kV1Password);
  EXPECT_EQ(config->encrypt_secret, "");
}

TEST(DbProperties, EncValuesAreDecryptedWithTheKeyFile) {
  test::ScratchDir dir;
  WriteFile(dir.File("key"), std::string(kManagementKey) + "\r\nsecond line is ignored\n");
  const std::string text = DbProperties(
      "db.cloud.encryption.type=file\n"
      "db.cloud.encryptor.version=V2\n"
      "db.cloud.password=" +
      std::string(kV1Password) +
      "\n"
      "db.cloud.encrypt.secret=" +
      kV2Password + "\n");
  auto config = ParseDbProperties(text, "db.properties", dir.File("key"));
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->encryption_type, EncryptionType::kFile);
  EXPECT_EQ(config->encryptor_version, EncryptorVersion::kV2);
  EXPECT_EQ(config->password, "password");
  EXPECT_EQ(config->encrypt_secret, "password");
}

TEST(DbProperties, EncValuesAreDecryptedWithTheKeyFromTheEnvironment) {
  ScopedSecretKeyEnv env(kManagementKey);
  auto config = ParseDbProperties(DbProperties("db.cloud.encryption.type=env\n"
                                               "db.cloud.encryptor.version=v1\n"
                                               "db.cloud.password=" +
                                               std::string(kV2Password) +
                                               "\n"
                                               "db.cloud.encrypt.secret=" +
                                               kV1Password + "  \n"),
                                  "db.properties", "");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->encryptor_version, EncryptorVersion::kV1);
  EXPECT_EQ(config->password, "password");
  EXPECT_EQ(config->encrypt_secret, "password");
}

TEST(DbProperties, FreshlyEncryptedValuesRoundTrip) {
  test::ScratchDir dir;
  WriteFile(dir.File("key"), "k3y-from-file");
  for (const EncryptorVersion version : {EncryptorVersion::kV1, EncryptorVersion::kV2}) {
    auto password = Encrypt(version, "k3y-from-file", "db pass = with: specials \\ and #");
    auto secret = Encrypt(version, "k3y-from-file", "table-secret");
    ASSERT_TRUE(password.ok() && secret.ok());
    auto config = ParseDbProperties(
        DbProperties("db.cloud.encryption.type=file\n"
                     "db.cloud.password=ENC(" +
                     *password + ")\ndb.cloud.encrypt.secret=ENC(" + *secret + ")\n"),
        "db.properties", dir.File("key"));
    ASSERT_TRUE(config.ok()) << config.status().message();
    EXPECT_EQ(config->password, "db pass = with: specials \\ and #");
    EXPECT_EQ(config->encrypt_secret, "table-secret");
  }
}

TEST(DbProperties, AnExplicitKeyFileWinsOverTheEnvironment) {
  test::ScratchDir dir;
  WriteFile(dir.File("key"), kManagementKey);
  ScopedSecretKeyEnv env("not the key");
  for (const std::string type : {"env", "web"}) {
    auto config = ParseDbProperties(DbProperties("db.cloud.encryption.type=" + type +
                                                 "\ndb.cloud.password=" + kV2Password + "\n"),
                                    "db.properties", dir.File("key"));
    ASSERT_TRUE(config.ok()) << config.status().message();
    EXPECT_EQ(config->password, "password");
  }
}

TEST(DbProperties, WebTypeTakesTheKeyFromTheEnvironment) {
  ScopedSecretKeyEnv env(kManagementKey);
  auto config = ParseDbProperties(
      DbProperties("db.cloud.encryption.type=web\ndb.cloud.password=" + std::string(kV1Password)),
      "db.properties", "");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->password, "password");
}

TEST(DbProperties, WebTypeWithoutAKeyTellsTheAdminHowToSupplyIt) {
  ScopedSecretKeyEnv env(std::nullopt);
  auto config = ParseDbProperties(
      DbProperties("db.cloud.encryption.type=web\ndb.cloud.password=" + std::string(kV1Password)),
      "/etc/cloudstack/management/db.properties", "");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), ErrorCode::kInvalidArgument);
  const std::string& message = config.status().message();
  EXPECT_EQ(message.rfind("/etc/cloudstack/management/db.properties: ", 0), 0u) << message;
  EXPECT_NE(message.find("CLOUD_SECRET_KEY"), std::string::npos) << message;
  EXPECT_NE(message.find("--key-file"), std::string::npos) << message;
}

TEST(DbProperties, EnvTypeWithoutTheVariableIsAnError) {
  ScopedSecretKeyEnv env("");
  auto config = ParseDbProperties(
      DbProperties("db.cloud.encryption.type=env\ndb.cloud.password=" + std::string(kV1Password)),
      "db.properties", "");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("CLOUD_SECRET_KEY is not set"), std::string::npos)
      << config.status().message();
}

TEST(DbProperties, NoKeyIsNeededWhenNothingIsEncrypted) {
  ScopedSecretKeyEnv env(std::nullopt);
  auto config = ParseDbProperties(
      DbProperties("db.cloud.encryption.type=web\ndb.cloud.password=plain\ndb.cloud.encrypt."
                   "secret=ENC()\n"),
      "db.properties", "");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->password, "plain");
  EXPECT_EQ(config->encrypt_secret, "");
}

TEST(DbProperties, WrongKeyNamesPropertyFileAndKeySourceButNoSecret) {
  test::ScratchDir dir;
  WriteFile(dir.File("key"), "wrongkey\n");
  auto config = ParseDbProperties(
      DbProperties("db.cloud.encryption.type=file\ndb.cloud.password=" + std::string(kV2Password)),
      "db.properties", dir.File("key"));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), ErrorCode::kCrypto);
  const std::string& message = config.status().message();
  EXPECT_EQ(message.rfind("db.properties: db.cloud.password: ENC(...) cannot be decrypted with the "
                          "management key from " +
                              dir.File("key") + ": wrong key?",
                          0),
            0u)
      << message;
  EXPECT_EQ(message.find("wrongkey"), std::string::npos) << message;
  EXPECT_EQ(message.find("AAAAAAAA"), std::string::npos) << message;
}

TEST(DbProperties, KeyFileProblems) {
  test::ScratchDir dir;
  const std::string text =
      DbProperties("db.cloud.encryption.type=file\ndb.cloud.password=" + std::string(kV1Password));
  auto missing = ParseDbProperties(text, "db.properties", dir.File("absent"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIo);
  EXPECT_NE(missing.status().message().find(dir.File("absent")), std::string::npos);

  auto directory = ParseDbProperties(text, "db.properties", dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), ErrorCode::kIo);

  WriteFile(dir.File("empty"), "\nmanagementkey\n");
  auto empty = ParseDbProperties(text, "db.properties", dir.File("empty"));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("is empty"), std::string::npos);
}

TEST(DbProperties, ResolveManagementKeyReportsItsSource) {
  test::ScratchDir dir;
  WriteFile(dir.File("key"), "from-file");
  ScopedSecretKeyEnv env("from-env");
  auto from_file = ResolveManagementKey(EncryptionType::kFile, dir.File("key"));
  ASSERT_TRUE(from_file.ok()) << from_file.status().message();
  EXPECT_EQ(from_file->key, "from-file");
  EXPECT_EQ(from_file->source, dir.File("key"));
  auto from_env = ResolveManagementKey(EncryptionType::kEnv, "");
  ASSERT_TRUE(from_env.ok()) << from_env.status().message();
  EXPECT_EQ(from_env->key, "from-env");
  EXPECT_EQ(from_env->source, "$CLOUD_SECRET_KEY");
  EXPECT_FALSE(ResolveManagementKey(EncryptionType::kNone, "").ok());
}

TEST(DbProperties, InvalidFieldsAreNamed) {
  const std::string base =
      "db.cloud.host=h\ndb.cloud.port=3306\ndb.cloud.username=u\n"
      "db.cloud.name=cloud\n";
  const std::pair<std::string, std::string> cases[] = {
      {"db.cloud.port=3306\ndb.cloud.username=u\ndb.cloud.name=c\n", "db.cloud.host is missing"},
      {"db.cloud.host=h\ndb.cloud.username=u\ndb.cloud.name=c\n", "db.cloud.port is missing"},
      {"db.cloud.host=h\ndb.cloud.port=3306\ndb.cloud.name=c\n", "db.cloud.username is missing"},
      {"db.cloud.host=h\ndb.cloud.port=3306\ndb.cloud.username=u\n", "db.cloud.name is missing"},
      {base + "db.cloud.name=\n", "db.cloud.name is empty"},
      {base + "db.cloud.host=  \n", "db.cloud.host is empty"},
      {base + "db.cloud.username=\n", "db.cloud.username is empty"},
      {base + "db.cloud.port=33o6\n", "db.cloud.port: \"33o6\" is not a port number"},
      {base + "db.cloud.port=65536\n", "db.cloud.port: \"65536\" is not a port number"},
      {base + "db.cloud.port=0\n", "db.cloud.port: \"0\" is not a port number"},
      {base + "db.cloud.encryption.type=File\n", "db.cloud.encryption.type: \"File\" is not one"},
      {base + "db.cloud.encryptor.version=V3\n", "db.cloud.encryptor.version: \"V3\" is not"},
      {base + "db.cloud.password=\\u12\n", "line 5: malformed"},
  };
  for (const auto& [text, expected] : cases) {
    auto config = ParseDbProperties(text, "my.properties", "");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(config.status().message().rfind("my.properties: ", 0), 0u)
        << config.status().message();
    EXPECT_NE(config.status().message().find(expected), std::string::npos)
        << config.status().message();
  }
}

TEST(DbProperties, LoadReadsTheFile) {
  test::ScratchDir dir;
  WriteFile(dir.File("db.properties"), DbProperties("db.cloud.password=pw\n"));
  auto config = LoadDbProperties(dir.File("db.properties"), "");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->password, "pw");

  auto missing = LoadDbProperties(dir.File("absent.properties"), "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIo);
  EXPECT_NE(missing.status().message().find(dir.File("absent.properties")), std::string::npos);
}

}  // namespace
}  // namespace csm::crypto
