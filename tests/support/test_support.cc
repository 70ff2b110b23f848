#include "test_support.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/digest.h"
#include "db/database_url.h"
#include "db/schema_files.h"

extern char** environ;

namespace csm::test {

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "csm-test-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string SourceDir() {
  return CSM_SOURCE_DIR;
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() + "/fixtures")) {
    if (std::filesystem::exists(entry.path() / "fixture.yaml")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool WaitForText(const std::string& path, const std::string& text, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    if (content.str().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void CreateCloudDb(const std::string& path, const std::string& fixture_dir,
                   const std::string& version) {
  setenv("CSM_DATA_DIR", CSM_SOURCE_DIR, 1);
  auto conn = db::OpenDatabase(*db::ParseDatabaseUrl("sqlite://" + path), true);
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  Status schema = db::InstallSchemaFile(**conn, "cloudstack-" + version);
  ASSERT_TRUE(schema.ok()) << schema.message();
  if (fixture_dir.empty()) return;
  auto fixture = fixture::LoadFixture(fixture_dir);
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  Status rows = fixture::LoadBeforeRows(**conn, *fixture);
  ASSERT_TRUE(rows.ok()) << rows.message();
}

std::string DumpDatabase(const std::string& path, bool include_engine_tables) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement tables(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                           "'sqlite_%' ORDER BY name");
  std::ostringstream out;
  while (tables.executeStep()) {
    const std::string table = tables.getColumn(0).getString();
    if (!include_engine_tables && table.rfind("csm_", 0) == 0) continue;
    out << "== " << table << "\n";
    SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\" ORDER BY 1");
    while (rows.executeStep()) {
      for (int i = 0; i < rows.getColumnCount(); ++i) {
        const SQLite::Column c = rows.getColumn(i);
        out << (i ? "|" : "") << (c.isNull() ? "NULL" : c.getString()) << ":" << c.getType();
      }
      out << "\n";
    }
  }
  return out.str();
}

std::string FileDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return Sha256Hex(bytes.str());
}

void ExecSql(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec(sql);
}

std::string Cell(const std::string& path, const std::string& sql) {
  auto url = db::ParseDatabaseUrl("sqlite://" + path);
  auto conn = db::OpenDatabase(*url);
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return "<none>";
  auto result = (*conn)->Query(sql);
  EXPECT_TRUE(result.ok()) << result.status().message();
  if (!result.ok() || result->rows.empty()) return "<none>";
  return db::ToDisplay(result->rows[0][0]);
}

namespace {

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back(std::string("CSM_DATA_DIR=") + CSM_SOURCE_DIR);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Starts `binary` (CSM_BINARY, or CSM_SEAM_BINARY) with stdout to `out_path` and stderr to
// `err_path`, or, when `err_fd` is not -1, to that descriptor.
int Spawn(const std::vector<std::string>& args, const std::vector<std::string>& extra_env,
          const std::string& out_path, const std::string& err_path, int err_fd = -1,
          const char* binary = CSM_BINARY) {
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = Environment(extra_env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  if (err_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  pid_t pid = -1;
  auto argv_ptrs = Pointers(argv);
  auto env_ptrs = Pointers(env);
  const int rc =
      posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, argv_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << argv[0];
  return pid;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

CommandResult RunCsmigrate(const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  ScratchDir dir;
  const int pid = Spawn(args, env, dir.File("out"), dir.File("err"));
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(dir.File("out"));
  result.err = Slurp(dir.File("err"));
  return result;
}

CommandResult RunCsmigrateWithStdout(const std::string& stdout_path,
                                     const std::vector<std::string>& args,
                                     const std::vector<std::string>& env) {
  ScratchDir dir;
  const int pid = Spawn(args, env, stdout_path, dir.File("err"));
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = Slurp(dir.File("err"));
  return result;
}

CommandResult RunCsmigrateWithTerminalStderr(const std::vector<std::string>& args,
                                             const std::vector<std::string>& env) {
  ScratchDir dir;
  int terminal = -1;
  int device = -1;
  EXPECT_EQ(openpty(&terminal, &device, nullptr, nullptr, nullptr), 0) << "no pseudo-terminal";
  const bool seams = std::any_of(env.begin(), env.end(),
                                 [](const std::string& e) { return e.rfind("CSM_TEST_", 0) == 0; });
  const int pid =
      Spawn(args, env, dir.File("out"), "", device, seams ? CSM_SEAM_BINARY : CSM_BINARY);
  close(device);
  CommandResult result;
  // Read until the last writer is gone (EIO on Linux), so the child never blocks on a full pty.
  char buffer[4096];
  for (ssize_t n; (n = read(terminal, buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.err.append(buffer, static_cast<size_t>(n));
  }
  close(terminal);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Slurp(dir.File("out"));
  return result;
}

int StartCsmigrate(const std::vector<std::string>& args, const std::vector<std::string>& env,
                   const std::string& log_path) {
  return Spawn(args, env, log_path + ".out", log_path, -1, CSM_SEAM_BINARY);
}

void MakeSizedFile(const std::string& path, int64_t size) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path).close();
  std::filesystem::resize_file(path, static_cast<uintmax_t>(size));
}

std::multiset<std::string> ReportFindings(const std::string& jsonl) {
  std::multiset<std::string> found;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["record"] != "finding") continue;
    const std::string row = j["table"].is_null() ? ""
                                                 : j["table"].get<std::string>() + "#" +
                                                       std::to_string(j["row_id"].get<int64_t>());
    found.insert(j["kind"].get<std::string>() + " " + row + " " + j["key"].get<std::string>());
  }
  return found;
}

std::vector<std::string> S3Args(const std::string& command, const std::string& db_path,
                                const std::string& name) {
  return {command,
          "--db",
          "sqlite://" + db_path,
          "--provider",
          "S3",
          "--name",
          name,
          "--detail",
          "bucket=cs-secondary",
          "--detail",
          "accesskey=AKIAEXAMPLE",
          "--detail",
          "secretkey=TopSecret-9f8e7d",
          "--detail",
          "endpoint=10.0.0.5:9000"};
}

bool HaveJsonSchema() {
  return std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

std::string JsonSchemaErrors(const std::string& document, const std::string& schema,
                             const ScratchDir& dir) {
  static std::atomic<int> count{0};
  const std::string path = dir.File("document-" + std::to_string(++count) + ".json");
  std::ofstream(path) << document;
  const std::string script = dir.File("validate-schema.py");
  std::ofstream(script)
      << "import json,sys,jsonschema\n"
         "s=json.load(open(sys.argv[1]));v=jsonschema.Draft202012Validator(s);v.check_schema(s)\n"
         "e=[x.message for x in v.iter_errors(json.load(open(sys.argv[2])))]\n"
         "print('\\n'.join(e));sys.exit(1 if e else 0)\n";
  const std::string command = "/usr/bin/python3 " + script + " " + SourceDir() + "/docs/schemas/" +
                              schema + " " + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[512];
  while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  return status == 0 ? "" : (out.empty() ? "the validator failed" : out);
}

}  // namespace csm::test
