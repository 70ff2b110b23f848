// Secrets stay masked whatever shows them: a rule file's report and require_none messages and
// reported rows, fixture replay's differences, `status` (even of a record holding a clear
// secret), details named like secrets (db.cloud.password), and the refusal of a secret too long
// for its column (which tells no length). Rule files may not update or delete rows of
// image_store_details (their rollback would need the secret kept in the journal).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace csm::test {
namespace {

constexpr const char* kSecret = "TopSecret-9f8e7d";          // the one S3Args gives
constexpr const char* kOldSecret = "OldStoreSecret-7c1a";    // an existing store's secretkey
constexpr const char* kOldPassword = "OldStorePassword-42";  // a detail named like a secret

std::string ShippedRules() {
  std::ifstream in(SourceDir() + "/rules/nfs-to-object-store.yaml");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The shipped rule file with `steps` (YAML list items, indented as its steps) added after its
// last step, written to `path`.
std::string RulesWithSteps(const std::string& path, const std::string& steps) {
  std::string text = ShippedRules();
  const auto at = text.find("\nrollback_guards:");
  EXPECT_NE(at, std::string::npos);
  text.insert(at + 1, steps + "\n");
  std::ofstream(path) << text;
  return path;
}

class SecretMasking : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    // Details of the existing NFS store, as a cloud converted before might hold.
    ExecSql(db_, std::string("INSERT INTO image_store_details (store_id, name, value) VALUES (1, "
                             "'secretkey', '") +
                     kOldSecret + "'), (1, 'region', 'eu-west-1'), (1, 'db.cloud.password', '" +
                     kOldPassword + "')");
  }

  std::vector<std::string> WithRules(const std::string& command, const std::string& rules) {
    auto args = S3Args(command, db_);
    args.insert(args.end(), {"--rules", rules});
    return args;
  }

  static void ExpectNoSecret(const std::string& text) {
    for (const char* secret : {kSecret, kOldSecret, kOldPassword}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " shown in:\n" << text;
    }
  }

  ScratchDir dir_;
  std::string db_;
};

TEST_F(SecretMasking, AReportOfSecretRowsShowsTheirValuesMasked) {
  const std::string rules = RulesWithSteps(dir_.File("rules.yaml"),
                                           "  - name: show the details\n"
                                           "    report: image_store_details\n"
                                           "    where: {store_id: 1}\n"
                                           "    message: '{name}={value}'\n"
                                           "  - name: show the values\n"
                                           "    report: image_store_details\n"
                                           "    where: {store_id: 1}\n"
                                           "    message: 'value {value}'\n");
  const CommandResult plan = RunCsmigrate(WithRules("plan", rules));
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  ExpectNoSecret(plan.out + plan.err);
  EXPECT_NE(plan.out.find("skipped: secretkey=******"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("skipped: db.cloud.password=******"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("skipped: region=eu-west-1"), std::string::npos) << plan.out;
  // A message without the row's name cannot tell which value is secret: all are masked.
  EXPECT_EQ(plan.out.find("skipped: value eu-west-1"), std::string::npos) << plan.out;

  auto args = WithRules("apply", rules);
  args.push_back("--json");
  const CommandResult applied = RunCsmigrate(args);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ExpectNoSecret(applied.out + applied.err);
  const auto skipped = nlohmann::json::parse(applied.out)["skipped"];
  int secret_rows = 0;
  for (const auto& row : skipped) {
    if (row["step_name"] != "show the details") continue;
    if (row["row"]["name"] == "secretkey" || row["row"]["name"] == "db.cloud.password") {
      EXPECT_EQ(row["row"]["value"], "******") << row.dump();
      ++secret_rows;
    }
    if (row["row"]["name"] == "region") {
      EXPECT_EQ(row["row"]["value"], "eu-west-1");
    }
  }
  EXPECT_EQ(secret_rows, 2) << skipped.dump();
}

TEST_F(SecretMasking, APreconditionShowingASecretRowShowsItMasked) {
  const std::string rules =
      RulesWithSteps(dir_.File("rules.yaml"),
                     "  - name: no old secret\n"
                     "    require_none: image_store_details\n"
                     "    where: {name: secretkey}\n"
                     "    message: 'store {store_id} keeps {name}={value}'\n");
  const std::string digest = FileDigest(db_);
  for (const char* command : {"plan", "apply"}) {
    const CommandResult r = RunCsmigrate(WithRules(command, rules));
    EXPECT_EQ(r.exit_code, 4) << command << ": " << r.err;
    EXPECT_NE(r.err.find("store 1 keeps secretkey=******"), std::string::npos) << r.err;
    ExpectNoSecret(r.out + r.err);
  }
  EXPECT_EQ(FileDigest(db_), digest);
}

TEST_F(SecretMasking, ARuleFileMayNotUpdateOrDeleteSecretRows) {
  const std::string digest = FileDigest(db_);
  for (const std::string step : {"  - name: rename the old secret\n"
                                 "    update: image_store_details\n"
                                 "    where: {store_id: 1, name: secretkey}\n"
                                 "    set: {name: old-secretkey}\n",
                                 "  - name: forget the old details\n"
                                 "    delete: image_store_details\n"
                                 "    where: {store_id: 1}\n"}) {
    const std::string rules = RulesWithSteps(dir_.File("rules.yaml"), step);
    const CommandResult r = RunCsmigrate(WithRules("apply", rules));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("rules.yaml:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("would need the secret kept in csmigrate's journal"), std::string::npos)
        << r.err;
  }
  EXPECT_EQ(FileDigest(db_), digest);
}

// A detail named like a secret (here db.cloud.password, given by mistake) is masked wherever the
// run shows or keeps it, and nothing stored lets it be confirmed.
TEST_F(SecretMasking, ADetailNamedLikeASecretIsMaskedEverywhere) {
  auto with_password = [&](const std::string& command, const std::string& db,
                           const std::string& password) {
    auto args = S3Args(command, db);
    args.insert(args.end(), {"--detail", "db.cloud.password=" + password, "--json"});
    return args;
  };
  const CommandResult plan = RunCsmigrate(with_password("plan", db_, "NewPassword-1"));
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_EQ((plan.out + plan.err).find("NewPassword-1"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("'db.cloud.password', '******'"), std::string::npos) << plan.out;

  // Two clouds converted alike but for the password.
  const std::string first = dir_.File("first.db"), other = dir_.File("other.db");
  CreateCloudDb(first, SourceDir() + "/fixtures/basic-s3");
  CreateCloudDb(other, SourceDir() + "/fixtures/basic-s3");
  const CommandResult a = RunCsmigrate(with_password("apply", first, "NewPassword-1"));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const CommandResult b = RunCsmigrate(with_password("apply", other, "NewPassword-2"));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ((a.out + a.err).find("NewPassword-1"), std::string::npos) << a.out;
  EXPECT_EQ(Cell(first, "SELECT value FROM image_store_details WHERE name = 'db.cloud.password'"),
            "NewPassword-1");
  EXPECT_EQ(Cell(first, "SELECT COUNT(*) FROM csm_run WHERE params_json LIKE '%NewPassword%'"),
            "0");
  for (const char* json : {"", "--json"}) {
    std::vector<std::string> args = {"status", "--db", "sqlite://" + first};
    if (*json) args.push_back(json);
    const CommandResult status = RunCsmigrate(args);
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(status.out.find("NewPassword-1"), std::string::npos) << status.out;
  }
  // The journal's digests of the detail rows and the parameter checksum are the same whatever
  // the password: none of them lets it be confirmed.
  const std::string stored =
      "SELECT group_concat(x, ',') FROM (SELECT params_checksum AS x FROM csm_run UNION ALL "
      "SELECT COALESCE(j.after_image, a.after_image) FROM csm_journal j LEFT JOIN "
      "csm_journal_after a ON a.run_id = j.run_id AND a.table_name = j.table_name AND a.row_id "
      "= j.row_id WHERE j.table_name = 'image_store_details' ORDER BY 1)";
  EXPECT_EQ(Cell(first, stored), Cell(other, stored));
}

TEST_F(SecretMasking, StatusMasksASecretARecordHoldsInClear) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  // As an older csmigrate, or someone with write access to csm_run, may have left it.
  ExecSql(db_, std::string("UPDATE csm_run SET params_json = replace(params_json, "
                           "'\"secretkey\":\"******\"', '\"secretkey\":\"") +
                   kSecret + "\",\"db.cloud.encrypt.secret\":\"" + kOldPassword + "\"')");
  ASSERT_EQ(Cell(db_, std::string("SELECT COUNT(*) FROM csm_run WHERE params_json LIKE '%") +
                          kSecret + "%'"),
            "1");
  const CommandResult text = RunCsmigrate({"status", "--db", "sqlite://" + db_});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ExpectNoSecret(text.out + text.err);
  EXPECT_NE(text.out.find("\"secretkey\":\"******\""), std::string::npos) << text.out;
  const CommandResult json = RunCsmigrate({"status", "--db", "sqlite://" + db_, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ExpectNoSecret(json.out + json.err);
  const auto details = nlohmann::json::parse(json.out)["runs"][0]["parameters"]["details"];
  EXPECT_EQ(details["secretkey"], "******");
  EXPECT_EQ(details["db.cloud.encrypt.secret"], "******");
  EXPECT_EQ(details["bucket"], "cs-secondary");
}

TEST_F(SecretMasking, ASecretTooLongForItsColumnIsRefusedWithoutItsLength) {
  const std::string digest = FileDigest(db_);
  auto args = S3Args("apply", db_);
  for (auto& a : args) {
    if (a == std::string("secretkey=") + kSecret) a = "secretkey=" + std::string(317, 's');
  }
  const CommandResult r = RunCsmigrate(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--detail secretkey is longer than image_store_details.value holds (at "
                       "most 255)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("317"), std::string::npos) << r.err;
  EXPECT_EQ(FileDigest(db_), digest);
  // Another detail's length is told, as any value's.
  args = S3Args("apply", db_);
  args.insert(args.end(), {"--detail", "region=" + std::string(300, 'r')});
  const CommandResult region = RunCsmigrate(args);
  EXPECT_EQ(region.exit_code, 2) << region.err;
  EXPECT_NE(region.err.find("300"), std::string::npos) << region.err;
}

// fixture replay's differences in a secret's value name the row and column, never the values.
TEST(SecretMaskingReplay, ADifferenceInASecretShowsNeitherValue) {
  ScratchDir dir;
  const std::filesystem::path fixture = dir.File("basic-s3");
  std::filesystem::create_directory(fixture);
  std::ifstream in(SourceDir() + "/fixtures/basic-s3/fixture.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The run writes the secret of params; the expected after-rows now say another.
  const std::string written = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const std::string expected_row = "{id: 3, store_id: 2, name: secretkey, value: " + written + "}";
  const auto at = text.find(expected_row);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, expected_row.size(), "{id: 3, store_id: 2, name: secretkey, value: Expected-9}");
  std::ofstream(fixture / "fixture.yaml") << text;
  for (const char* json : {"", "--json"}) {
    std::vector<std::string> args = {"fixture", "replay", fixture.string(), "--db",
                                     "sqlite://" + dir.File(std::string("r") + json + ".db")};
    if (*json) args.push_back(json);
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("value: expected '******', got '******'"), std::string::npos) << r.out;
    EXPECT_EQ((r.out + r.err).find(written), std::string::npos) << r.out;
    EXPECT_EQ((r.out + r.err).find("Expected-9"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace csm::test
