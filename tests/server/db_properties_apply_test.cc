// `--db-properties`: CloudStack's own configuration names the database and its password (ENC()
// with the management key), and when the installation encrypts, secret details are stored in the
// format it reads (V1 or V2, cloudstack.md §6).
#include <gtest/gtest.h>

#include <fstream>

#include "crypto/secret_cipher.h"
#include "fixture/fixture.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

constexpr const char* kManagementKey = "managementkey";
constexpr const char* kDbSecret = "dbsecret-42";
constexpr const char* kS3Secret = "TopSecret-9f8e7d";

struct Case {
  std::string label;
  std::string version_property;  // db.cloud.encryptor.version
  std::string init_row_version;  // "" = no configuration 'init' row; else V1/V2
  crypto::EncryptorVersion expected;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.label;
}

class DbPropertiesApply : public ::testing::TestWithParam<Case> {};

TEST_P(DbPropertiesApply, StoresSecretsAsTheInstallationReadsThem) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  if (!GetParam().init_row_version.empty()) {
    const auto version = GetParam().init_row_version == "V2" ? crypto::EncryptorVersion::kV2
                                                             : crypto::EncryptorVersion::kV1;
    auto init = crypto::Encrypt(version, kDbSecret, "init-marker");
    ASSERT_TRUE(init.ok());
    ASSERT_TRUE(db.conn()
                    .ExecuteScript("CREATE TABLE configuration (name VARCHAR(255) PRIMARY KEY, "
                                   "value VARCHAR(4095))")
                    .ok());
    ASSERT_TRUE(db.conn().Execute("INSERT INTO configuration VALUES ('init', ?)", {*init}).ok());
  }
  // db.properties as CloudStack writes it, password and secret ENC() with the management key.
  ScratchDir dir;
  const std::string url = db.url();  // mysql://cloud@127.0.0.1:PORT/NAME
  const std::string host_port = url.substr(url.find('@') + 1, url.rfind('/') - url.find('@') - 1);
  const std::string port = host_port.substr(host_port.find(':') + 1);
  auto password = crypto::Encrypt(crypto::EncryptorVersion::kV2, kManagementKey, "cloud");
  auto secret = crypto::Encrypt(crypto::EncryptorVersion::kV1, kManagementKey, kDbSecret);
  ASSERT_TRUE(password.ok() && secret.ok());
  std::ofstream(dir.File("key")) << kManagementKey << "\n";
  std::ofstream(dir.File("db.properties"))
      << "# CloudStack database\ndb.cloud.host=127.0.0.1\ndb.cloud.port=" << port
      << "\ndb.cloud.username=cloud\ndb.cloud.password=ENC(" << *password
      << ")\ndb.cloud.name=" << url.substr(url.rfind('/') + 1)
      << "\ndb.cloud.encryption.type=file\ndb.cloud.encrypt.secret=ENC(" << *secret
      << ")\ndb.cloud.encryptor.version=" << GetParam().version_property << "\n";

  CommandResult r =
      RunCsmigrate({"apply", "--db-properties", dir.File("db.properties"), "--key-file",
                    dir.File("key"), "--provider", "S3", "--name", "s3-region", "--detail",
                    "bucket=b", "--detail", "accesskey=AK", "--detail",
                    std::string("secretkey=") + kS3Secret, "--detail", "endpoint=e:9000"},
                   {"MYSQL_PWD="});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((r.out + r.err).find(kS3Secret), std::string::npos);

  auto rows = db.conn().Query(
      "SELECT d.name, d.value FROM image_store_details d JOIN image_store s ON s.id = d.store_id "
      "WHERE s.name = 's3-region' ORDER BY d.id");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->rows.size(), 4u);
  for (const auto& row : rows->rows) {
    const std::string name = db::ToDisplay(row[0]), value = db::ToDisplay(row[1]);
    if (name != "secretkey") continue;
    EXPECT_NE(value, kS3Secret);
    auto plain = crypto::Decrypt(GetParam().expected, kDbSecret, value);
    ASSERT_TRUE(plain.ok()) << plain.status().message();
    EXPECT_EQ(*plain, kS3Secret);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Versions, DbPropertiesApply,
    ::testing::Values(Case{"forced_v1", "V1", "V2", crypto::EncryptorVersion::kV1},
                      Case{"forced_v2", "V2", "", crypto::EncryptorVersion::kV2},
                      Case{"init_row_v2", "", "V2", crypto::EncryptorVersion::kV2},
                      Case{"init_row_v1", "", "V1", crypto::EncryptorVersion::kV1},
                      Case{"before_4_18_no_init_row", "", "", crypto::EncryptorVersion::kV1}),
    [](const auto& info) { return info.param.label; });

TEST(DbPropertiesApplyErrors, SecretTooLongForTheColumnIsRefusedBeforeAnyWrite) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  const std::string before = DumpCloudTables(db.conn());
  ScratchDir dir;
  WriteEncryptingDbProperties(dir.File("db.properties"), db.url());
  CommandResult r =
      RunCsmigrate({"apply", "--db-properties", dir.File("db.properties"), "--provider", "S3",
                    "--detail", "bucket=b", "--detail", "accesskey=AK", "--detail",
                    "secretkey=" + std::string(162, 'x'), "--detail", "endpoint=e"},
                   {"MYSQL_PWD="});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("at most 161 bytes"), std::string::npos) << r.err;
  EXPECT_EQ(DumpCloudTables(db.conn()), before);
}

}  // namespace
}  // namespace csm::test
