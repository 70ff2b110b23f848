#include "rules/rule_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "db/schema_files.h"
#include "test_support.h"

namespace csm::rules {
namespace {

std::string Minimal(const std::string& step) {
  return "name: t\nsteps:\n" + step;
}

TEST(RuleLoader, LoadsTheShippedRuleFile) {
  auto rules = LoadRuleFile(std::string(CSM_SOURCE_DIR) + "/rules/nfs-to-object-store.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_EQ(rules->name, "nfs-to-object-store");
  ASSERT_NE(rules->FindStep("template placeholders"), nullptr);
  const Step& placeholders = *rules->FindStep("template placeholders");
  EXPECT_EQ(placeholders.kind, Step::Kind::kInsertFrom);
  EXPECT_EQ(placeholders.one_per, "template_id");
  EXPECT_EQ(placeholders.copy.size(), 9u);
  ASSERT_EQ(placeholders.pin_source.size(), 1u);
  EXPECT_EQ(placeholders.pin_source[0].value.kind, Operand::Kind::kAdd);
  ASSERT_NE(rules->FindProvider("S3"), nullptr);
  EXPECT_EQ(rules->FindProvider("S3")->secret_details, std::vector<std::string>{"secretkey"});
  int reports = 0;
  for (const auto& step : rules->steps) reports += step.kind == Step::Kind::kReport ? 1 : 0;
  EXPECT_EQ(reports, 3) << "removed, not Ready and SYSTEM templates are each reported";
}

TEST(RuleLoader, ReadsAReportStepWithJoinNotInUnlessExistsAndMessageColumns) {
  auto rules = LoadRuleText(
      Minimal("  - name: r\n"
              "    report: refs\n"
              "    join: {objects: {on: {id: src.obj}, where: {removed: null}}}\n"
              "    where:\n"
              "      state: {not: Ready}\n"
              "      obj: {not_in: {from: refs, select: obj, where: {state: Ready}}}\n"
              "    unless_exists: {where: {store_id: 9, obj: src.obj}}\n"
              "    message: 'row {id} of {obj} is {state}; {obj} again, {not a column}'\n"),
      "r.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  const Step& s = rules->steps[0];
  EXPECT_EQ(s.kind, Step::Kind::kReport);
  EXPECT_EQ(s.table, "refs");
  EXPECT_TRUE(s.into.empty()) << "a report writes no table";
  ASSERT_EQ(s.joins.size(), 1u);
  EXPECT_EQ(s.joins[0].on[0].second.kind, Operand::Kind::kColumn);
  ASSERT_EQ(s.where.size(), 2u);
  EXPECT_EQ(s.where[1].kind, Condition::Kind::kNotInSelect);
  ASSERT_NE(s.where[1].sub, nullptr);
  EXPECT_EQ(s.where[1].sub->table, "refs");
  EXPECT_EQ(s.where[1].sub->column, "obj");
  EXPECT_EQ(s.where[1].where.line, 8);
  ASSERT_TRUE(s.unless_exists.has_value());
  EXPECT_EQ(s.unless_exists_table, "refs") << "a report's unless_exists defaults to its source";
  EXPECT_EQ(s.message_columns, (std::vector<std::string>{"id", "obj", "state"}));
}

TEST(RuleLoader, TellsColumnReferencesFromLiterals) {
  auto rules = LoadRuleText(Minimal("  - name: s\n    insert_from: a\n    into: b\n"
                                    "    where: {ip: 10.0.0.1, quoted: 'src.x'}\n"
                                    "    values: {x: src.y, n: 5, p: $now, z: null}\n"),
                            "r.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  const Step& s = rules->steps[0];
  EXPECT_EQ(s.where[0].operand.kind, Operand::Kind::kLiteral);
  EXPECT_EQ(std::get<std::string>(s.where[0].operand.literal), "10.0.0.1");
  EXPECT_EQ(s.where[1].operand.kind, Operand::Kind::kLiteral);
  EXPECT_EQ(s.values[0].value.kind, Operand::Kind::kColumn);
  EXPECT_EQ(s.values[0].value.column, "y");
  EXPECT_EQ(std::get<int64_t>(s.values[1].value.literal), 5);
  EXPECT_EQ(s.values[2].value.kind, Operand::Kind::kParameter);
  EXPECT_EQ(s.values[3].value.kind, Operand::Kind::kNull);
}

// CloudStack's own secret names are always valid secret_details, whether required or not (a
// misspelt one is refused: tests/cases/rule_errors/misspelt-secret-detail.yaml).
TEST(RuleLoader, AcceptsCloudStacksOwnSecretDetailNames) {
  auto swift = LoadRuleText(
      "name: t\nproviders:\n  Swift:\n    required_details: [account]\n"
      "    secret_details: [key]\nsteps:\n  - {name: s, delete: a, where: {id: 1}}\n",
      "r.yaml");
  EXPECT_TRUE(swift.ok()) << swift.status().message();
}

TEST(RuleLoader, ADirectoryIsNamedAsOneNotReadAsAnEmptyFile) {
  test::ScratchDir dir;
  auto rules = LoadRuleFile(dir.path());
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(rules.status().message(),
            "rule file " + dir.path() + " is a directory; give the rule file itself");
}

TEST(RuleLoader, RefusesARuleFileLargerThanTheLimitBeforeParsingIt) {
  test::ScratchDir dir;
  const std::string path = dir.File("big.yaml");
  {
    std::ofstream out(path);
    out << "name: t\nsteps:\n";
    const std::string step = "  - {name: s, delete: a, where: {id: 1}}\n";
    for (size_t n = 0; n * step.size() < kMaxRuleFileBytes; ++n) out << "# " << step;
    out << "  - {name: s, delete: a, where: {id: 1}}\n";
  }
  auto rules = LoadRuleFile(path);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidRules);
  EXPECT_NE(rules.status().message().find("rule files may be at most 1.0 MiB (1048576 bytes)"),
            std::string::npos)
      << rules.status().message();
  EXPECT_NE(rules.status().message().find(path + " is 1.0 MiB ("), std::string::npos)
      << rules.status().message();
}

}  // namespace
}  // namespace csm::rules
