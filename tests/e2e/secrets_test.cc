// Secrets on SQLite: nothing csmigrate stores lets anyone confirm a guessed secret (the ledger's
// parameter checksum and the journal's digests are the same whatever the secret), a repeated
// apply is still recognised, the same parameters with another secret are refused, and details
// files are read without ever echoing a value.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "db/sqlite_connection.h"
#include "test_support.h"

namespace csm::test {
namespace {

constexpr const char* kSecret = "TopSecret-9f8e7d";  // the one S3Args gives

// S3Args with `secret` as the secretkey.
std::vector<std::string> WithSecret(const std::string& command, const std::string& db,
                                    const std::string& secret) {
  auto args = S3Args(command, db);
  for (auto& a : args) {
    if (a == std::string("secretkey=") + kSecret) a = "secretkey=" + secret;
  }
  return args;
}

// What csmigrate stored about the run's detail rows and parameters, as text: the ledger's
// parameter checksum and the after-image digest of every detail row the run wrote.
std::string StoredDigests(const std::string& db) {
  return Cell(db, "SELECT params_checksum FROM csm_run WHERE id = 1") + "|" +
         Cell(db,
              "SELECT group_concat(digest, ',') FROM (SELECT d.name || '=' || "
              "COALESCE(j.after_image, a.after_image) AS digest FROM csm_journal j JOIN "
              "image_store_details d ON d.id = j.row_id LEFT JOIN csm_journal_after a ON "
              "a.run_id = j.run_id AND a.table_name = j.table_name AND a.row_id = j.row_id WHERE "
              "j.table_name = 'image_store_details' ORDER BY d.name)");
}

// Two clouds converted alike but for the secret: if anything csmigrate stored depended on the
// secret, the two would differ there, and a guess could be confirmed against it.
TEST(Secrets, NothingStoredDependsOnTheSecret) {
  ScratchDir dir;
  const std::string a = dir.File("a.db"), b = dir.File("b.db");
  CreateCloudDb(a, SourceDir() + "/fixtures/basic-s3");
  CreateCloudDb(b, SourceDir() + "/fixtures/basic-s3");
  ASSERT_EQ(RunCsmigrate(WithSecret("apply", a, "first-secret")).exit_code, 0);
  ASSERT_EQ(RunCsmigrate(WithSecret("apply", b, "second-secret")).exit_code, 0);
  const std::string stored_a = StoredDigests(a);
  EXPECT_NE(stored_a.find("secretkey="), std::string::npos) << stored_a;
  EXPECT_EQ(stored_a, StoredDigests(b));
  // After a rollback, the secret is gone from the database and nothing of it stays behind.
  for (const auto& db : {a, b}) {
    CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db, "1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string dump_a = DumpDatabase(a, true);
  EXPECT_EQ(dump_a.find("first-secret"), std::string::npos);
  EXPECT_EQ(Cell(a, "SELECT params_checksum FROM csm_run"),
            Cell(b, "SELECT params_checksum FROM csm_run"));
  EXPECT_EQ(Cell(a,
                 "SELECT group_concat(after_image) FROM csm_journal WHERE table_name = "
                 "'image_store_details'"),
            Cell(b,
                 "SELECT group_concat(after_image) FROM csm_journal WHERE table_name = "
                 "'image_store_details'"));
}

class SecretRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
  }
  ScratchDir dir_;
  std::string db_;
};

TEST_F(SecretRuns, TheSameRunTwiceIsAlreadyAppliedAndAnotherSecretIsRefused) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  CommandResult again = RunCsmigrate(S3Args("apply", db_));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
  CommandResult plan = RunCsmigrate(S3Args("plan", db_));
  EXPECT_EQ(plan.exit_code, 0) << plan.err;

  const std::string before = DumpDatabase(db_, true);
  for (const char* command : {"apply", "plan"}) {
    CommandResult other = RunCsmigrate(WithSecret(command, db_, "Another-Secret-1"));
    EXPECT_EQ(other.exit_code, 5) << command << ": " << other.err;
    EXPECT_NE(other.err.find("run 1 applied these rules with these same parameters but a "
                             "different secretkey"),
              std::string::npos)
        << other.err;
    EXPECT_EQ((other.out + other.err).find("Another-Secret-1"), std::string::npos);
    EXPECT_EQ((other.out + other.err).find(kSecret), std::string::npos);
  }
  EXPECT_EQ(DumpDatabase(db_, true), before);

  // Once that run is rolled back, the other secret is a new conversion.
  ASSERT_EQ(RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"}).exit_code, 0);
  CommandResult fresh = RunCsmigrate(WithSecret("apply", db_, "Another-Secret-1"));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(fresh.out.find("already applied"), std::string::npos) << fresh.out;
}

TEST_F(SecretRuns, ASecretRowDeletedSinceIsRefusedAsUndecidable) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_, "DELETE FROM image_store_details WHERE name = 'secretkey'");
  const std::string before = DumpDatabase(db_, true);
  CommandResult r = RunCsmigrate(S3Args("apply", db_));
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("the secretkey detail it wrote is gone"), std::string::npos) << r.err;
  EXPECT_EQ(DumpDatabase(db_, true), before);
}

// The digests leave the secret's value out, not its row: any other change to the secret's row
// since the run still stops the rollback.
TEST_F(SecretRuns, RollbackStillSeesOtherChangesToTheSecretsRow) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  const std::string store = Cell(db_,
                                 "SELECT store_id FROM image_store_details WHERE name = "
                                 "'secretkey'");
  ExecSql(db_, "UPDATE image_store_details SET store_id = 1 WHERE name = 'secretkey'");
  const std::string before = DumpDatabase(db_, true);
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("image_store_details id"), std::string::npos) << r.err;
  EXPECT_EQ(DumpDatabase(db_, true), before);
  ExecSql(db_, "UPDATE image_store_details SET store_id = " + store + " WHERE name = 'secretkey'");
  ExecSql(db_, "UPDATE image_store_details SET value = 'other' WHERE name = 'accesskey'");
  r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  ExecSql(db_, "UPDATE image_store_details SET value = 'AKIAEXAMPLE' WHERE name = 'accesskey'");
  r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// A run an earlier csmigrate recorded (its checksum over the secret, its digests unmasked, no
// digest_masks in its result) is still listed, recognised when applied again and rolled back
// exactly; the rollback replaces its checksum.
TEST_F(SecretRuns, ARunRecordedBeforeSecretsWereLeftOutStillRollsBack) {
  const std::string before = DumpDatabase(db_);
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  // As the earlier version wrote it: every digest over the whole row, secret included
  // (csm_row_digest exists on csmigrate's own connections).
  {
    auto conn = db::SqliteConnection::Open(db_, false);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    auto updated = (*conn)->Execute(
        "UPDATE csm_journal SET after_image = (SELECT csm_row_digest(d.id, d.store_id, d.name, "
        "d.value) FROM image_store_details d WHERE d.id = csm_journal.row_id) WHERE table_name = "
        "'image_store_details'",
        {});
    ASSERT_TRUE(updated.ok()) << updated.status().message();
    EXPECT_EQ(*updated, 4);
  }
  ExecSql(db_, "UPDATE csm_run SET params_checksum = '" + std::string(64, 'a') +
                   "', result_json = json_remove(result_json, '$.digest_masks')");
  CommandResult status = RunCsmigrate({"status", "--db", "sqlite://" + db_});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  // The same apply is still recognised, by the checksum of the masked parameters it kept.
  CommandResult again = RunCsmigrate(S3Args("apply", db_));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
  CommandResult r = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(DumpDatabase(db_), before);
  // The rollback rewrote the old checksum, from which the secret could have been confirmed.
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_run WHERE params_checksum = '" +
                          std::string(64, 'a') + "'"),
            "0");
}

// A CRLF details file with spaces around '=': keys and values are trimmed, so the secret is
// stored as given and masked in the ledger.
TEST_F(SecretRuns, ADetailsFileIsTrimmedAndItsSecretMasked) {
  const std::string file = dir_.File("s3.properties");
  std::ofstream(file, std::ios::binary)
      << "# S3 credentials\r\nbucket = cs-secondary\r\naccesskey=AKIAEXAMPLE\r\n"
      << "secretkey =" << kSecret << "\r\n\r\nendpoint= e:9000 \r\n";
  CommandResult r = RunCsmigrate({"apply", "--db", "sqlite://" + db_, "--provider", "S3", "--name",
                                  "s3-region", "--details-file", file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Cell(db_, "SELECT value FROM image_store_details WHERE name = 'secretkey'"), kSecret);
  EXPECT_EQ(Cell(db_, "SELECT value FROM image_store_details WHERE name = 'endpoint'"), "e:9000");
  EXPECT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM image_store_details WHERE name LIKE '% %' OR value "
                 "LIKE '%' || char(13)"),
            "0");
  CommandResult status = RunCsmigrate({"status", "--db", "sqlite://" + db_, "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out.find(kSecret), std::string::npos) << status.out;
  const auto runs = nlohmann::json::parse(status.out)["runs"];
  EXPECT_EQ(runs[0]["parameters"]["details"]["secretkey"], "******");
}

TEST_F(SecretRuns, AMalformedDetailsLineIsNamedButNeverEchoed) {
  const std::string file = dir_.File("s3.properties");
  std::ofstream(file) << "bucket=b\naccesskey=a\nsecretkey: " << kSecret << "\nendpoint=e\n";
  const std::string digest = FileDigest(db_);
  CommandResult r = RunCsmigrate(
      {"apply", "--db", "sqlite://" + db_, "--provider", "S3", "--details-file", file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(file + ":3: expected KEY=VALUE (the entry starting with 'secretkey')"),
            std::string::npos)
      << r.err;
  EXPECT_EQ((r.out + r.err).find(kSecret), std::string::npos) << r.err;
  EXPECT_EQ(FileDigest(db_), digest);
}

// CloudStack's secret names are masked even when a rule file forgets to declare them.
TEST_F(SecretRuns, CloudStacksSecretsAreMaskedEvenWhenTheRuleFileDeclaresNone) {
  std::ifstream in(SourceDir() + "/rules/nfs-to-object-store.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* line : {"    secret_details: [secretkey]\n", "    secret_details: [key]\n"}) {
    const auto at = text.find(line);
    ASSERT_NE(at, std::string::npos) << line;
    text.erase(at, std::string(line).size());
  }
  const std::string rules = dir_.File("rules.yaml");
  std::ofstream(rules) << text;
  auto args = S3Args("apply", db_);
  args.insert(args.end(), {"--rules", rules});
  CommandResult r = RunCsmigrate(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CommandResult status = RunCsmigrate({"status", "--db", "sqlite://" + db_, "--json"});
  EXPECT_EQ(status.out.find(kSecret), std::string::npos) << status.out;
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_run WHERE params_json LIKE '%" +
                          std::string(kSecret) + "%'"),
            "0");
}

// A command line the parser cannot take is echoed in its error (an option it does not know, the
// arguments after it): a value that may be a secret is masked there, on stderr and in the JSON
// error document, as it is in every other error (a file name given as --details-file=secretkey=).
TEST(SecretArguments, AMistypedOptionNeverRepeatsTheSecretItCarries) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string secret = "Zq9xLeakSecretK3y";
  for (const std::vector<std::string>& typo :
       {std::vector<std::string>{"--details", "secretkey=" + secret},
        {"--detial", "SecretKey=" + secret},
        {"--secretkey", secret},
        {"--password=" + secret},
        {"--details-file=secretkey=" + secret}}) {
    std::vector<std::string> args = {"plan",       "--db", "sqlite://" + db,
                                     "--provider", "S3",   "--json"};
    args.insert(args.end(), typo.begin(), typo.end());
    const CommandResult r = RunCsmigrate(args);
    EXPECT_NE(r.exit_code, 0) << typo[0];
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("******"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace csm::test
