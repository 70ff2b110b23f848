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

TEST(RuleValidator, AcceptsAReportWithJoinNotInAndMessageColumns) {
  Status s = Validate(
      "  - name: r\n    report: refs\n"
      "    join: {image_store: {on: {id: src.store_id}, where: {removed: null}}}\n"
      "    where: {obj: {not_in: {from: refs, select: obj, where: {ref_cnt: 1}}}}\n"
      "    unless_exists: {where: {store_id: 9, obj: src.obj}}\n"
      "    message: 'row {id} holds {obj} on {store_id}'\n");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuleValidator, NamesAMessagePlaceholderThatIsNotAColumn) {
  Status report = Validate(
      "  - {name: r, report: refs, where: {ref_cnt: 0}, message: 'row {id} holds {objj}'}\n");
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("t.yaml:4: step 'r': message {objj}: 'objj' is not a column of "
                                  "refs"),
            std::string::npos)
      << report.message();
  Status check =
      Validate("  - {name: c, require_none: image_store, where: {role: X}, message: '{nme}'}\n");
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.message().find("message {nme}: 'nme' is not a column of image_store"),
            std::string::npos)
      << check.message();
}

TEST(RuleValidator, ChecksANotInSubSelectAndAReportsTables) {
  Status column = Validate(
      "  - {name: r, report: refs, where: {obj: {not_in: {from: refs, select: objj}}}, "
      "message: m}\n");
  ASSERT_FALSE(column.ok());
  EXPECT_NE(column.message().find("'objj' is not a column of refs"), std::string::npos)
      << column.message();
  Status table = Validate(
      "  - {name: r, report: refs, where: {obj: {not_in: {from: nosuch, select: id}}}, "
      "message: m}\n");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.message().find("table 'nosuch' does not exist"), std::string::npos)
      << table.message();
  Status unless = Validate(
      "  - {name: r, report: refs, unless_exists: {from: nosuch, where: {}}, message: m}\n");
  ASSERT_FALSE(unless.ok());
  EXPECT_NE(unless.message().find("table 'nosuch' does not exist"), std::string::npos)
      << unless.message();
  Status engine = Validate("  - {name: r, report: csm_journal, message: m}\n");
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.message().find("belongs to csmigrate itself"), std::string::npos);
}

Status ValidateGuard(const std::string& guard) {
  auto rules = LoadRuleText(
      "name: t\nsteps: [{name: s, delete: refs, where: {id: 1}}]\nrollback_guards:\n  - " + guard +
          "\n",
      "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return rules.status();
  return ValidateRules(*rules, SmallCatalog());
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

  // A guard that is not optional must find its table.
  Status required = ValidateGuard("{table: upload, column: host_id, references: image_store}");
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.message().find("table 'upload' does not exist"), std::string::npos)
      << required.message();
}

TEST(RuleValidator, AGuardsTableMustHaveAnIdToNameItsRows) {
  Catalog catalog = SmallCatalog();
  catalog["links"] = Table("links", {"link_id", "store_id"});
  auto rules = LoadRuleText(
      "name: t\nsteps: [{name: s, delete: refs, where: {id: 1}}]\nrollback_guards:\n"
      "  - {table: links, column: store_id, references: image_store}\n",
      "t.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  Status s = ValidateRules(*rules, catalog);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'id' is not a column of links"), std::string::npos) << s.message();
}

TEST(RuleValidator, AGuardsOptionalFlagMustBeABoolean) {
  auto rules = LoadRuleText(
      "name: t\nsteps: [{name: s, delete: refs, where: {id: 1}}]\nrollback_guards:\n"
      "  - {table: refs, column: store_id, references: image_store, optional: perhaps}\n",
      "t.yaml");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), ErrorCode::kInvalidRules);
  EXPECT_NE(rules.status().message().find("t.yaml:4"), std::string::npos)
      << rules.status().message();
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
       column("readonly", "boolean", false), column("ref_cnt", "INTEGER", false)}};
  return c;
}

Status ValidateTyped(const std::string& steps) {
  auto rules = LoadRuleText("name: t\nsteps:\n" + steps, "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return rules.status();
  return ValidateRules(*rules, TypedCatalog());
}

// Literals are checked against the live column's type before anything runs: MySQL would compare
// 'Image' with an integer column as 0, SQLite would store text in an integer column as it is.
TEST(RuleValidator, RefusesLiteralsThatDoNotFitTheirColumnsType) {
  struct Case {
    std::string steps, expected;
  };
  const std::vector<Case> cases = {
      {"  - {name: s, delete: image_store, where: {data_center_id: Image}}\n",
       "t.yaml:3: the text 'Image' compared with image_store.data_center_id (BIGINT): the column "
       "holds numbers"},
      {"  - {name: s, delete: image_store, where: {role: 7}}\n",
       "t.yaml:3: the whole number 7 compared with image_store.role (character varying(255)): the "
       "column holds text; quote the number ('7')"},
      {"  - {name: s, delete: image_store, where: {data_center_id: {in: [1, x]}}}\n",
       "the text 'x' compared with image_store.data_center_id"},
      {"  - {name: s, update: image_store, where: {id: 1}, set: {data_center_id: true}}\n",
       "the text 'true' stored into image_store.data_center_id (BIGINT): the column holds numbers "
       "(write 1 or 0 for true or false)"},
      {"  - {name: s, update: image_store, where: {id: 1}, set: {name: null}}\n",
       "null stored into image_store.name (varchar(8)): the column is NOT NULL"},
      {"  - {name: s, update: image_store, where: {id: 1}, set: {name: much-too-long}}\n",
       "the text 'much-too-long' stored into image_store.name (varchar(8)): the text has 13 "
       "characters, more than the column's 8"},
      {"  - {name: s, update: image_store, where: {id: 1}, set: {created: yesterday}}\n",
       "the text 'yesterday' stored into image_store.created (timestamp without time zone): the "
       "column holds a date and time"},
      {"  - {name: s, update: image_store, where: {id: 1}, set: {readonly: maybe}}\n",
       "the text 'maybe' stored into image_store.readonly (boolean): the column holds true or "
       "false"},
      {"  - {name: s, update: image_store, where: {id: -1}, set: {ref_cnt: 0}}\n",
       "the whole number -1 compared with image_store.id (bigint(20) unsigned): the column is "
       "unsigned"},
      {"  - {name: s, update: image_store, where: {id: 1}, set: {role: {add: 1}}}\n",
       "{add: 1} stored into image_store.role (character varying(255)): the column is not a "
       "number"},
  };
  for (const auto& c : cases) {
    Status s = ValidateTyped(c.steps);
    ASSERT_FALSE(s.ok()) << c.steps;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidRules);
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
  }
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

}  // namespace
}  // namespace csm::rules
