#include "rules/rule_validator.h"

#include <gtest/gtest.h>

#include "rules/rule_loader.h"

namespace csm::rules {
namespace {

db::TableSchema Table(const std::string& name, std::vector<std::string> columns,
                      std::vector<std::string> not_null = {}) {
  db::TableSchema t{name, {}};
  for (const auto& c : columns) {
    db::ColumnInfo info;
    info.name = c;
    info.primary_key = c == "id";
    for (const auto& n : not_null) info.not_null = info.not_null || n == c;
    t.columns.push_back(info);
  }
  return t;
}

Catalog SmallCatalog() {
  Catalog c;
  c["image_store"] = Table("image_store", {"id", "name", "role", "removed"}, {"name"});
  c["refs"] = Table("refs", {"id", "store_id", "obj", "ref_cnt"}, {"obj"});
  return c;
}

Status Validate(const std::string& steps) {
  auto rules = LoadRuleText("name: t\nparameters: {name: {}}\nsteps:\n" + steps, "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return rules.status();
  return ValidateRules(*rules, SmallCatalog());
}

TEST(RuleValidator, AcceptsAValidRuleSet) {
  Status s = Validate(
      "  - {name: stage, update: image_store, where: {role: Image, removed: null}, set: {role: "
      "X}}\n"
      "  - {name: add, insert: image_store, values: {name: $name}, bind_id: store}\n"
      "  - name: copy\n    insert_from: refs\n    where: {store_id: 1}\n    one_per: obj\n"
      "    unless_exists: {where: {store_id: $store, obj: src.obj}}\n"
      "    values: {copy: [obj], store_id: $store}\n    pin_source: {ref_cnt: {add: 1}}\n"
      "  - {name: mark, update: refs, where: {obj: {picked_by: copy, select: obj}}, set: {ref_cnt: "
      "0}}\n");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuleValidator, NamesAnUnknownTable) {
  Status s = Validate("  - {name: s, delete: nosuch, where: {id: 1}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRules);
  EXPECT_NE(s.message().find("t.yaml:4: step 's': table 'nosuch' does not exist"),
            std::string::npos)
      << s.message();
}

TEST(RuleValidator, NamesAnUnknownColumnAndListsTheRealOnes) {
  Status s = Validate("  - {name: s, update: refs, where: {objj: 1}, set: {ref_cnt: 0}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'objj' is not a column of refs (its columns: id, store_id, obj, "
                             "ref_cnt)"),
            std::string::npos)
      << s.message();
}

TEST(RuleValidator, RejectsAnUnboundParameter) {
  Status s = Validate("  - {name: s, update: refs, where: {obj: $nope}, set: {ref_cnt: 0}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("$nope"), std::string::npos) << s.message();
}

TEST(RuleValidator, RejectsAnInsertThatLeavesANotNullColumnEmpty) {
  Status s = Validate("  - {name: s, insert: image_store, values: {role: x}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("leaves NOT NULL column 'name' without a value"), std::string::npos)
      << s.message();
}

TEST(RuleValidator, RejectsPickedByOfAStepThatPicksNothing) {
  Status s = Validate(
      "  - {name: a, update: refs, where: {obj: 1}, set: {ref_cnt: 0}}\n"
      "  - {name: b, update: refs, where: {obj: {picked_by: a, select: obj}}, set: {ref_cnt: "
      "0}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("picked_by 'a' must name an earlier insert_from step"),
            std::string::npos)
      << s.message();
}

TEST(RuleValidator, RefusesToTouchEngineTables) {
  Status s = Validate("  - {name: s, delete: csm_journal, where: {run_id: 1}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("belongs to csmigrate itself"), std::string::npos);
}

TEST(RuleValidator, RejectsAnUnknownAlias) {
  Status s = Validate(
      "  - name: c\n    insert_from: refs\n    where: {store_id: 1}\n"
      "    values: {obj: src.obj, store_id: other.id}\n");
  // "other.id" is not an alias in scope, so it is a literal string: valid, but the copy of
  // src.obj must resolve.
  EXPECT_TRUE(s.ok()) << s.message();
  Status bad = Validate(
      "  - name: c\n    insert_from: refs\n    where: {store_id: 1}\n"
      "    values: {obj: src.nosuch}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("'nosuch' is not a column of refs"), std::string::npos);
}

}  // namespace
}  // namespace csm::rules
