// `csmigrate reconcile` on the embedded SQLite default against an NFS export laid out as
// CloudStack lays it out (cloudstack.md §4): clean trees are clean, every kind of difference is
// reported exactly once in every format, repairs are written and never run, bad configuration
// exits 2 with nothing written, and the database is never changed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "db/database_url.h"
#include "reconcile/finding.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTemplate = kBasicS3TemplatePath;
constexpr const char* kSnapshot = kBasicS3SnapshotPath;
constexpr const char* kVolume = kBasicS3VolumePath;

// A file of `size` bytes (sparse) at root/key.
void MakeFile(const std::string& root, const std::string& key, int64_t size) {
  MakeSizedFile(root + "/" + key, size);
}

void WriteText(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

// basic-s3 converted to S3 (store 1 NFS staging, store 2 the region S3 store) and the export of
// store 1 holding exactly what its rows claim, with the sizes they claim.
class ReconcileNfs : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    const CommandResult applied = RunCsmigrate(S3Args("apply", db_));
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    MakeFile(nfs_, kTemplate, 523763712);
    WriteText(nfs_ + "/template/tmpl/2/201/template.properties",
              "filename=201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2\n"
              "uniquename=201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f\nvirtualsize=10737418240\n"
              "size=523763712\nqcow2.size=523763712\n");
    MakeFile(nfs_, kSnapshot, 1395261440);
    MakeFile(nfs_, kVolume, 1073741824);
  }

  CommandResult Reconcile(std::vector<std::string> extra) {
    std::vector<std::string> args = {"reconcile", "--db",       "sqlite://" + db_, "--store",
                                     "1",         "--nfs-root", "1=" + nfs_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
};

TEST_F(ReconcileNfs, ATreeThatMatchesTheRowsIsCleanAndTheDatabaseUntouched) {
  const std::string digest = FileDigest(db_);
  const CommandResult r = Reconcile({"--show-ok"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("= ok  store 1  template_store_ref #1 (template 201, Ready)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("4 objects listed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("= ok: 3 (2.8 GiB)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cannot be retired yet: held by 1 snapshot_store_ref rows, 1 "
                       "template_store_ref rows, 1 volume_store_ref rows"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(FileDigest(db_), digest);

  const CommandResult quiet = Reconcile({});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out.find("= ok  store"), std::string::npos) << "ok rows need --show-ok";
}

TEST_F(ReconcileNfs, ShowsAProgressLineOnATerminalOnlyAndClearsIt) {
  const std::vector<std::string> args = {"reconcile", "--db",       "sqlite://" + db_, "--store",
                                         "1",         "--nfs-root", "1=" + nfs_,       "--show-ok"};
  const CommandResult piped = RunCsmigrate(args);
  const CommandResult shown = RunCsmigrateWithTerminalStderr(args);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const size_t line = shown.err.find("\r\033[Kstore 1 (NFS): ");
  ASSERT_NE(line, std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find(" objects listed, ", line), std::string::npos) << shown.err;
  // The line is wiped before the process ends, so the shell prompt starts on a clean line.
  EXPECT_EQ(shown.err.substr(shown.err.rfind('\r')), "\r\033[K") << shown.err;
  // The report itself does not depend on where stderr goes (its first line holds the time, which
  // may differ by a second between the two runs).
  const auto after_header = [](const std::string& report) {
    return report.substr(report.find('\n'));
  };
  EXPECT_EQ(after_header(shown.out), after_header(piped.out));
  EXPECT_EQ(piped.err.find("objects listed"), std::string::npos) << piped.err;

  std::vector<std::string> quiet_args = args;
  quiet_args.push_back("--quiet");
  const CommandResult quiet = RunCsmigrateWithTerminalStderr(quiet_args);
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err.find("objects listed"), std::string::npos) << quiet.err;
}

// Which finding each difference gives is the case tests/cases/reconcile/each-difference-once;
// here, what the store's summary and retire verdict make of them.
TEST_F(ReconcileNfs, SummarisesEachKindOfDifferenceWithItsBytes) {
  fs::remove(fs::path(nfs_) / kVolume);               // missing
  MakeFile(nfs_, "volumes/2/41/stray.qcow2", 7);      // orphan
  fs::resize_file(fs::path(nfs_) / kTemplate, 1000);  // size mismatch
  fs::rename(fs::path(nfs_) / kSnapshot, fs::path(nfs_) / (std::string(kSnapshot) + ".vhd"));
  MakeFile(nfs_, "template/tmpl/2/777/x.qcow2", 5);  // orphan
  WriteText(nfs_ + "/template/tmpl/2/777/template.properties", "filename=x.qcow2\n");
  MakeFile(nfs_, "elsewhere/not-cloudstack.bin", 3);  // not examined

  const CommandResult r = Reconcile({"--format", "jsonl", "--show-ok"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  bool summary = false, verdict = false;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["record"] == "store") {
      summary = true;
      EXPECT_EQ(j["store_id"], 1);
      EXPECT_EQ(j["listed"], true);
      EXPECT_EQ(j["counts"]["orphan"]["count"], 2);
      EXPECT_EQ(j["counts"]["orphan"]["bytes"], 12);
      EXPECT_EQ(j["counts"]["missing"]["count"], 1);
      EXPECT_EQ(j["counts"]["missing"]["bytes"], 1073741824);
    }
    if (j["record"] == "retire_verdict") {
      verdict = true;
      EXPECT_EQ(j["retirable"], false);
      EXPECT_EQ(j["held_by"]["volume_store_ref"], 1);
    }
  }
  EXPECT_TRUE(summary && verdict) << r.out;
}

TEST_F(ReconcileNfs, CsvGoesToTheOutputFileWithOneHeader) {
  fs::remove(fs::path(nfs_) / kVolume);
  const std::string out = dir_.File("report.csv");
  const CommandResult r = Reconcile({"--format", "csv", "--output", out});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  std::ifstream in(out);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header,
            "record,symbol,kind,store_id,table,row_id,object_type,object_id,key,db_size,"
            "store_size,state,count,bytes,detail");
  // Which csmigrate wrote it, and when.
  std::getline(in, line);
  EXPECT_EQ(line.rfind("report,,,,,,,,,,,,,,csmigrate ", 0), 0u) << line;
  EXPECT_NE(line.find(" reconcile at "), std::string::npos) << line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("finding,-,missing,1,volume_store_ref,1,volume,41," + std::string(kVolume) +
                           ",1073741824,,Ready,,,",
                       0),
            0u)
      << line;
  int summaries = 0;
  while (std::getline(in, line)) summaries += line.rfind("summary,", 0) == 0;
  EXPECT_EQ(summaries, static_cast<int>(reconcile::kAllFindingKinds.size()))
      << "one summary row per kind for the one store";
}

TEST_F(ReconcileNfs, OutputToAFifoWritesIntoItAndLeavesItAFifo) {
  // A special file (a fifo here, /dev/null or /dev/stdout in life) is written in place: the
  // temporary-file-and-rename that protects regular files would replace it.
  const std::string fifo = dir_.File("report.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The reader never blocks (so that a broken csmigrate fails the test rather than hanging it):
  // it polls the fifo until csmigrate has exited, then drains what is left.
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  std::atomic<bool> exited{false};
  std::string received;
  std::thread reader([&] {
    char buffer[4096];
    for (;;) {
      const bool done = exited;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        received.append(buffer, static_cast<size_t>(n));
      } else if (done) {
        return;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  });
  const CommandResult r = Reconcile({"--format", "jsonl", "--output", fifo});
  exited = true;
  reader.join();
  ::close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_NE(received.find("\"record\":\"retire_verdict\""), std::string::npos) << received;
}

// The findings of these rows are the case tests/cases/reconcile/pins-and-state-pair; here, the
// repair script that comes with them.
TEST_F(ReconcileNfs, PinsAndStatePairsComeWithARepairScriptThatFixesThePins) {
  // The volume's placeholder is gone (as if pushed and then deleted): its pin is stale. The
  // template's count went below zero on a signed column. The snapshot's row is fine.
  ExecSql(db_, "DELETE FROM volume_store_ref WHERE id = 2");
  ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = -1 WHERE id = 1");
  ExecSql(db_, "UPDATE volume_store_ref SET download_state = 'DOWNLOAD_ERROR' WHERE id = 1");
  const std::string repair = dir_.File("repair.sql");
  const CommandResult r = Reconcile({"--format", "jsonl", "--repair-sql", repair});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::ifstream in(repair);
  const std::string script((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(script.find("UPDATE template_store_ref SET ref_cnt = 1, last_updated = '"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("WHERE id = 1 AND ref_cnt = -1;"), std::string::npos) << script;
  EXPECT_NE(script.find("-- UPDATE volume_store_ref SET state = 'Failed' WHERE id = 1;"),
            std::string::npos)
      << script;

  // The admin reviews and runs it; the pins are then clean, the state pair still needs a person.
  auto url = db::ParseDatabaseUrl("sqlite://" + db_);
  ASSERT_TRUE(url.ok());
  auto conn = db::OpenDatabase(*url);
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  ASSERT_TRUE((*conn)->ExecuteScript(script).ok());
  conn->reset();
  const CommandResult again = Reconcile({"--format", "jsonl"});
  EXPECT_EQ(
      ReportFindings(again.out),
      (std::multiset<std::string>{"state_mismatch volume_store_ref#1 " + std::string(kVolume)}));
}

TEST_F(ReconcileNfs, AStagingStoreWithNoPinLeftCanBeRetired) {
  ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = 0 WHERE store_id = 1");
  ExecSql(db_, "UPDATE snapshot_store_ref SET ref_cnt = 0 WHERE store_id = 1");
  ExecSql(db_, "UPDATE volume_store_ref SET ref_cnt = 0 WHERE store_id = 1");
  const CommandResult r = Reconcile({});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("can be retired now: no live row has ref_cnt <> 0"), std::string::npos)
      << r.out;
}

struct BadConfig {
  std::string label;
  std::vector<std::string> args;  // after "reconcile --db URL"
  std::string message;
};

void PrintTo(const BadConfig& c, std::ostream* os) {
  *os << c.label;
}

class ReconcileBadConfig : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ReconcileBadConfig, ExitsTwoAndWritesNothing) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  ASSERT_EQ(RunCsmigrate(S3Args("apply", db)).exit_code, 0);
  fs::create_directories(dir.File("nfs"));
  std::vector<std::string> args = {"reconcile", "--db", "sqlite://" + db, "--output",
                                   dir.File("report.txt")};
  for (auto arg : GetParam().args) {
    if (arg.find("NFS") != std::string::npos) arg.replace(arg.find("NFS"), 3, dir.File("nfs"));
    args.push_back(arg);
  }
  const CommandResult r = RunCsmigrate(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.File("report.txt")));
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, ReconcileBadConfig,
    ::testing::Values(
        BadConfig{"nfs_store_without_root",
                  {"--store", "1"},
                  "--store 1 is an NFS store: say where its export is mounted with --nfs-root "
                  "1=PATH"},
        BadConfig{"root_for_an_s3_store",
                  {"--nfs-root", "1=NFS", "--nfs-root", "2=NFS"},
                  "the provider of image store 2 is S3, not NFS"},
        BadConfig{"root_that_does_not_exist",
                  {"--store", "1", "--nfs-root", "1=/nonexistent/export"},
                  "/nonexistent/export"},
        BadConfig{"unknown_store", {"--store", "99"}, "--store 99: no image_store row"},
        BadConfig{"unknown_format", {"--format", "xml"}, "expected table, jsonl, csv or html"},
        BadConfig{"malformed_root", {"--nfs-root", "one=/mnt"}, "expected STORE_ID=PATH"}));

}  // namespace
}  // namespace csm::test
