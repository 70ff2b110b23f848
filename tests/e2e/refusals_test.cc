// Every bad input is refused before the first write: the database file stays byte-for-byte the
// same, and the exit code and message say what is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace csm::test {
namespace {

struct Refusal {
  std::string label;
  std::vector<std::string> args;  // after "apply --db URL"
  int exit_code;
  std::string message;
  std::string setup_sql;  // run on the database first
};

void PrintTo(const Refusal& r, std::ostream* os) {
  *os << r.label;
}

class Refusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(Refusals, LeaveTheDatabaseByteForByteUnchanged) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  if (!GetParam().setup_sql.empty()) ExecSql(db, GetParam().setup_sql);
  const std::string digest = FileDigest(db);
  std::vector<std::string> args = {"apply", "--db", "sqlite://" + db};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  CommandResult r = RunCsmigrate(args);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_EQ(FileDigest(db), digest);
}

const std::vector<std::string> kS3 = {"--detail", "bucket=b",    "--detail", "accesskey=a",
                                      "--detail", "secretkey=s", "--detail", "endpoint=e:9000"};

std::vector<std::string> With(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, Refusals,
    ::testing::Values(
        Refusal{"provider_lowercase", With({"--provider", "s3", "--name", "x"}, kS3), 2,
                "--provider 's3' is not accepted; expected exactly one of: S3, Swift", ""},
        Refusal{"provider_missing", With({"--name", "x"}, kS3), 2, "--provider is required", ""},
        Refusal{"s3_without_secretkey",
                {"--provider", "S3", "--detail", "bucket=b", "--detail", "accesskey=a", "--detail",
                 "endpoint=e"},
                2,
                "needs --detail secretkey=VALUE",
                ""},
        Refusal{"swift_without_key",
                {"--provider", "Swift", "--url", "http://s/auth/v1.0", "--detail", "account=a",
                 "--detail", "username=u"},
                2,
                "needs --detail key=VALUE",
                ""},
        Refusal{"detail_without_equals", With({"--provider", "S3", "--detail", "oops"}, kS3), 2,
                "expected KEY=VALUE", ""},
        Refusal{"duplicate_detail", With({"--provider", "S3", "--detail", "bucket=c"}, kS3), 2,
                "--detail bucket is given twice", ""},
        Refusal{"existing_name", With({"--provider", "S3", "--name", "taken"}, kS3), 4,
                "an image store named 'taken' already exists",
                "INSERT INTO image_store (name, image_provider_name, protocol, role, scope) "
                "VALUES ('taken', 'NFS', 'nfs', 'ImageCache', 'ZONE')"},
        Refusal{"non_nfs_image_store", With({"--provider", "S3", "--name", "x"}, kS3), 4,
                "is a live Image store with provider 'Swift'",
                "INSERT INTO image_store (name, image_provider_name, protocol, role, scope) "
                "VALUES ('old-swift', 'Swift', 'http', 'Image', 'REGION')"},
        Refusal{"rules_file_missing",
                With({"--provider", "S3", "--name", "x", "--rules", "/nonexistent.yaml"}, kS3), 6,
                "cannot read rule file /nonexistent.yaml", ""},
        Refusal{"no_details_at_all",
                {"--provider", "S3", "--name", "x"},
                2,
                "needs --detail bucket=VALUE",
                ""}),
    [](const auto& info) { return info.param.label; });

TEST(RefusalsMisc, MissingDatabaseFileIsNotCreated) {
  ScratchDir dir;
  CommandResult r = RunCsmigrate(S3Args("apply", dir.File("typo.db")));
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("typo.db")));
}

TEST(RefusalsMisc, RulesWithUnknownColumnAreRejectedWithFileAndLine) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string rules = dir.File("bad.yaml");
  std::ofstream(rules) << "name: bad\nsteps:\n  - name: s\n    update: image_store\n"
                          "    where: {rolez: Image}\n    set: {role: ImageCache}\n";
  const std::string digest = FileDigest(db);
  CommandResult r = RunCsmigrate({"apply", "--db", "sqlite://" + db, "--rules", rules});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:3: step 's': line 5: 'rolez' is not a column of image_store"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(FileDigest(db), digest);
}

}  // namespace
}  // namespace csm::test
