// The reconcile cases of tests/cases/reconcile/ (its README.md): each directory's database setup
// and export listing give exactly the findings of its expected.txt, and the exit code they imply.
// One test instance per case directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "db/database_url.h"
#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

fs::path CasesDir() {
  return fs::path(SourceDir()) / "tests" / "cases" / "reconcile";
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of the file at `path` that are neither empty nor comments ('#').
std::vector<std::string> ContentLines(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadText(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CasesDir())) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Builds the export at `root` from the case's listing.txt and files/.
void BuildExport(const fs::path& case_dir, const std::string& root) {
  fs::create_directories(root);
  for (const auto& line : ContentLines(case_dir / "listing.txt")) {
    const auto space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << "listing.txt: expected SIZE PATH, got: " << line;
    MakeSizedFile(root + "/" + line.substr(space + 1), std::stoll(line.substr(0, space)));
  }
  if (fs::exists(case_dir / "files")) {
    fs::copy(case_dir / "files", root, fs::copy_options::recursive);
  }
}

// "KIND TABLE#ROW KEY" ('-' for no row) of every finding of a `--format jsonl` report.
std::multiset<std::string> FindingLines(const std::string& jsonl) {
  std::multiset<std::string> found;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["record"] != "finding") continue;
    const std::string row = j["table"].is_null() ? "-"
                                                 : j["table"].get<std::string>() + "#" +
                                                       std::to_string(j["row_id"].get<int64_t>());
    found.insert(j["kind"].get<std::string>() + " " + row + " " + j["key"].get<std::string>());
  }
  return found;
}

class ReconcileCases : public ::testing::TestWithParam<std::string> {};

TEST_P(ReconcileCases, FindExactlyTheExpectedFindings) {
  const fs::path case_dir = CasesDir() / GetParam();
  ASSERT_TRUE(fs::exists(case_dir / "listing.txt")) << case_dir << " has no listing.txt";
  ASSERT_TRUE(fs::exists(case_dir / "expected.txt")) << case_dir << " has no expected.txt";
  const std::vector<std::string> expected_lines = ContentLines(case_dir / "expected.txt");
  const std::multiset<std::string> expected(expected_lines.begin(), expected_lines.end());
  ASSERT_FALSE(expected.empty()) << "expected.txt lists no finding";

  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const CommandResult applied = RunCsmigrate(S3Args("apply", db));
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  if (fs::exists(case_dir / "setup.sql")) {
    auto url = db::ParseDatabaseUrl("sqlite://" + db);
    ASSERT_TRUE(url.ok());
    auto conn = db::OpenDatabase(*url);
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    const Status set_up = (*conn)->ExecuteScript(ReadText(case_dir / "setup.sql"));
    ASSERT_TRUE(set_up.ok()) << "setup.sql: " << set_up.message();
  }
  const std::string root = dir.File("nfs");
  BuildExport(case_dir, root);

  const CommandResult r =
      RunCsmigrate({"reconcile", "--db", "sqlite://" + db, "--store", "1", "--nfs-root",
                    "1=" + root, "--format", "jsonl", "--show-ok"});
  const bool all_ok = std::all_of(expected.begin(), expected.end(), [](const std::string& line) {
    return line.rfind("ok ", 0) == 0;
  });
  EXPECT_EQ(r.exit_code, all_ok ? 0 : 1) << r.err;
  EXPECT_EQ(FindingLines(r.out), expected) << r.out;
}

// gtest names may hold letters, digits and '_' only.
std::string CaseTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, ReconcileCases, ::testing::ValuesIn(CaseNames()), CaseTestName);

}  // namespace
}  // namespace csm::test
