#include "rules/run_parameters.h"

#include <gtest/gtest.h>

#include "rules/rule_checksum.h"
#include "rules/rule_loader.h"

namespace csm::rules {
namespace {

RuleSet Shipped() {
  auto rules = LoadRuleFile(std::string(CSM_SOURCE_DIR) + "/rules/nfs-to-object-store.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  return *rules;
}

RunParameters S3(KeyValues details) {
  RunParameters p;
  p.scalars["provider"] = "S3";
  p.scalars["name"] = "s3";
  p.maps["details"] = std::move(details);
  return p;
}

const KeyValues kS3 = {{"bucket", "b"}, {"accesskey", "a"}, {"secretkey", "s"}, {"endpoint", "e"}};

TEST(RunParameters, ProviderMustBeExactlyS3OrSwift) {
  RunParameters p = S3(kS3);
  EXPECT_TRUE(ValidateParameters(Shipped(), p).ok());
  for (const char* wrong : {"s3", "swift", "SWIFT", "S3 ", ""}) {
    p.scalars["provider"] = wrong;
    Status s = ValidateParameters(Shipped(), p);
    EXPECT_FALSE(s.ok()) << wrong;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  }
}

TEST(RunParameters, EachProviderNeedsItsDetails) {
  for (const auto& missing : {"bucket", "accesskey", "secretkey", "endpoint"}) {
    KeyValues details;
    for (const auto& kv : kS3) {
      if (kv.first != missing) details.push_back(kv);
    }
    Status s = ValidateParameters(Shipped(), S3(details));
    ASSERT_FALSE(s.ok()) << missing;
    EXPECT_NE(s.message().find(std::string("--detail ") + missing), std::string::npos);
  }
  RunParameters swift;
  swift.scalars["provider"] = "Swift";
  swift.maps["details"] = {{"account", "a"}, {"username", "u"}, {"key", ""}};
  Status s = ValidateParameters(Shipped(), swift);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--detail key=VALUE"), std::string::npos) << s.message();
}

TEST(RunParameters, DerivesNameAndProtocolAsCloudStackDoes) {
  RuleSet rules = Shipped();
  RunParameters p = S3(kS3);
  Bindings b = DeriveBindings(rules, p, "uuid-1", "2026-01-01 00:00:00");
  EXPECT_EQ(std::get<std::string>(b.scalars["store_name"]), "s3");
  EXPECT_EQ(std::get<std::string>(b.scalars["protocol"]), "http");
  p.maps["details"].push_back({"usehttps", "True"});
  p.scalars.erase("name");
  p.scalars["url"] = "http://u";
  b = DeriveBindings(rules, p, "uuid-1", "2026-01-01 00:00:00");
  EXPECT_EQ(std::get<std::string>(b.scalars["store_name"]), "http://u");
  EXPECT_EQ(std::get<std::string>(b.scalars["protocol"]), "https");
  p.scalars.erase("url");
  b = DeriveBindings(rules, p, "uuid-1", "2026-01-01 00:00:00");
  EXPECT_EQ(std::get<std::string>(b.scalars["store_name"]), "uuid-1");
  // Swift is always http.
  RunParameters swift;
  swift.scalars["provider"] = "Swift";
  swift.maps["details"] = {{"usehttps", "true"}};
  b = DeriveBindings(rules, swift, "u", "n");
  EXPECT_EQ(std::get<std::string>(b.scalars["protocol"]), "http");
}

TEST(RunParameters, MasksSecretsAndChecksumsCanonically) {
  RuleSet rules = Shipped();
  const std::string masked = MaskedParametersJson(rules, S3(kS3));
  EXPECT_EQ(masked.find("\"s\""), std::string::npos) << masked;
  EXPECT_NE(masked.find("\"secretkey\":\"******\""), std::string::npos) << masked;
  KeyValues reordered(kS3.rbegin(), kS3.rend());
  EXPECT_EQ(ParametersChecksum(rules, S3(kS3)), ParametersChecksum(rules, S3(reordered)));
  KeyValues other = kS3;
  other[0].second = "different";
  EXPECT_NE(ParametersChecksum(rules, S3(kS3)), ParametersChecksum(rules, S3(other)));
}

// The ledger's checksum lets no one confirm a guessed secret: the secret's value does not enter
// it (the applied run's secret is compared with the row it wrote instead: applied_secrets.h).
TEST(RunParameters, TheChecksumLeavesSecretsOut) {
  RuleSet rules = Shipped();
  KeyValues other = kS3;
  other[2].second = "another secret";
  EXPECT_EQ(ParametersChecksum(rules, S3(kS3)), ParametersChecksum(rules, S3(other)));
  KeyValues without = {kS3[0], kS3[1], kS3[3]};
  EXPECT_NE(ParametersChecksum(rules, S3(kS3)), ParametersChecksum(rules, S3(without)))
      << "whether a secret was given still counts";
}

// CloudStack's own secrets are masked whatever the rule file declares.
TEST(RunParameters, CloudStackSecretsAreMaskedWhateverTheRuleFileSays) {
  RuleSet rules = Shipped();
  for (auto& provider : rules.providers) provider.secret_details.clear();
  RunParameters p = S3(kS3);
  p.maps["details"].emplace_back("key", "swift-secret");
  const std::string masked = MaskedParametersJson(rules, p);
  EXPECT_EQ(masked.find("\"s\""), std::string::npos) << masked;
  EXPECT_EQ(masked.find("swift-secret"), std::string::npos) << masked;
  EXPECT_TRUE(SecretNames(rules).count("secretkey"));
}

TEST(RunParameters, RefusesASecretNameInAnotherCase) {
  KeyValues details = {kS3[0], kS3[1], kS3[3], {"SecretKey", "hidden"}, {"secretkey", "s"}};
  Status s = ValidateParameters(Shipped(), S3(details));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--detail SecretKey: CloudStack only reads the secret detail "
                             "'secretkey'"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("hidden"), std::string::npos) << s.message();
}

TEST(RuleChecksum, IgnoresFormattingCommentsAndMessagesButNotMeaning) {
  const std::string a =
      "name: t\nsteps:\n  - {name: s, update: x, where: {a: 1, b: 2}, set: {c: 3}}\n";
  const std::string b =
      "# a comment\nname: t\ndescription: words\nsteps:\n  - name: s\n    set: {c: 3}\n"
      "    where:\n      a: 1\n      b: 2\n    update: x\n";
  const std::string c =
      "name: t\nsteps:\n  - {name: s, update: x, where: {a: 1, b: 2}, set: {c: 4}}\n";
  auto ra = LoadRuleText(a, "a");
  auto rb = LoadRuleText(b, "b");
  auto rc = LoadRuleText(c, "c");
  ASSERT_TRUE(ra.ok() && rb.ok() && rc.ok());
  EXPECT_EQ(RuleChecksum(*ra), RuleChecksum(*rb));
  EXPECT_NE(RuleChecksum(*ra), RuleChecksum(*rc));
}

// A report's message is wording; what it selects is meaning. not_in is not in.
TEST(RuleChecksum, CountsReportsAndNotInButNotReportMessages) {
  auto checksum = [](const std::string& where, const std::string& message) {
    auto rules = LoadRuleText("name: t\nsteps:\n  - {name: r, report: refs, where: " + where +
                                  ", message: '" + message + "'}\n",
                              "r");
    EXPECT_TRUE(rules.ok()) << rules.status().message();
    return rules.ok() ? RuleChecksum(*rules) : "";
  };
  const std::string in = "{obj: {in: {from: refs, select: obj}}}";
  const std::string not_in = "{obj: {not_in: {from: refs, select: obj}}}";
  EXPECT_EQ(checksum(not_in, "row {id}"), checksum(not_in, "row {id} is left alone"));
  EXPECT_NE(checksum(not_in, "row {id}"), checksum(in, "row {id}"));
  EXPECT_NE(checksum(not_in, "row {id}"), checksum("{obj: 1}", "row {id}"));
  auto update = LoadRuleText(
      "name: t\nsteps:\n  - {name: r, update: refs, where: " + not_in + ", set: {obj: 1}}\n", "u");
  ASSERT_TRUE(update.ok()) << update.status().message();
  EXPECT_NE(RuleChecksum(*update), checksum(not_in, "row {id}")) << "the step kind counts";
}

}  // namespace
}  // namespace csm::rules
