// The rule-error cases of tests/cases/rule_errors/ (its README.md): every <case>.yaml is refused
// as invalid rules, by the loader or by the validator against the tables of schema.sql, with each
// line of <case>.expected in the message. One test instance per case file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "db/database_url.h"
#include "rules/rule_loader.h"
#include "rules/rule_validator.h"
#include "test_support.h"

namespace csm::rules {
namespace {

namespace fs = std::filesystem;

fs::path CasesDir() {
  return fs::path(test::SourceDir()) / "tests" / "cases" / "rule_errors";
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The names of the files in the cases directory that end in `extension`, without it, sorted.
std::vector<std::string> Stems(const std::string& extension) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CasesDir())) {
    if (entry.path().extension() == extension) names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// How `rules` fares against the tables of schema.sql, built in a fresh SQLite database.
Status ValidateAgainstCaseSchema(const RuleSet& rules) {
  test::ScratchDir dir;
  auto url = db::ParseDatabaseUrl("sqlite://" + dir.File("cases.db"));
  if (!url.ok()) return url.status();
  auto conn = db::OpenDatabase(*url, true);
  if (!conn.ok()) return conn.status();
  const Status created = (*conn)->ExecuteScript(ReadText(CasesDir() / "schema.sql"));
  EXPECT_TRUE(created.ok()) << created.message();
  auto catalog = LoadCatalog(rules, **conn);
  if (!catalog.ok()) return catalog.status();
  return ValidateRules(rules, *catalog);
}

class RuleErrorCases : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleErrorCases, IsRefusedWithItsMessage) {
  const std::string file = GetParam() + ".yaml";
  const fs::path expected_path = CasesDir() / (GetParam() + ".expected");
  ASSERT_TRUE(fs::exists(expected_path)) << file << " has no " << expected_path.filename();
  std::vector<std::string> expected;
  std::istringstream lines(ReadText(expected_path));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) expected.push_back(line);
  }
  ASSERT_FALSE(expected.empty()) << expected_path << " expects nothing";

  auto rules = LoadRuleText(ReadText(CasesDir() / file), file);
  const Status status = rules.ok() ? ValidateAgainstCaseSchema(*rules) : rules.status();
  ASSERT_FALSE(status.ok()) << file << " was accepted";
  EXPECT_EQ(status.code(), ErrorCode::kInvalidRules) << status.message();
  for (const auto& text : expected) {
    EXPECT_NE(status.message().find(text), std::string::npos)
        << "expected: " << text << "\nmessage:  " << status.message();
  }
}

// gtest names may hold letters, digits and '_' only.
std::string CaseTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, RuleErrorCases, ::testing::ValuesIn(Stems(".yaml")), CaseTestName);

TEST(RuleErrorCaseFiles, EveryExpectedFileHasItsCase) {
  const std::vector<std::string> cases = Stems(".yaml");
  EXPECT_GE(cases.size(), 50u) << "the cases directory " << CasesDir() << " lost its cases";
  for (const auto& name : Stems(".expected")) {
    EXPECT_TRUE(std::binary_search(cases.begin(), cases.end(), name))
        << name << ".expected has no " << name << ".yaml";
  }
}

}  // namespace
}  // namespace csm::rules
