#include "rules/rule_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "db/schema_files.h"
#include "test_support.h"

namespace csm::rules {
namespace {

// A whole rule file `text` (loaded as r.yaml) and a part of the message its refusal must hold.
struct RuleErrorCase {
  std::string text, expected;
};

// Each case's text is refused as invalid rules, with its expected text in the message.
void ExpectRuleErrors(const std::vector<RuleErrorCase>& cases) {
  for (const auto& c : cases) {
    auto rules = LoadRuleText(c.text, "r.yaml");
    ASSERT_FALSE(rules.ok()) << c.text;
    EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidRules);
    EXPECT_NE(rules.status().message().find(c.expected), std::string::npos)
        << rules.status().message();
  }
}

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

// Each malformed use of the new keys is refused with the file, the line and what was expected.
TEST(RuleLoader, RejectsMalformedReportAndNotInWithLine) {
  struct Case {
    std::string steps, expected;
  };
  const std::vector<Case> cases = {
      {"  - name: r\n    report: refs\n    one_per: obj\n    message: m\n",
       "r.yaml:5: unknown key 'one_per' in step 'r'; expected one of: name, report, join, where, "
       "unless_exists, message"},
      {"  - name: r\n    report: refs\n    where: {obj: 1}\n",
       "r.yaml:3: step 'r' needs a 'message'"},
      {"  - name: r\n    report: [refs]\n    message: m\n",
       "r.yaml:4: step 'r': report must be a single value"},
      {"  - name: r\n    report: refs\n    message: {text: m}\n",
       "r.yaml:5: message must be a single value"},
      {"  - name: r\n    report: refs\n    message: m\n    where:\n      obj: {not_in: [1, 2]}\n",
       "r.yaml:7: a sub-select must be a mapping"},
      {"  - name: r\n    report: refs\n    message: m\n    where:\n"
       "      obj: {not_in: {from: refs}}\n",
       "r.yaml:7: a sub-select needs 'select'"},
      {"  - name: r\n    report: refs\n    message: m\n    where:\n"
       "      obj: {not_in: {from: refs, select: obj, wher: {a: 1}}}\n",
       "r.yaml:7: unknown key 'wher' in a sub-select; expected one of: from, select, where"},
      {"  - name: r\n    report: refs\n    message: m\n    where:\n"
       "      obj: {in: [1], not_in: {from: refs, select: obj}}\n",
       "r.yaml:7: the condition on 'obj' has more than one of not, in, not_in and picked_by"},
      {"  - name: r\n    report: refs\n    message: m\n    unless_exists: {from: refs}\n",
       "r.yaml:6: unless_exists needs 'where'"},
  };
  for (const auto& c : cases) {
    auto rules = LoadRuleText(Minimal(c.steps), "r.yaml");
    ASSERT_FALSE(rules.ok()) << c.steps;
    EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidRules);
    EXPECT_NE(rules.status().message().find(c.expected), std::string::npos)
        << rules.status().message();
  }
}

TEST(RuleLoader, RejectsMalformedYamlWithLine) {
  auto rules = LoadRuleText("name: t\nsteps: [\n  - {name: x\n", "bad.yaml");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidRules);
  EXPECT_NE(rules.status().message().find("bad.yaml:"), std::string::npos);
  EXPECT_NE(rules.status().message().find("malformed YAML"), std::string::npos);
}

TEST(RuleLoader, RejectsUnknownStepKeyWithLineAndExpectedKeys) {
  auto rules = LoadRuleText(
      Minimal("  - name: s\n    update: image_store\n    wher: {id: 1}\n    set: {role: x}\n"),
      "r.yaml");
  ASSERT_FALSE(rules.ok());
  const std::string& m = rules.status().message();
  EXPECT_NE(m.find("r.yaml:5"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key 'wher'"), std::string::npos) << m;
  EXPECT_NE(m.find("expected one of: name, update, where, set"), std::string::npos) << m;
}

TEST(RuleLoader, RejectsUnknownTopLevelKey) {
  auto rules = LoadRuleText("name: t\nstepz: []\n", "r.yaml");
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.status().message().find("r.yaml:2: unknown key 'stepz'"), std::string::npos)
      << rules.status().message();
}

TEST(RuleLoader, RejectsStepWithoutKindOrWithTwoKinds) {
  auto none = LoadRuleText(Minimal("  - name: s\n    where: {id: 1}\n"), "r.yaml");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("needs a kind"), std::string::npos);
  auto two = LoadRuleText(
      Minimal("  - name: s\n    update: a\n    delete: a\n    where: {id: 1}\n    set: {x: 1}\n"),
      "r.yaml");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("one kind per step"), std::string::npos);
}

TEST(RuleLoader, RefusesWholeTableUpdatesAndDuplicateNames) {
  auto whole = LoadRuleText(Minimal("  - name: s\n    update: a\n    set: {x: 1}\n"), "r.yaml");
  ASSERT_FALSE(whole.ok());
  EXPECT_NE(whole.status().message().find("needs 'where'"), std::string::npos);
  auto dup = LoadRuleText(Minimal("  - {name: s, delete: a, where: {id: 1}}\n"
                                  "  - {name: s, delete: a, where: {id: 2}}\n"),
                          "r.yaml");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("r.yaml:4: two steps are named 's'"), std::string::npos)
      << dup.status().message();
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

// A repeated key is refused in any mapping, naming both lines: YAML readers disagree on which
// one counts (yaml-cpp keeps the first, many others the last).
TEST(RuleLoader, RefusesARepeatedKeyInAnyMappingNamingBothLines) {
  const std::vector<RuleErrorCase> cases = {
      {"name: t\nsteps:\n  - {name: s, delete: a, where: {id: 1}}\nname: u\n",
       "r.yaml:4: the key 'name' is given twice in one mapping (r.yaml:1 and r.yaml:4)"},
      {"name: t\nsteps:\n  - name: s\n    delete: a\n    where:\n      id: 1\n      id: 2\n",
       "r.yaml:7: the key 'id' is given twice in one mapping (r.yaml:6 and r.yaml:7)"},
      {"name: t\nsteps:\n  - {name: s, delete: a, where: {id: 1}, where: {id: 2}}\n",
       "r.yaml:3: the key 'where' is given twice"},
      {"name: t\nproviders:\n  S3:\n    secret_details: [secretkey]\n    required_details: "
       "[secretkey]\n    secret_details: [bucket]\nsteps:\n  - {name: s, delete: a, where: {id: "
       "1}}\n",
       "(r.yaml:4 and r.yaml:6)"},
  };
  ExpectRuleErrors(cases);
}

// An empty list would make its check vacuous (one_of: [] accepts anything) or its copy do
// nothing; a file with no steps would be applied and recorded doing nothing.
TEST(RuleLoader, RefusesEmptyListsAndAFileWithoutSteps) {
  const std::string step = "steps:\n  - {name: s, delete: a, where: {id: 1}}\n";
  const std::vector<RuleErrorCase> cases = {
      {"name: t\nparameters:\n  provider: {one_of: []}\n" + step,
       "r.yaml:3: one_of is empty, which would check or do nothing"},
      {"name: t\nsteps:\n  - {name: s, delete: a, where: {id: {in: []}}}\n",
       "r.yaml:3: the condition on 'id': in is empty"},
      {"name: t\nderived:\n  x: {coalesce: []}\n" + step,
       "r.yaml:3: derived value 'x': coalesce is empty"},
      {"name: t\nderived:\n  x: {if: {}, then: a, else: b}\n" + step,
       "r.yaml:3: derived value 'x': if is empty"},
      {"name: t\nproviders:\n  S3: {required_details: []}\n" + step,
       "r.yaml:3: required_details is empty"},
      {"name: t\nsteps:\n  - {name: s, insert_from: a, values: {copy: []}}\n",
       "r.yaml:3: copy is empty"},
      {"name: t\nsteps: []\n", "r.yaml:2: the rule file has no steps"},
      {"name: t\nproviders: {}\n" + step, "r.yaml:2: providers is empty"},
      {"name: t\n" + step + "rollback_guards: []\n", "r.yaml:4: rollback_guards is empty"},
  };
  ExpectRuleErrors(cases);
}

// A misspelt secret_details entry would leave the real secret unmasked: refused at its line,
// with the closest valid name.
TEST(RuleLoader, RefusesASecretDetailThatIsNeitherRequiredNorCloudStacksSecret) {
  auto rules = LoadRuleText(
      "name: t\nproviders:\n  S3:\n    required_details: [bucket, secretkey]\n"
      "    secret_details:\n      - secretkey\n      - secretky\n"
      "steps:\n  - {name: s, delete: a, where: {id: 1}}\n",
      "r.yaml");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidRules);
  EXPECT_NE(rules.status().message().find(
                "r.yaml:7: secret_details of provider 'S3' names 'secretky', which is neither one "
                "of its required_details nor a detail CloudStack keeps secret; did you mean "
                "'secretkey'?"),
            std::string::npos)
      << rules.status().message();
  auto swift = LoadRuleText(
      "name: t\nproviders:\n  Swift:\n    required_details: [account]\n"
      "    secret_details: [key]\nsteps:\n  - {name: s, delete: a, where: {id: 1}}\n",
      "r.yaml");
  EXPECT_TRUE(swift.ok()) << "CloudStack's own secret names are always valid: "
                          << swift.status().message();
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
