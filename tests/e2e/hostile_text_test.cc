// Outputs, encodings and escaping against hostile input (issue 15), on SQLite files: no output
// lands on a file the command reads; text that is not UTF-8 is refused as a parameter and
// escaped where it is reported (never an abort); control characters from the database or a file
// name never reach the terminal, a log line or the repair script raw; a failed write to stdout
// is exit 8, never a silent success.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

// A name as an attacker would put it in a row or a file name: an escape sequence, a newline that
// starts an SQL statement, and a byte that is not UTF-8.
constexpr const char* kHostile = "evil\x1B[31m\nDROP TABLE vm_template;\xFF";
// The same as SQLite text literal bytes, for UPDATE statements.
constexpr const char* kHostileSql =
    "CAST(X'6576696C1B5B33316D0A44524F50205441424C4520766D5F74656D706C6174653BFF' AS TEXT)";
// How csmigrate shows it on a terminal, in a table, CSV or a log line.
constexpr const char* kHostileShown = R"(evil\x1b[31m\nDROP TABLE vm_template;\xff)";

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether `text` holds none of the raw bytes an attacker planted (ESC, 0xFF).
bool Inert(const std::string& text) {
  return text.find('\x1B') == std::string::npos && text.find('\xFF') == std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class HostileText : public ::testing::Test {
 protected:
  void SetUp() override { CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3"); }
  std::string Url() const { return "sqlite://" + db_; }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
};

// --- 1. No output on an input ---------------------------------------------------------------

TEST_F(HostileText, ReconcileNeverWritesOverItsDatabaseHoweverItIsNamed) {
  fs::create_symlink(db_, dir_.File("link.db"));
  fs::create_hard_link(db_, dir_.File("hard.db"));
  const std::string digest = FileDigest(db_);
  for (const char* option : {"--output", "--repair-sql", "--log-file"}) {
    for (const std::string& path :
         {db_, dir_.File("link.db"), dir_.File("hard.db"), dir_.path() + "/./cloud.db"}) {
      const CommandResult r = RunCsmigrate({"reconcile", "--db", Url(), option, path});
      EXPECT_EQ(r.exit_code, 2) << option << " " << path << ": " << r.err;
      EXPECT_NE(r.err.find(std::string(option) + " " + path), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("--db (SQLite database) " + db_), std::string::npos) << r.err;
      EXPECT_EQ(FileDigest(db_), digest) << option << " " << path;
      EXPECT_TRUE(fs::is_symlink(dir_.File("link.db")));
    }
  }
  const CommandResult json =
      RunCsmigrate({"reconcile", "--db", Url(), "--json", "--output", dir_.File("hard.db")});
  EXPECT_EQ(json.exit_code, 2);
  ASSERT_TRUE(nlohmann::json::accept(json.out)) << json.out;
  EXPECT_EQ(nlohmann::json::parse(json.out)["error"]["exit_code"], 2) << json.out;
  EXPECT_EQ(FileDigest(db_), digest);
  // Its journal beside it is read too (a hot journal is rolled back on open).
  EXPECT_EQ(RunCsmigrate({"reconcile", "--db", Url(), "--output", db_ + "-journal"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(db_ + "-journal"));
}

TEST_F(HostileText, NoOutputLandsOnTheRulesTheDetailsFileOrUnderAnNfsRoot) {
  const std::string rules = dir_.File("rules.yaml");
  fs::copy_file(SourceDir() + "/rules/nfs-to-object-store.yaml", rules);
  const std::string details = dir_.File("secret.properties");
  std::ofstream(details) << "secretkey=TopSecret-9f8e7d\n";
  const std::string rules_digest = FileDigest(rules);
  const std::string details_digest = FileDigest(details);
  for (const std::string& log : {rules, details}) {
    auto args = S3Args("apply", db_);
    args.insert(args.end(), {"--rules", rules, "--details-file", details, "--log-file", log});
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--log-file " + log), std::string::npos) << r.err;
  }
  EXPECT_EQ(FileDigest(rules), rules_digest);
  EXPECT_EQ(FileDigest(details), details_digest);
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM image_store"), "1");  // nothing applied

  MakeSizedFile(nfs_ + "/" + kBasicS3VolumePath, 3);
  for (const std::string& output : {nfs_ + "/report.txt", nfs_ + "/" + kBasicS3VolumePath}) {
    const CommandResult r =
        RunCsmigrate({"reconcile", "--db", Url(), "--nfs-root", "1=" + nfs_, "--output", output});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--nfs-root " + nfs_), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(nfs_ + "/report.txt"));
  EXPECT_EQ(fs::file_size(nfs_ + "/" + kBasicS3VolumePath), 3u);
  // The report and the repair script on one file would lose one of them.
  const CommandResult both = RunCsmigrate({"reconcile", "--db", Url(), "--output",
                                           dir_.File("r.txt"), "--repair-sql", dir_.File("r.txt")});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

// --- 2. Text that is not UTF-8 -----------------------------------------------------------------

TEST_F(HostileText, AParameterThatIsNotUtf8IsRefusedNamingItAndTheOffset) {
  const std::string digest = FileDigest(db_);
  const CommandResult name = RunCsmigrate(S3Args("apply", db_, "bad\xFFname"));
  EXPECT_EQ(name.exit_code, 2) << name.err;
  EXPECT_NE(name.err.find("--name: not valid UTF-8 (byte offset 3)"), std::string::npos)
      << name.err;
  EXPECT_TRUE(Inert(name.err)) << name.err;

  auto detail = S3Args("plan", db_);
  detail.insert(detail.end(), {"--detail", "usehttps=tr\xC3ue", "--json"});
  const CommandResult d = RunCsmigrate(detail);
  EXPECT_EQ(d.exit_code, 2) << d.err;
  EXPECT_NE(d.err.find("--detail: not valid UTF-8 (byte offset 11)"), std::string::npos) << d.err;
  ASSERT_TRUE(nlohmann::json::accept(d.out)) << d.out;
  EXPECT_EQ(nlohmann::json::parse(d.out)["error"]["code"], "invalid_argument");

  // A details file in Latin-1: the detail is named, its value (a secret) is not shown.
  const std::string details = dir_.File("secret.properties");
  std::ofstream(details) << "secretkey=Geheim-\xE4\xF6\xFC\n";
  auto file = S3Args("apply", db_);
  file.insert(file.end(), {"--details-file", details});
  const CommandResult f = RunCsmigrate(file);
  EXPECT_EQ(f.exit_code, 2) << f.err;
  EXPECT_NE(f.err.find("not valid UTF-8 (byte offset 7)"), std::string::npos) << f.err;
  EXPECT_EQ(f.err.find("Geheim"), std::string::npos) << f.err;

  const CommandResult root =
      RunCsmigrate({"reconcile", "--db", Url(), "--nfs-root", "1=/mnt/\xE9t\xE9"});
  EXPECT_EQ(root.exit_code, 2) << root.err;
  EXPECT_NE(root.err.find("--nfs-root: not valid UTF-8 (byte offset 7)"), std::string::npos)
      << root.err;
  EXPECT_EQ(FileDigest(db_), digest);

  // One store's export given twice: one would win silently, the other's rows all missing.
  const CommandResult twice =
      RunCsmigrate({"reconcile", "--db", Url(), "--nfs-root", "1=" + nfs_, "--nfs-root", "1=/tmp"});
  EXPECT_EQ(twice.exit_code, 2) << twice.err;
  EXPECT_NE(twice.err.find("--nfs-root is given twice for store 1"), std::string::npos)
      << twice.err;

  // The environment variables that stand for arguments are arguments too.
  const CommandResult env = RunCsmigrate({"status"}, {"CSM_DB=sqlite://" + db_ + "\xFF"});
  EXPECT_EQ(env.exit_code, 2) << env.err;
  EXPECT_NE(
      env.err.find("$CSM_DB: not valid UTF-8 (byte offset " + std::to_string(db_.size() + 9) + ")"),
      std::string::npos)
      << env.err;
  const CommandResult key =
      RunCsmigrate({"status", "--db", Url()}, {"CLOUD_SECRET_KEY=m\xE4nagement"});
  EXPECT_EQ(key.exit_code, 2) << key.err;
  EXPECT_NE(key.err.find("$CLOUD_SECRET_KEY: not valid UTF-8 (byte offset 1)"), std::string::npos)
      << key.err;
  EXPECT_EQ(key.err.find("nagement"), std::string::npos) << key.err;
}

TEST_F(HostileText, ATemplateNameFromTheDatabaseIsEscapedByPlanApplyAndStatus) {
  ScratchDir dir;
  const std::string db = dir.File("system.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/system-templates");
  ExecSql(db, std::string("UPDATE vm_template SET name = ") + kHostileSql + " WHERE id = 3");
  const std::vector<std::string> args = {"--db",       "sqlite://" + db,
                                         "--provider", "S3",
                                         "--url",      "https://objects.example.com",
                                         "--detail",   "bucket=b",
                                         "--detail",   "accesskey=a",
                                         "--detail",   "secretkey=s",
                                         "--detail",   "endpoint=objects.example.com"};
  auto with = [&](std::vector<std::string> head, std::vector<std::string> tail = {}) {
    head.insert(head.end(), args.begin(), args.end());
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  const CommandResult plan = RunCsmigrate(with({"plan"}));
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find(std::string("template 3 '") + kHostileShown + "'"), std::string::npos)
      << plan.out;
  EXPECT_TRUE(Inert(plan.out + plan.err)) << plan.out << plan.err;

  const CommandResult apply = RunCsmigrate(with({"apply"}, {"--json"}));
  ASSERT_EQ(apply.exit_code, 0) << apply.err;  // was 134: the ledger's result_json threw
  ASSERT_TRUE(nlohmann::json::accept(apply.out)) << apply.out;
  const auto document = nlohmann::json::parse(apply.out);
  bool found = false;
  for (const auto& s : document["skipped"]) {
    const std::string message = s["message"];
    if (message.find("evil\x1B[31m\nDROP TABLE vm_template;\xEF\xBF\xBD") != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << apply.out;

  const CommandResult status = RunCsmigrate({"status", "--db", "sqlite://" + db});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(Inert(status.out)) << status.out;
  const CommandResult status_json = RunCsmigrate({"status", "--db", "sqlite://" + db, "--json"});
  ASSERT_EQ(status_json.exit_code, 0) << status_json.err;
  EXPECT_TRUE(nlohmann::json::accept(status_json.out)) << status_json.out;
}

// A --name or --url holding control characters (valid UTF-8: a line break, an escape sequence,
// a NUL cannot be given in argv) is no name CloudStack can show: refused, named, nothing written.
TEST_F(HostileText, ANameOrUrlWithControlCharactersIsRefusedNamingIt) {
  const std::string digest = FileDigest(db_);
  const CommandResult name = RunCsmigrate(S3Args("apply", db_, "s3\x1B[2J\nregion"));
  EXPECT_EQ(name.exit_code, 2) << name.err;
  EXPECT_NE(name.err.find("--name holds a control character at byte offset 2"), std::string::npos)
      << name.err;
  EXPECT_TRUE(Inert(name.err)) << name.err;
  auto url = S3Args("plan", db_);
  url.insert(url.end(), {"--url", "https://objects.example.com/\tx"});
  const CommandResult u = RunCsmigrate(url);
  EXPECT_EQ(u.exit_code, 2) << u.err;
  EXPECT_NE(u.err.find("--url holds a control character at byte offset 28"), std::string::npos)
      << u.err;
  EXPECT_EQ(FileDigest(db_), digest);
}

// Details that look like a secret's name but are not it (a byte order mark, a zero-width or
// no-break space) would go unmasked; a value with a control character (a NUL, which PostgreSQL
// cuts a text at) is no detail: both refused, their text never shown. A file saved with a byte
// order mark is read, and one too large or not a file is refused before it is read whole.
TEST_F(HostileText, DetailsThatLookLikeSecretsOrHoldControlCharactersAreRefused) {
  const std::string digest = FileDigest(db_);
  const std::string details = dir_.File("secret.properties");
  // S3Args without its --detail secretkey=...: the file gives it.
  auto Args = [](std::vector<std::string> args) {
    const auto secret = std::find(args.begin(), args.end(), "secretkey=TopSecret-9f8e7d");
    args.erase(secret - 1, secret + 1);
    return args;
  };
  for (const std::string& text :
       {std::string("secretkey=TopSecret-1\nsecretkey\xE2\x80\x8B=TopSecret-2\n"),
        std::string("secretkey\xC2\xA0=TopSecret-2\n"),
        std::string("secretkey=Top\0Secret-2\n", 23),
        std::string("secretkey=Top\x1B[2JSecret-2\n")}) {
    std::ofstream(details, std::ios::binary | std::ios::trunc) << text;
    auto args = Args(S3Args("apply", db_));
    args.insert(args.end(), {"--details-file", details});
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(details + ":"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Secret-2"), std::string::npos) << r.err;
  }
  EXPECT_EQ(FileDigest(db_), digest);

  std::ofstream(details, std::ios::binary | std::ios::trunc)
      << "\xEF\xBB\xBFsecretkey=TopSecret-3\n";
  auto bom = Args(S3Args("apply", db_));
  bom.insert(bom.end(), {"--details-file", details});
  const CommandResult applied = RunCsmigrate(bom);
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(Cell(db_, "SELECT value FROM image_store_details WHERE name = 'secretkey'"),
            "TopSecret-3");

  for (const std::string& path : {std::string("/dev/zero"), dir_.path()}) {
    auto args = Args(S3Args("plan", db_));
    args.insert(args.end(), {"--details-file", path});
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 2) << path << ": " << r.err;
    EXPECT_NE(r.err.find("--details-file " + path), std::string::npos) << r.err;
  }
}

// basic-s3 converted, its store 1 named by an attacker and its NFS export holding what the rows
// claim plus a file whose name is hostile: every report format shows both, inertly.
TEST_F(HostileText, HostileStoreAndFileNamesAreEscapedInEveryReportFormat) {
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db_)).exit_code, 0);
  ExecSql(db_, std::string("UPDATE image_store SET name = ") + kHostileSql + " WHERE id = 1");
  MakeSizedFile(nfs_ + "/" + kBasicS3TemplatePath, 523763712);
  MakeSizedFile(nfs_ + "/" + kBasicS3SnapshotPath, 1395261440);
  MakeSizedFile(nfs_ + "/" + kBasicS3VolumePath, 1073741824);
  MakeSizedFile(nfs_ + "/volumes/2/41/" + kHostile + ".qcow2", 7);  // an orphan
  const std::string digest = FileDigest(db_);
  auto reconcile = [&](const std::string& format, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"reconcile",  "--db",      Url(),      "--store", "1",
                                     "--nfs-root", "1=" + nfs_, "--format", format};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  };

  const std::string sql = dir_.File("repair.sql");
  const std::string log = dir_.File("reconcile.log");
  const CommandResult table = reconcile("table", {"--repair-sql", sql, "--log-file", log, "-v"});
  EXPECT_EQ(table.exit_code, 1) << table.err;
  EXPECT_TRUE(Inert(table.out + table.err)) << table.out << table.err;
  EXPECT_NE(table.out.find(std::string("orphan  store 1  volumes/2/41/") + kHostileShown),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find(std::string("store 1 ") + kHostileShown + " (NFS"), std::string::npos)
      << table.out;
  // The repair script: the file name stays inside its comment.
  const std::string repair = Read(sql);
  EXPECT_TRUE(Inert(repair)) << repair;
  for (const std::string& line : Lines(repair)) {
    EXPECT_FALSE(line.starts_with("DROP")) << repair;
  }
  EXPECT_NE(repair.find(kHostileShown), std::string::npos) << repair;
  // The log: one line per message, each starting with its time.
  const std::string log_text = Read(log);
  EXPECT_TRUE(Inert(log_text)) << log_text;
  for (const std::string& line : Lines(log_text)) EXPECT_TRUE(line.starts_with("20")) << line;

  const CommandResult jsonl = reconcile("jsonl");
  EXPECT_EQ(jsonl.exit_code, 1) << jsonl.err;
  bool orphan = false, store = false;
  for (const std::string& line : Lines(jsonl.out)) {
    ASSERT_TRUE(nlohmann::json::accept(line)) << line;
    const auto j = nlohmann::json::parse(line);
    const std::string replaced = "evil\x1B[31m\nDROP TABLE vm_template;\xEF\xBF\xBD";
    if (j["record"] == "finding" && j["kind"] == "orphan") {
      orphan = j["key"] == "volumes/2/41/" + replaced + ".qcow2";
    }
    if (j["record"] == "store") store = j["name"] == replaced;
  }
  EXPECT_TRUE(orphan && store) << jsonl.out;

  const CommandResult csv = reconcile("csv");
  EXPECT_EQ(csv.exit_code, 1) << csv.err;
  EXPECT_TRUE(Inert(csv.out)) << csv.out;
  for (const std::string& line : Lines(csv.out)) {
    EXPECT_FALSE(line.starts_with("DROP")) << csv.out;  // a record is one line
  }
  EXPECT_NE(csv.out.find(std::string("volumes/2/41/") + kHostileShown + ".qcow2"),
            std::string::npos)
      << csv.out;

  const CommandResult html = reconcile("html");
  EXPECT_EQ(html.exit_code, 1) << html.err;
  EXPECT_TRUE(Inert(html.out));
  EXPECT_NE(html.out.find("evil\xEF\xBF\xBD[31m&#10;DROP TABLE vm_template;\xEF\xBF\xBD"),
            std::string::npos);
  EXPECT_EQ(FileDigest(db_), digest);
}

// A value holding a line break and a comment marker (a file name here) could pass for one more
// suggestion of the repair script ("-- UPDATE ..."), for someone to uncomment: each value shows
// escaped on its line, and the only lines are those csmigrate writes.
TEST_F(HostileText, AValueCannotAddALineToTheRepairScript) {
  MakeSizedFile(nfs_ + "/" + kBasicS3VolumePath, 3);
  const std::string fake = "-- UPDATE vm_template SET name = 'x' WHERE 1 = 1;";
  MakeSizedFile(nfs_ + "/volumes/2/41/x\n" + fake, 1);
  const std::string script = dir_.File("repair.sql");
  const CommandResult r = RunCsmigrate({"reconcile", "--db", Url(), "--store", "1", "--nfs-root",
                                        "1=" + nfs_, "--repair-sql", script});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string text = Read(script);
  EXPECT_NE(text.find("x\\n" + fake), std::string::npos) << text;
  for (const std::string& line : Lines(text)) {
    EXPECT_NE(line.rfind(fake, 0), 0u) << "a line the file name wrote: " << line;
  }
}

TEST_F(HostileText, ArgumentsRepeatedInErrorsAreEscaped) {
  const CommandResult unexpected = RunCsmigrate({"plan", "--nam", "x\x1B[31m\xFF"});
  EXPECT_EQ(unexpected.exit_code, 2);
  EXPECT_TRUE(Inert(unexpected.err)) << unexpected.err;
  EXPECT_NE(unexpected.err.find("x\\x1b[31m\\xff"), std::string::npos) << unexpected.err;
  // A command-line error reads as every other error, and says where the options are.
  EXPECT_EQ(unexpected.err.rfind("csmigrate: error: ", 0), 0u) << unexpected.err;
  EXPECT_NE(unexpected.err.find("Run `csmigrate plan --help` for the options."), std::string::npos)
      << unexpected.err;
  const CommandResult help = RunCsmigrate({"help", "dr\x1Bn"});
  EXPECT_EQ(help.exit_code, 2);
  EXPECT_TRUE(Inert(help.err)) << help.err;
  const CommandResult command = RunCsmigrate({"ap\nply\x1B[2J"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_NE(command.err.find("unknown command 'ap\\nply\\x1b[2J'"), std::string::npos)
      << command.err;
  const CommandResult error = RunCsmigrate({"status", "--db", "sqlite:///no/such/\x1B[2J.db"});
  EXPECT_NE(error.exit_code, 0);
  EXPECT_TRUE(Inert(error.err)) << error.err;
}

// A log line names the database by its path, which may hold any character but NUL.
TEST_F(HostileText, ALogLineIsOneLineWhateverItNames) {
  const std::string db = dir_.File("new\x1B[31m\nwarning: fake.db");
  const std::string log = dir_.File("init.log");
  const CommandResult text = RunCsmigrate({"init", "--db", "sqlite://" + db, "--log-file", log});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(Inert(text.err)) << text.err;
  EXPECT_NE(text.err.find("new\\x1b[31m\\nwarning: fake.db"), std::string::npos) << text.err;
  EXPECT_EQ(Lines(text.err).size(), 1u) << text.err;
  const std::string written = Read(log);
  EXPECT_TRUE(Inert(written)) << written;
  EXPECT_EQ(Lines(written).size(), 1u) << written;
  const CommandResult json =
      RunCsmigrate({"init", "--db", "sqlite://" + db, "--log-format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ASSERT_EQ(Lines(json.err).size(), 1u) << json.err;
  ASSERT_TRUE(nlohmann::json::accept(json.err)) << json.err;
  const std::string message = nlohmann::json::parse(json.err)["message"];
  EXPECT_NE(message.find("new\x1B[31m\nwarning: fake.db"), std::string::npos) << message;
}

// --- 3. A failed write to stdout ------------------------------------------------------------

TEST_F(HostileText, EveryCommandWhoseStdoutFailsExitsEightNamingStdout) {
  auto full = [&](std::vector<std::string> args) {
    const CommandResult r = RunCsmigrateWithStdout("/dev/full", args);
    EXPECT_NE(r.err.find("stdout"), std::string::npos) << args[0] << ": " << r.err;
    return r;
  };
  EXPECT_EQ(full({"help"}).exit_code, 8);
  EXPECT_EQ(full({"init", "--db", Url(), "--json"}).exit_code, 8);
  EXPECT_EQ(full(S3Args("plan", db_)).exit_code, 8);
  auto plan_json = S3Args("plan", db_);
  plan_json.push_back("--json");
  EXPECT_EQ(full(plan_json).exit_code, 8);
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM image_store"), "1");

  // apply commits before it prints: the message says so, with the run id.
  const CommandResult apply = full(S3Args("apply", db_));
  EXPECT_EQ(apply.exit_code, 8);
  EXPECT_NE(apply.err.find("run 1 was applied and committed"), std::string::npos) << apply.err;
  EXPECT_EQ(Cell(db_, "SELECT state FROM csm_run WHERE id = 1"), "applied");
  EXPECT_EQ(full(S3Args("apply", db_)).exit_code, 8);  // already applied: nothing committed
  EXPECT_EQ(full({"status", "--db", Url()}).exit_code, 8);
  EXPECT_EQ(full({"status", "--db", Url(), "--json"}).exit_code, 8);

  // reconcile keeps its exit codes (2: could not complete), naming stdout.
  fs::create_directories(nfs_);
  const CommandResult reconcile =
      full({"reconcile", "--db", Url(), "--store", "1", "--nfs-root", "1=" + nfs_});
  EXPECT_EQ(reconcile.exit_code, 2);
  EXPECT_NE(reconcile.err.find("cannot write the report to stdout"), std::string::npos)
      << reconcile.err;

  const CommandResult rollback = full({"rollback", "--db", Url(), "1", "--json"});
  EXPECT_EQ(rollback.exit_code, 8);
  EXPECT_NE(rollback.err.find("run 1 was rolled back and committed"), std::string::npos)
      << rollback.err;
  EXPECT_EQ(Cell(db_, "SELECT state FROM csm_run WHERE id = 1"), "rolled_back");

  ScratchDir other;
  EXPECT_EQ(full({"fixture", "load", SourceDir() + "/fixtures/basic-s3", "--db",
                  "sqlite://" + other.File("load.db"), "--json"})
                .exit_code,
            8);
  EXPECT_EQ(full({"fixture", "replay", SourceDir() + "/fixtures/basic-s3", "--db",
                  "sqlite://" + other.File("replay.db")})
                .exit_code,
            8);
  EXPECT_EQ(full({"drain", "--db", Url(), "--dry-run", "--json"}).exit_code, 8);
  // A pipe whose reader is gone: EPIPE, reported, not a silent death by SIGPIPE (exit 141). The
  // child opens the pipe's write end through /proc/self/fd (it inherits the descriptor).
  int ends[2];
  ASSERT_EQ(pipe(ends), 0);
  close(ends[0]);
  const CommandResult piped =
      RunCsmigrateWithStdout("/proc/self/fd/" + std::to_string(ends[1]), {"status", "--db", Url()});
  close(ends[1]);
  EXPECT_EQ(piped.exit_code, 8) << piped.err;
  EXPECT_NE(piped.err.find("cannot write the result to stdout (Broken pipe)"), std::string::npos)
      << piped.err;
  // A failure is reported with its own code (its stderr message already says why).
  EXPECT_EQ(
      RunCsmigrateWithStdout("/dev/full", {"rollback", "--db", Url(), "99", "--json"}).exit_code,
      6);
}

// A report file and the log file are outputs too: a write that fails names the file and the
// system's reason; a log line lost turns a success into exit 8, saying what was committed.
TEST_F(HostileText, AReportOrLogFileThatCannotBeWrittenIsAnErrorNamingIt) {
  fs::create_directories(nfs_);
  const std::vector<std::string> reconcile = {"reconcile", "--db",       Url(),      "--store",
                                              "1",         "--nfs-root", "1=" + nfs_};
  for (const char* option : {"--output", "--repair-sql"}) {
    auto args = reconcile;
    args.insert(args.end(), {option, "/dev/full"});
    const CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 2) << option << ": " << r.err;
    EXPECT_NE(r.err.find("to /dev/full (No space left on device)"), std::string::npos) << r.err;
  }
  auto logged = reconcile;
  logged.insert(logged.end(), {"--log-file", "/dev/full", "-v"});
  const CommandResult log = RunCsmigrate(logged);
  EXPECT_EQ(log.exit_code, 8) << log.err;  // 1 (findings) had the log been written
  EXPECT_NE(log.err.find("--log-file /dev/full: a line could not be written"), std::string::npos)
      << log.err;
  EXPECT_NE(log.err.find("No space left on device"), std::string::npos) << log.err;

  auto apply = S3Args("apply", db_);
  apply.insert(apply.end(), {"--log-file", "/dev/full"});
  const CommandResult applied = RunCsmigrate(apply);
  EXPECT_EQ(applied.exit_code, 8) << applied.err;
  EXPECT_NE(applied.err.find("the log is incomplete; run 1 was applied and committed"),
            std::string::npos)
      << applied.err;
  EXPECT_EQ(Cell(db_, "SELECT state FROM csm_run WHERE id = 1"), "applied");
}

}  // namespace
}  // namespace csm::test
