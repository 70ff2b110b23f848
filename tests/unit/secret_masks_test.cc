// Which details are secrets, and the masks that hide their values wherever csmigrate shows or
// digests a row of a detail table (rules/secret_masks.h), shows a run's parameters
// (rules/run_parameters.h) or binds them in a plan (rules/sql.h).
#include "rules/secret_masks.h"

#include <gtest/gtest.h>

#include "rules/rule_loader.h"
#include "rules/sql.h"

namespace csm::rules {
namespace {

RuleSet Shipped() {
  auto rules = LoadRuleFile(std::string(CSM_SOURCE_DIR) + "/rules/nfs-to-object-store.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  return *rules;
}

TEST(SecretNames, NamesHoldingSecretOrPasswordInAnyCaseAreSecrets) {
  const std::set<std::string> declared = SecretNames(Shipped());
  for (const char* name : {"secretkey", "key", "password", "db.cloud.password",
                           "db.cloud.encrypt.secret", "DB.CLOUD.PASSWORD", "ClientSecret"}) {
    EXPECT_TRUE(IsSecretName(declared, name)) << name;
  }
  for (const char* name : {"bucket", "accesskey", "Key", "endpoint", "usehttps"}) {
    EXPECT_FALSE(IsSecretName(declared, name)) << name;
  }
  RunParameters params;
  params.maps["details"] = {{"bucket", "b"}, {"db.cloud.password", "p"}};
  const std::set<std::string> run = SecretNames(Shipped(), params);
  EXPECT_TRUE(run.count("db.cloud.password"));
  EXPECT_FALSE(run.count("bucket"));
  const std::string masked = MaskedParametersJson(Shipped(), params);
  EXPECT_EQ(masked, R"({"details":{"bucket":"b","db.cloud.password":"******"}})");
}

TEST(SecretMasks, ImageStoreDetailsIsMaskedWhateverTheRuleFileInserts) {
  RuleSet rules = Shipped();
  std::erase_if(rules.steps, [](const Step& s) { return s.kind == Step::Kind::kInsertEach; });
  RunParameters params;
  params.maps["details"] = {{"my.secret", "x"}};
  const auto masks = SecretMasks(rules, params);
  ASSERT_EQ(masks.count("image_store_details"), 1u);
  const db::DigestMask& mask = masks.at("image_store_details");
  EXPECT_EQ(mask.key_column, "name");
  EXPECT_EQ(mask.value_column, "value");
  EXPECT_NE(std::find(mask.keys.begin(), mask.keys.end(), "my.secret"), mask.keys.end());
  EXPECT_NE(std::find(mask.keys.begin(), mask.keys.end(), "secretkey"), mask.keys.end());
}

TEST(SecretMasks, ARowShowsItsSecretValueMasked) {
  const auto masks = SecretMasks(Shipped(), {});
  const std::vector<std::string> columns = {"id", "name", "value"};
  auto shown = [&](const std::string& table, const std::vector<std::string>& cols,
                   const db::Row& row) { return MaskedRow(masks, table, cols, row); };
  EXPECT_EQ(shown("image_store_details", columns, {int64_t{1}, "secretkey", "s3cr3t"})[2],
            db::Value("******"));
  EXPECT_EQ(shown("image_store_details", columns, {int64_t{1}, "db.cloud.password", "pw"})[2],
            db::Value("******"));
  EXPECT_EQ(shown("image_store_details", columns, {int64_t{1}, "bucket", "b"})[2], db::Value("b"));
  EXPECT_TRUE(db::IsNull(shown("image_store_details", columns, {int64_t{1}, "key", {}})[2]));
  // Without the row's name, which value is a secret cannot be told: it is masked.
  EXPECT_EQ(shown("image_store_details", {"id", "value"}, {int64_t{1}, "b"})[1],
            db::Value("******"));
  // Other tables are shown as they are.
  EXPECT_EQ(shown("image_store", columns, {int64_t{1}, "secretkey", "s"})[2], db::Value("s"));
}

TEST(SecretMasks, AStoredRecordIsMaskedAgainForDisplay) {
  EXPECT_EQ(RemaskedParametersJson(
                R"({"name":"s3","details":{"secretkey":"clear","bucket":"b","x.password":"p"}})"),
            R"({"name":"s3","details":{"secretkey":"******","bucket":"b","x.password":"******"}})");
  EXPECT_EQ(RemaskedParametersJson("{\"details\":{\"secretkey\":\"clear\""), std::nullopt);
  EXPECT_EQ(RemaskedParametersJson("[\"secretkey\", \"clear\"]"), std::nullopt);
}

TEST(SecretValues, APlanBindsAMaskInPlaceOfASecret) {
  db::Statement sql;
  sql.Append("INSERT INTO t (name, value) VALUES (");
  sql.Bind("secretkey").Append(", ");
  sql.Bind({db::StatementParam::Kind::kValue, "TopSecret-1", "", true}).Append("), (");
  sql.Bind("key").Append(", ");
  sql.Bind({db::StatementParam::Kind::kValue, "abc", "", true}).Append(")");
  auto real = ResolveParams(sql, {}, 0);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ((*real)[1], db::Value("TopSecret-1"));
  auto masked = ResolveParams(sql, {}, 0, SecretValues::kMasked);
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ((*masked)[0], db::Value("secretkey"));
  EXPECT_EQ((*masked)[1], db::Value("******"));
  EXPECT_EQ((*masked)[3], db::Value("***")) << "no longer than the value, to fit where it does";
}

}  // namespace
}  // namespace csm::rules
