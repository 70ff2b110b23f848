// An installation that encrypts its database values: the S3 secret key in image_store_details is
// ciphertext, which reconcile decrypts with db.properties' secret (as CloudStack reads it) before
// signing; without db.properties the same store cannot be listed, and that is exit 2, not a report.
#include <gtest/gtest.h>

#include <fstream>

#include "fixture/fixture.h"
#include "server_support.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

TEST(ReconcileEncrypted, DecryptsTheSecretKeyWithDbProperties) {
  CSM_REQUIRE_SWIFT(url);
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok());
  ASSERT_TRUE(fixture::LoadBeforeRows(db.conn(), *fixture).ok());
  ScratchDir dir;
  const std::string& db_url = db.url();
  const std::string port =
      db_url.substr(db_url.rfind(':') + 1, db_url.rfind('/') - db_url.rfind(':') - 1);
  const std::string properties = dir.File("db.properties");
  std::ofstream(properties) << "db.cloud.host=127.0.0.1\ndb.cloud.port=" << port
                            << "\ndb.cloud.username=cloud\ndb.cloud.password=cloud\ndb.cloud.name="
                            << db_url.substr(db_url.rfind('/') + 1)
                            << "\ndb.cloud.encryption.type=env\ndb.cloud.encrypt.secret=s3cr3t\n"
                            << "db.cloud.encryptor.version=V2\n";
  const std::string bucket = UniqueName("csm-enc");
  CreateContainer(url, bucket);
  const CommandResult applied =
      RunCsmigrate({"apply", "--db-properties", properties, "--provider", "S3", "--name", "objects",
                    "--detail", "bucket=" + bucket, "--detail", "accesskey=test:tester", "--detail",
                    "secretkey=testing", "--detail", "endpoint=" + url},
                   {"MYSQL_PWD="});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  auto stored = db.conn().Query(
      "SELECT value FROM image_store_details WHERE store_id = 2 AND name = 'secretkey'");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->rows.size(), 1u);
  EXPECT_NE(db::ToDisplay(stored->rows[0][0]), "testing") << "the secret was stored in clear";

  const CommandResult r = RunCsmigrate(
      {"reconcile", "--db-properties", properties, "--store", "2", "--format", "jsonl"},
      {"MYSQL_PWD="});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"record\":\"store\",\"store_id\":2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"listed\":true"), std::string::npos) << r.out;

  const CommandResult without = RunCsmigrate({"reconcile", "--db", db_url, "--store", "2"});
  EXPECT_EQ(without.exit_code, 2) << without.out;
  EXPECT_NE(without.err.find("SignatureDoesNotMatch"), std::string::npos) << without.err;
}

}  // namespace
}  // namespace csm::test
