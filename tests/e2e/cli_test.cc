// The command line as an admin meets it (the csmigrate binary on SQLite): help and mistyped
// commands, global options before or after the command, where the database comes from, commands
// that can be repeated, hints that can be pasted, and --json documents that match the schemas in
// docs/schemas/ (checked with Debian's python3-jsonschema).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "test_support.h"

namespace csm::test {
namespace {

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3"); }

  std::string Url() const { return "sqlite://" + db_; }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
};

TEST_F(Cli, AMistypedCommandIsExitTwoNamingTheClosestOne) {
  const CommandResult r = RunCsmigrate({"aplly", "--db", Url()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'aplly': did you mean 'apply'?"), std::string::npos)
      << r.err;
  const CommandResult far = RunCsmigrate({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("unknown command 'frobnicate'"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST_F(Cli, HelpAndHelpCommand) {
  const CommandResult all = RunCsmigrate({"help"});
  EXPECT_EQ(all.exit_code, 0);
  for (const char* command : {"plan", "apply", "rollback", "reconcile", "drain"}) {
    EXPECT_NE(all.out.find(command), std::string::npos) << all.out;
  }
  const CommandResult drain = RunCsmigrate({"help", "drain"});
  EXPECT_EQ(drain.exit_code, 0);
  EXPECT_NE(drain.out.find("--jobs"), std::string::npos) << drain.out;
  const CommandResult unknown = RunCsmigrate({"help", "dran"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("did you mean 'drain'?"), std::string::npos) << unknown.err;
}

TEST_F(Cli, LogOptionsWorkBeforeOrAfterTheCommand) {
  // JSON log lines after the command: each line one object with a UTC time.
  const CommandResult after = RunCsmigrate([&] {
    auto args = S3Args("apply", db_);
    args.insert(args.end(), {"--log-format", "json", "-v"});
    return args;
  }());
  ASSERT_EQ(after.exit_code, 0) << after.err;
  std::istringstream lines(after.err);
  std::string line;
  int logged = 0;
  const std::regex utc(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_TRUE(std::regex_match(j["time"].get<std::string>(), utc)) << line;
    EXPECT_TRUE(j["level"].is_string() && j["message"].is_string()) << line;
    ++logged;
  }
  EXPECT_GT(logged, 5) << "apply logs every step";

  // The same options before the command, on another cloud: a log file with timestamps; -q
  // silences the terminal, not the file.
  const std::string other = dir_.File("other.db");
  CreateCloudDb(other, SourceDir() + "/fixtures/basic-s3");
  const std::string log = dir_.File("csmigrate.log");
  auto args = S3Args("apply", other);
  args.insert(args.begin(), {"-q", "--log-file", log});
  const CommandResult before = RunCsmigrate(args);
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.err, "") << "-q logs warnings and errors only";
  std::ifstream file(log);
  std::string first;
  ASSERT_TRUE(std::getline(file, first)) << "nothing in --log-file";
  EXPECT_TRUE(
      std::regex_search(first, std::regex(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \w+: )")))
      << first;
}

// The command's final error is a log line too: in --log-file, with its time, and with
// --log-format json a JSON line on stderr; a --log-file in a directory that does not exist is
// refused, the directory not made.
TEST_F(Cli, TheFinalErrorReachesTheLogFileAndTheJsonLog) {
  const std::string log = dir_.File("csmigrate.log");
  const std::string missing = dir_.File("no-such.db");
  const CommandResult text =
      RunCsmigrate({"status", "--db", "sqlite://" + missing, "--log-file", log});
  EXPECT_EQ(text.exit_code, 6) << text.err;
  EXPECT_EQ(text.err.rfind("csmigrate: error: SQLite database " + missing, 0), 0u) << text.err;
  std::ifstream file(log);
  const std::string logged((std::istreambuf_iterator<char>(file)), {});
  EXPECT_TRUE(std::regex_search(
      logged, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z error: SQLite database )")))
      << logged;

  const CommandResult json =
      RunCsmigrate({"status", "--db", "sqlite://" + missing, "--log-format", "json"});
  EXPECT_EQ(json.exit_code, 6) << json.err;
  const auto line = nlohmann::json::parse(json.err, nullptr, false);
  ASSERT_TRUE(line.is_object()) << json.err;
  EXPECT_EQ(line["level"], "error");
  EXPECT_NE(line["message"].get<std::string>().find("SQLite database"), std::string::npos);

  const std::string nowhere = dir_.File("no-such-dir") + "/csmigrate.log";
  const CommandResult refused = RunCsmigrate({"status", "--db", Url(), "--log-file", nowhere});
  EXPECT_EQ(refused.exit_code, 8) << refused.err;
  EXPECT_NE(refused.err.find("does not exist"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("no-such-dir")));
}

TEST_F(Cli, TheDatabaseMayComeFromCsmDb) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  const CommandResult r = RunCsmigrate({"status", "--json"}, {"CSM_DB=" + Url()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["runs"].size(), 1u) << r.out;
  // Without either (and no /etc/cloudstack/management/db.properties here), it says what to give.
  if (!std::ifstream("/etc/cloudstack/management/db.properties")) {
    const CommandResult none = RunCsmigrate({"status"}, {"CSM_DB="});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("$CSM_DB"), std::string::npos) << none.err;
  }
}

TEST_F(Cli, RepeatedCommandsSaySoAndTheRollbackHintCanBePasted) {
  const CommandResult applied = RunCsmigrate(S3Args("apply", db_));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  // Plan after the same apply: already applied, exit 0, nothing else.
  const CommandResult plan = RunCsmigrate(S3Args("plan", db_));
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("Run 1 already applied"), std::string::npos) << plan.out;

  // The hint is a command that works as printed.
  std::smatch hint;
  ASSERT_TRUE(std::regex_search(applied.out, hint, std::regex("undo with: (csmigrate [^)\n]+)")))
      << applied.out;
  std::vector<std::string> words;
  std::istringstream split(hint[1].str());
  for (std::string w; split >> w;) words.push_back(w);
  ASSERT_EQ(words.front(), "csmigrate");
  words.erase(words.begin());
  const CommandResult undo = RunCsmigrate(words);
  EXPECT_EQ(undo.exit_code, 0) << undo.err;
  EXPECT_NE(undo.out.find("Rolled back run 1"), std::string::npos) << undo.out;
  const CommandResult again = RunCsmigrate(words);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("was rolled back already"), std::string::npos) << again.out;
}

TEST_F(Cli, InitAndFixtureLoadAgainSayWhatIsThere) {
  const CommandResult init = RunCsmigrate({"init", "--db", Url()});
  EXPECT_EQ(init.exit_code, 0);
  EXPECT_NE(init.err.find("already has CloudStack's secondary-storage tables"), std::string::npos)
      << init.err;
  const std::string before = DumpDatabase(db_, true);
  const CommandResult load =
      RunCsmigrate({"fixture", "load", SourceDir() + "/fixtures/basic-s3", "--db", Url()});
  EXPECT_EQ(load.exit_code, 4) << load.err;
  EXPECT_NE(load.err.find("already holds"), std::string::npos) << load.err;
  EXPECT_EQ(load.err.find("INSERT"), std::string::npos) << "no raw SQL: " << load.err;
  EXPECT_EQ(DumpDatabase(db_, true), before);
}

TEST_F(Cli, EveryJsonDocumentMatchesItsSchema) {
  if (!HaveJsonSchema()) {
    if (std::getenv("CSM_TEST_REQUIRE_SERVERS") != nullptr) FAIL() << "python3-jsonschema missing";
    GTEST_SKIP() << "python3-jsonschema is not installed";
  }
  auto json = [](std::vector<std::string> args) {
    args.push_back("--json");
    return args;
  };
  struct Case {
    std::string what;
    std::vector<std::string> args;
    int exit_code;
    std::string schema;
  };
  const std::vector<Case> cases = {
      {"plan", json(S3Args("plan", db_)), 0, "run.schema.json"},
      {"apply", json(S3Args("apply", db_)), 0, "run.schema.json"},
      {"apply again", json(S3Args("apply", db_)), 0, "run.schema.json"},
      {"status", {"status", "--db", Url(), "--json"}, 0, "status.schema.json"},
      {"rollback", {"rollback", "--db", Url(), "1", "--json"}, 0, "rollback.schema.json"},
      {"rollback again", {"rollback", "--db", Url(), "1", "--json"}, 0, "rollback.schema.json"},
      {"status after", {"status", "--db", Url(), "--json"}, 0, "status.schema.json"},
      {"unknown run", {"rollback", "--db", Url(), "99", "--json"}, 6, "error.schema.json"},
      {"plan after rollback", json(S3Args("plan", db_)), 0, "run.schema.json"},
      {"init",
       {"init", "--db", "sqlite://" + dir_.File("fresh.db"), "--json"},
       0,
       "init.schema.json"},
      {"fixture load",
       {"fixture", "load", SourceDir() + "/fixtures/swift", "--db",
        "sqlite://" + dir_.File("loaded.db"), "--json"},
       0,
       "fixture-load.schema.json"},
      {"replay",
       {"fixture", "replay", SourceDir() + "/fixtures/swift", "--db",
        "sqlite://" + dir_.File("replay.db"), "--json"},
       0,
       "fixture-replay.schema.json"},
  };
  for (const auto& c : cases) {
    const CommandResult r = RunCsmigrate(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.what << ": " << r.err;
    EXPECT_EQ(JsonSchemaErrors(r.out, c.schema, dir_), "") << c.what << ": " << r.out;
  }
  // A failure's document: the error schema, and nothing else validates it as a result.
  const CommandResult refused =
      RunCsmigrate({"apply", "--db", Url(), "--provider", "s3", "--detail", "bucket=b", "--json"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(JsonSchemaErrors(refused.out, "error.schema.json", dir_), "") << refused.out;
  EXPECT_NE(JsonSchemaErrors(refused.out, "run.schema.json", dir_), "")
      << "a schema that accepts all";
  const auto error = nlohmann::json::parse(refused.out);
  EXPECT_EQ(error["error"]["exit_code"], 2);
  EXPECT_EQ(error["error"]["code"], "invalid_argument");
  // reconcile --json: JSON Lines, the first record saying which csmigrate wrote it and when;
  // its failure is the error document with reconcile's "could not complete" (2).
  const CommandResult report = RunCsmigrate({"reconcile", "--db", Url(), "--json"});
  EXPECT_LE(report.exit_code, 1) << report.err;
  const auto first = nlohmann::json::parse(report.out.substr(0, report.out.find('\n')));
  EXPECT_EQ(first["record"], "report") << report.out;
  EXPECT_TRUE(first["csmigrate_version"].is_string()) << report.out;
  const CommandResult unreachable = RunCsmigrate(
      {"reconcile", "--db", "mysql://cloud@127.0.0.1:1/cloud", "--json"}, {"MYSQL_PWD=x"});
  EXPECT_EQ(unreachable.exit_code, 2) << unreachable.err;
  EXPECT_EQ(JsonSchemaErrors(unreachable.out, "error.schema.json", dir_), "") << unreachable.out;
  // Also when the command line itself does not parse.
  const CommandResult unparsed = RunCsmigrate({"status", "--db", Url(), "--jobs", "3", "--json"});
  EXPECT_EQ(unparsed.exit_code, 2);
  EXPECT_EQ(JsonSchemaErrors(unparsed.out, "error.schema.json", dir_), "") << unparsed.out;
}

}  // namespace
}  // namespace csm::test
