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

// "other.id" is not an alias in scope, so it is a literal string: valid (a src. column that does
// not exist is refused: tests/cases/rule_errors/copied-column-not-in-source.yaml).
TEST(RuleValidator, TakesAnUnknownAliasForALiteral) {
  Status s = Validate(
      "  - name: c\n    insert_from: refs\n    where: {store_id: 1}\n"
      "    values: {obj: src.obj, store_id: other.id}\n");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuleValidator, AcceptsAReportWithJoinNotInAndMessageColumns) {
  Status s = Validate(
      "  - name: r\n    report: refs\n"
      "    join: {image_store: {on: {id: src.store_id}, where: {removed: null}}}\n"
      "    where: {obj: {not_in: {from: refs, select: obj, where: {ref_cnt: 1}}}}\n"
      "    unless_exists: {where: {store_id: 9, obj: src.obj}}\n"
      "    message: 'row {id} holds {obj} on {store_id}'\n");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuleValidator, AnOptionalGuardIsSkippedOnlyWhereItsTableIsMissing) {
  // LoadCatalog describes a missing table as one without columns.
  Catalog catalog = SmallCatalog();
  catalog["upload"] = db::TableSchema{"upload", {}};
  auto optional = LoadRuleText(
      "name: t\nsteps: [{name: s, delete: refs, where: {id: 1}}]\nrollback_guards:\n"
      "  - {table: upload, column: host_id, references: image_store, optional: true}\n",
      "t.yaml");
  ASSERT_TRUE(optional.ok()) << optional.status().message();
  ASSERT_EQ(optional->rollback_guards.size(), 1u);
  EXPECT_TRUE(optional->rollback_guards[0].optional);
  EXPECT_FALSE(GuardApplies(optional->rollback_guards[0], catalog));
  EXPECT_TRUE(ValidateRules(*optional, catalog).ok());

  // Present, the optional guard is checked like any other.
  catalog["upload"] = Table("upload", {"id", "store"});
  EXPECT_TRUE(GuardApplies(optional->rollback_guards[0], catalog));
  Status wrong_column = ValidateRules(*optional, catalog);
  ASSERT_FALSE(wrong_column.ok());
  EXPECT_NE(wrong_column.message().find("'host_id' is not a column of upload"), std::string::npos)
      << wrong_column.message();
  // (A guard that is not optional must find its table:
  // tests/cases/rule_errors/guard-table-does-not-exist.yaml.)
}

// A catalog with the types the backends report (SQLite, MariaDB and PostgreSQL spellings).
Catalog TypedCatalog() {
  Catalog c;
  auto column = [](const std::string& name, const std::string& type, bool not_null) {
    db::ColumnInfo info;
    info.name = name;
    info.declared_type = type;
    info.not_null = not_null;
    info.primary_key = name == "id";
    return info;
  };
  c["image_store"] = {
      "image_store",
      {column("id", "bigint(20) unsigned", true), column("name", "varchar(8)", true),
       column("role", "character varying(255)", false), column("data_center_id", "BIGINT", false),
       column("created", "timestamp without time zone", false),
       column("readonly", "boolean", false), column("ref_cnt", "INTEGER", false),
       column("download_pct", "int(10) unsigned", false)}};
  return c;
}

Status ValidateTyped(const std::string& steps) {
  auto rules = LoadRuleText("name: t\nsteps:\n" + steps, "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return rules.status();
  return ValidateRules(*rules, TypedCatalog());
}

TEST(RuleValidator, AcceptsLiteralsThatFitTheirColumns) {
  Status s = ValidateTyped(
      "  - name: s\n    update: image_store\n"
      "    where: {id: 1, role: '7', data_center_id: null, readonly: true, created: '2024-01-02 "
      "03:04:05'}\n"
      "    set: {name: short, ref_cnt: {add: 1}, readonly: 0, data_center_id: null, created: "
      "'2024-01-02'}\n");
  EXPECT_TRUE(s.ok()) << s.message();
}

// {add: N} is range-checked like any literal: an amount past the column's largest value would
// overflow whatever the row holds (a decrement of an unsigned count is fine).
TEST(RuleValidator, RefusesAnAddPastTheIntegerColumnsRange) {
  auto add = [](const std::string& amount) {
    return ValidateTyped(
        "  - name: s\n    update: image_store\n    where: {id: 1}\n"
        "    set: {download_pct: {add: " +
        amount + "}}\n");
  };
  for (const char* fits : {"1", "4294967295", "-4294967295"}) {
    const Status s = add(fits);
    EXPECT_TRUE(s.ok()) << fits << ": " << s.message();
  }
  for (const char* past : {"4294967296", "-4294967296", "9223372036854775807"}) {
    const Status s = add(past);
    ASSERT_FALSE(s.ok()) << past;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidRules);
    EXPECT_NE(s.message().find(std::string("{add: ") + past +
                               "} stored into image_store.download_pct (int(10) unsigned): the "
                               "amount is past what the column holds (whole numbers up to "
                               "4294967295)"),
              std::string::npos)
        << s.message();
  }
}

}  // namespace
}  // namespace csm::rules
