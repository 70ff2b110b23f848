// The CloudStack model (cloudstack/) read from an SQLite database built in the test with
// CloudStack's schema: image stores with their details (secrets decrypted), retire verdicts of
// staging stores.
#include <gtest/gtest.h>

#include "cloudstack/image_stores.h"
#include "cloudstack/ref_tables.h"
#include "cloudstack/retire_verdict.h"
#include "crypto/secret_cipher.h"
#include "db/database_url.h"
#include "test_support.h"

namespace csm::cloudstack {
namespace {

constexpr const char* kDbSecret = "managementsecret";

// fixtures/basic-s3 before its conversion: NFS store 1 (zone 1) holding template 201, snapshot
// 11 (a Primary row and an Image row) and volume 41, every ref_cnt 0.
class CatalogOnSqlite : public ::testing::Test {
 protected:
  void SetUp() override {
    test::CreateCloudDb(db_, test::SourceDir() + "/fixtures/basic-s3");
    auto url = db::ParseDatabaseUrl("sqlite://" + db_);
    ASSERT_TRUE(url.ok());
    auto conn = db::OpenDatabase(*url);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    conn_ = std::move(*conn);
    auto tables = DescribeRefTables(*conn_);
    ASSERT_TRUE(tables.ok()) << tables.status().message();
    tables_ = *tables;
  }

  void Sql(const std::string& statement) { test::ExecSql(db_, statement); }

  // Store 2: a region-wide S3 store (role Image, no zone) with an encrypted secretkey.
  void AddS3RegionStore() {
    Sql("INSERT INTO image_store (id, name, image_provider_name, protocol, url, data_center_id, "
        "scope, role, uuid, created) VALUES (2, 's3-region', 'S3', 'https', NULL, NULL, 'REGION', "
        "'Image', 'u-2', '2026-01-01 00:00:00')");
    auto secret = crypto::Encrypt(crypto::EncryptorVersion::kV2, kDbSecret, "wJalrXUtnFEMI");
    ASSERT_TRUE(secret.ok()) << secret.status().message();
    Sql("INSERT INTO image_store_details (id, store_id, name, value) VALUES (1, 2, 'bucket', "
        "'cs-secondary'), (2, 2, 'secretkey', '" +
        *secret + "')");
  }

  RetireVerdict VerdictOfStore1() {
    auto verdicts = RetireVerdicts(*conn_, tables_, {1});
    EXPECT_TRUE(verdicts.ok()) << verdicts.status().message();
    EXPECT_EQ(verdicts->size(), 1u);
    return verdicts.ok() && !verdicts->empty() ? verdicts->front() : RetireVerdict{};
  }

  test::ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::unique_ptr<db::Connection> conn_;
  std::vector<RefTable> tables_;
};

TEST_F(CatalogOnSqlite, ImageStoresAreTheLiveRowsInIdOrderWithDecryptedSecrets) {
  AddS3RegionStore();
  Sql("INSERT INTO image_store (id, name, image_provider_name, protocol, data_center_id, scope, "
      "role, uuid, created, removed) VALUES (3, 'gone', 'NFS', 'nfs', 1, 'ZONE', 'Image', 'u-3', "
      "'2026-01-01 00:00:00', '2026-01-02 00:00:00')");
  auto stores = ReadImageStores(*conn_, {}, std::string(kDbSecret));
  ASSERT_TRUE(stores.ok()) << stores.status().message();
  ASSERT_EQ(stores->size(), 2u) << "a removed store is not read";
  const ImageStoreRow& nfs = (*stores)[0];
  EXPECT_EQ(nfs.id, 1);
  EXPECT_EQ(nfs.name, "nfs-zone1");
  EXPECT_EQ(nfs.provider, "NFS");
  EXPECT_EQ(nfs.url, std::optional<std::string>("nfs://10.0.0.2/export/secondary"));
  EXPECT_EQ(nfs.data_center_id, std::optional<int64_t>(1));
  EXPECT_FALSE(nfs.is_staging());
  EXPECT_FALSE(nfs.is_region_image_store()) << "a zone store";
  const ImageStoreRow& s3 = (*stores)[1];
  EXPECT_EQ(s3.id, 2);
  EXPECT_EQ(s3.url, std::nullopt);
  EXPECT_EQ(s3.data_center_id, std::nullopt);
  EXPECT_TRUE(s3.is_region_image_store());
  EXPECT_EQ(s3.details, (std::map<std::string, std::string>{{"bucket", "cs-secondary"},
                                                            {"secretkey", "wJalrXUtnFEMI"}}));
}

TEST_F(CatalogOnSqlite, ImageStoresCanBeLimitedToSomeIdsAndNameOneThatIsNoLiveStore) {
  AddS3RegionStore();
  auto only = ReadImageStores(*conn_, {2}, std::string(kDbSecret));
  ASSERT_TRUE(only.ok()) << only.status().message();
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ(only->front().id, 2);
  auto missing = ReadImageStores(*conn_, {1, 9}, std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "--store 9: no image_store row with that id that is not removed");
}

TEST_F(CatalogOnSqlite, ASecretThatDoesNotDecryptNamesTheStoreAndDetailButNotTheValue) {
  AddS3RegionStore();
  auto stores = ReadImageStores(*conn_, {}, std::string("another-secret"));
  ASSERT_FALSE(stores.ok());
  EXPECT_EQ(stores.status().code(), ErrorCode::kCrypto);
  EXPECT_NE(stores.status().message().find("image store 2: detail 'secretkey' does not decrypt "
                                           "with the database secret of db.properties"),
            std::string::npos)
      << stores.status().message();
  EXPECT_EQ(stores.status().message().find("another-secret"), std::string::npos);
  // Without the installation's secret, the stored text is read as it is.
  auto plain = ReadImageStores(*conn_, {2}, std::nullopt);
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_NE(plain->front().details.at("secretkey"), "wJalrXUtnFEMI");
}

TEST_F(CatalogOnSqlite, AStagingStoreWithNoLivePinIsRetirable) {
  Sql("UPDATE image_store SET role = 'ImageCache' WHERE id = 1");
  const RetireVerdict verdict = VerdictOfStore1();
  EXPECT_EQ(verdict.store_id, 1);
  EXPECT_TRUE(verdict.retirable()) << verdict.HeldBy();
  EXPECT_EQ(verdict.HeldBy(), "");
}

TEST_F(CatalogOnSqlite, LiveRowsWithRefCntHoldTheStorePerTable) {
  Sql("UPDATE image_store SET role = 'ImageCache' WHERE id = 1");
  Sql("UPDATE template_store_ref SET ref_cnt = 2 WHERE id = 1");
  Sql("UPDATE snapshot_store_ref SET ref_cnt = 1");  // the Primary row (id 1) does not count
  Sql("UPDATE volume_store_ref SET ref_cnt = -1 WHERE id = 1");
  const RetireVerdict verdict = VerdictOfStore1();
  EXPECT_FALSE(verdict.retirable());
  EXPECT_EQ(verdict.held_by,
            (std::map<std::string, int64_t>{
                {"snapshot_store_ref", 1}, {"template_store_ref", 1}, {"volume_store_ref", 1}}));
  EXPECT_EQ(verdict.HeldBy(),
            "1 snapshot_store_ref rows, 1 template_store_ref rows, 1 volume_store_ref rows with "
            "ref_cnt <> 0");

  // Destroyed rows hold nothing.
  Sql("UPDATE template_store_ref SET destroyed = 1 WHERE id = 1");
  Sql("UPDATE snapshot_store_ref SET state = 'Destroyed' WHERE id = 2");
  Sql("UPDATE volume_store_ref SET destroyed = 1 WHERE id = 1");
  EXPECT_TRUE(VerdictOfStore1().retirable()) << VerdictOfStore1().HeldBy();
}

TEST_F(CatalogOnSqlite, TheOnlyCopyOfASystemTemplateHoldsTheStoreUntilARegionStoreHasIt) {
  Sql("UPDATE image_store SET role = 'ImageCache' WHERE id = 1");
  Sql("UPDATE vm_template SET type = 'SYSTEM' WHERE id = 201");
  RetireVerdict verdict = VerdictOfStore1();
  EXPECT_FALSE(verdict.retirable());
  EXPECT_TRUE(verdict.held_by.empty());
  EXPECT_EQ(verdict.system_templates, 1);
  EXPECT_EQ(verdict.HeldBy(),
            "the only copy of 1 SYSTEM template (no object store has it yet: csmigrate drain "
            "pushes it)");

  // A Ready copy on the region object store releases it.
  AddS3RegionStore();
  Sql("INSERT INTO template_store_ref (id, store_id, template_id, created, download_pct, "
      "download_state, install_path, state, destroyed, ref_cnt) VALUES (2, 2, 201, "
      "'2026-01-01 00:00:00', 100, 'DOWNLOADED', 'template/tmpl/2/201/x.qcow2', 'Ready', 0, 0)");
  verdict = VerdictOfStore1();
  EXPECT_EQ(verdict.system_templates, 0);
  EXPECT_TRUE(verdict.retirable()) << verdict.HeldBy();
}

TEST_F(CatalogOnSqlite, VerdictsComeInTheOrderAskedAndNoneForNoStore) {
  auto none = RetireVerdicts(*conn_, tables_, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  Sql("UPDATE template_store_ref SET ref_cnt = 1 WHERE id = 1");
  auto two = RetireVerdicts(*conn_, tables_, {5, 1});
  ASSERT_TRUE(two.ok()) << two.status().message();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].store_id, 5);
  EXPECT_TRUE((*two)[0].retirable());
  EXPECT_EQ((*two)[1].store_id, 1);
  EXPECT_EQ((*two)[1].held_by.at("template_store_ref"), 1);
}

}  // namespace
}  // namespace csm::cloudstack
