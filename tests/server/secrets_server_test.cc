// Secrets on MariaDB and PostgreSQL: a repeated apply is recognised without the ledger holding
// anything secret-derived, the same parameters with another secret are refused, the journal's
// digests of the detail rows are the same whatever the secret, and plan never sends the secret to
// the server (MariaDB's general log shows what it received).
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "fixture/fixture.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

void LoadBasicS3(db::Connection& conn) {
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/basic-s3");
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  Status loaded = fixture::LoadBeforeRows(conn, *fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
}

// The ledger's parameter checksum and every detail row's after-image digest, as text.
std::string StoredDigests(db::Connection& conn) {
  std::string text;
  auto run = conn.Query("SELECT params_checksum FROM csm_run ORDER BY id");
  EXPECT_TRUE(run.ok()) << run.status().message();
  if (run.ok()) {
    for (const auto& row : run->rows) text += db::ToDisplay(row[0]) + "|";
  }
  auto digests = conn.Query(
      "SELECT d.name, COALESCE(j.after_image, a.after_image) FROM csm_journal j JOIN "
      "image_store_details d ON d.id = j.row_id LEFT JOIN csm_journal_after a ON a.run_id = "
      "j.run_id AND a.table_name = j.table_name AND a.row_id = j.row_id WHERE j.table_name = "
      "'image_store_details' ORDER BY d.name");
  EXPECT_TRUE(digests.ok()) << digests.status().message();
  if (digests.ok()) {
    for (const auto& row : digests->rows) {
      text += db::ToDisplay(row[0]) + "=" + db::ToDisplay(row[1]) + ",";
    }
  }
  return text;
}

class ServerSecrets : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerSecrets, NothingStoredDependsOnTheSecretAndReapplyIsRecognised) {
  CSM_REQUIRE_SERVER(backend, GetParam());
  ScratchDatabase first(backend), second(backend);
  LoadBasicS3(first.conn());
  LoadBasicS3(second.conn());
  CommandResult a = RunCsmigrate(ServerApply(first.url(), "s3-region", "first-secret"));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  CommandResult b = RunCsmigrate(ServerApply(second.url(), "s3-region", "second-secret"));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::string stored = StoredDigests(first.conn());
  EXPECT_NE(stored.find("secretkey="), std::string::npos) << stored;
  EXPECT_EQ(stored, StoredDigests(second.conn()));

  // The same run again: already applied, exit 0.
  CommandResult again = RunCsmigrate(ServerApply(first.url(), "s3-region", "first-secret"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
  // The same parameters with another secret: refused, nothing changed, no secret printed.
  const std::string before = DumpCloudTables(first.conn());
  CommandResult other = RunCsmigrate(ServerApply(first.url(), "s3-region", "second-secret"));
  EXPECT_EQ(other.exit_code, 5) << other.err;
  EXPECT_NE(other.err.find("but a different secretkey"), std::string::npos) << other.err;
  EXPECT_EQ((other.out + other.err).find("second-secret"), std::string::npos);
  EXPECT_EQ((other.out + other.err).find("first-secret"), std::string::npos);
  EXPECT_EQ(DumpCloudTables(first.conn()), before);

  // Rollback digests the rows with the mask the run recorded: an unchanged cloud rolls back, and
  // a change to the secret's row elsewhere than its value is still seen.
  auto moved = first.conn().Execute(
      "UPDATE image_store_details SET store_id = 1 WHERE name = 'secretkey'", {});
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  CommandResult refused = RunCsmigrate({"rollback", "--db", first.url(), "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("image_store_details id"), std::string::npos) << refused.err;
  CommandResult rolled = RunCsmigrate({"rollback", "--db", second.url(), "1"});
  EXPECT_EQ(rolled.exit_code, 0) << rolled.err;
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerSecrets, ::testing::Values("mysql", "postgresql"));

// With the installation's encryption on, the detail rows hold ciphertext: a repeated apply
// decrypts the applied run's secret to compare it, and the digests see only that ciphertext.
TEST(ServerSecretsEncrypted, AReapplyIsRecognisedByTheDecryptedSecret) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  LoadBasicS3(db.conn());
  ScratchDir dir;
  WriteEncryptingDbProperties(dir.File("db.properties"), db.url());
  auto apply = [&](const std::string& secret) {
    return RunCsmigrate({"apply", "--db-properties", dir.File("db.properties"), "--provider", "S3",
                         "--name", "s3-region", "--detail", "bucket=b", "--detail", "accesskey=a",
                         "--detail", "secretkey=" + secret, "--detail", "endpoint=e:9000"},
                        {"MYSQL_PWD="});
  };
  CommandResult first = apply("first-secret");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto stored = db.conn().Query("SELECT value FROM image_store_details WHERE name = 'secretkey'");
  ASSERT_TRUE(stored.ok() && stored->rows.size() == 1u);
  EXPECT_NE(db::ToDisplay(stored->rows[0][0]), "first-secret") << "stored encrypted";
  CommandResult again = apply("first-secret");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
  CommandResult other = apply("second-secret");
  EXPECT_EQ(other.exit_code, 5) << other.err;
  EXPECT_NE(other.err.find("but a different secretkey"), std::string::npos) << other.err;
  // A change to the encrypted secret itself is seen by the rollback.
  auto changed = db.conn().Execute(
      "UPDATE image_store_details SET value = 'tampered' WHERE name = 'secretkey'", {});
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  CommandResult refused = RunCsmigrate({"rollback", "--db", db.url(), "1"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("image_store_details id"), std::string::npos) << refused.err;
}

// MariaDB's general log, written to mysql.general_log while the object lives; the server's
// settings are restored when it dies. (The scratch server's user may set them; the log holds
// every statement each client sent, bound values included.)
class GeneralLog {
 public:
  explicit GeneralLog(db::Connection& conn) : conn_(conn) {
    auto was = conn_.Query("SELECT @@GLOBAL.general_log, @@GLOBAL.log_output");
    EXPECT_TRUE(was.ok()) << was.status().message();
    if (was.ok()) {
      general_log_ = db::ToDisplay(was->rows[0][0]);
      log_output_ = db::ToDisplay(was->rows[0][1]);
    }
    Set("SET GLOBAL log_output = 'TABLE'");
    Set("SET GLOBAL general_log = 1");
  }
  ~GeneralLog() {
    Set("SET GLOBAL general_log = " + general_log_);
    Set("SET GLOBAL log_output = '" + log_output_ + "'");
  }
  GeneralLog(const GeneralLog&) = delete;
  GeneralLog& operator=(const GeneralLog&) = delete;

  // How many statements the server received that contain `text`. Pauses the log while it looks,
  // so that the look itself (which contains `text`) is not counted.
  int64_t Count(const std::string& text) {
    Set("SET GLOBAL general_log = 0");
    auto count =
        conn_.Query("SELECT COUNT(*) FROM mysql.general_log WHERE CAST(argument AS CHAR) LIKE ?",
                    {"%" + text + "%"});
    EXPECT_TRUE(count.ok()) << count.status().message();
    Set("SET GLOBAL general_log = 1");
    return count.ok() ? *db::AsInteger(count->rows[0][0]) : -1;
  }

 private:
  void Set(const std::string& sql) {
    auto set = conn_.Execute(sql, {});
    EXPECT_TRUE(set.ok()) << sql << ": " << set.status().message();
  }

  db::Connection& conn_;
  std::string general_log_ = "0", log_output_ = "FILE";
};

// plan runs the steps in a transaction it rolls back, and binds '******' for a secret there: the
// secret would otherwise reach the server (its binary and redo logs) although nothing is written.
// apply, which writes it, binds it: that the general log shows it then proves the log sees bound
// values.
TEST(ServerSecretsPlan, PlanNeverSendsTheSecretToTheServer) {
  CSM_REQUIRE_SERVER(backend, "mysql");
  ScratchDatabase db(backend);
  LoadBasicS3(db.conn());
  // A secret no other test uses, as other tests may run on this server meanwhile.
  const std::string secret = "PlanOnly-" + std::to_string(std::random_device()());
  GeneralLog log(db.conn());
  auto plan = ServerApply(db.url(), "s3-region", secret);
  plan[0] = "plan";
  const CommandResult planned = RunCsmigrate(plan);
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("'secretkey', '******'"), std::string::npos) << planned.out;
  EXPECT_EQ(log.Count(secret), 0);
  EXPECT_GT(log.Count("'secretkey'"), 0) << "the plan's INSERT of the details was not logged";
  const CommandResult applied = RunCsmigrate(ServerApply(db.url(), "s3-region", secret));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_GT(log.Count(secret), 0);
}

}  // namespace
}  // namespace csm::test
