#include "rules/rule_compiler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "db/mysql_dialect.h"
#include "db/postgres_dialect.h"
#include "db/sqlite_dialect.h"
#include "rules/rule_loader.h"

namespace csm::rules {
namespace {

CompiledPlan CompileText(const std::string& steps, RuleSet& holder, const Bindings& b = {}) {
  auto rules = LoadRuleText(
      "name: t\nparameters: {name: {}, details: {map: true}}\nsteps:\n" + steps, "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  holder = *rules;
  static db::SqliteDialect dialect;
  return Compile(holder, {}, dialect, b);
}

TEST(RuleCompiler, UpdateIsOneSetBasedStatementWithBoundValues) {
  RuleSet rules;
  CompiledPlan plan = CompileText(
      "  - {name: s, update: image_store, where: {role: Image, removed: null, provider: {not: "
      "NFS}}, set: {role: ImageCache}}\n",
      rules);
  ASSERT_EQ(plan.steps.size(), 1u);
  const db::Statement& sql = plan.steps[0].main;
  EXPECT_EQ(sql.text,
            "UPDATE \"image_store\" SET \"role\" = ? WHERE \"image_store\".\"role\" = ? AND "
            "\"image_store\".\"removed\" IS NULL AND \"image_store\".\"provider\" IS NOT ?");
  ASSERT_EQ(sql.params.size(), 3u);
  EXPECT_EQ(std::get<std::string>(sql.params[0].value), "ImageCache");
  EXPECT_EQ(sql.text.find("Image'"), std::string::npos) << "values must be bound, not spliced";
}

TEST(RuleCompiler, OnePerPicksTheLowestIdThenInsertsAndPins) {
  RuleSet rules;
  CompiledPlan plan = CompileText(
      "  - name: c\n    insert_from: refs\n    where: {role: Cache}\n    one_per: obj\n"
      "    unless_exists: {where: {store_id: 9, obj: src.obj}}\n"
      "    values: {copy: [obj], store_id: 9}\n    pin_source: {ref_cnt: {add: 1}}\n",
      rules);
  const CompiledStep& s = plan.steps[0];
  EXPECT_NE(s.pick.text.find("MIN(src.id)"), std::string::npos) << s.pick.text;
  EXPECT_NE(s.pick.text.find("GROUP BY src.\"obj\""), std::string::npos) << s.pick.text;
  EXPECT_NE(s.pick.text.find("NOT EXISTS (SELECT 1 FROM \"refs\" dst WHERE dst.\"store_id\" = ? "
                             "AND dst.\"obj\" = src.\"obj\")"),
            std::string::npos)
      << s.pick.text;
  EXPECT_NE(s.main.text.find("JOIN csm_pick pk ON pk.src_id = src.id"), std::string::npos);
  EXPECT_NE(s.main.text.find("ORDER BY src.id"), std::string::npos);
  EXPECT_EQ(s.pin.text.rfind("UPDATE \"refs\" SET \"ref_cnt\" = COALESCE(\"ref_cnt\", 0) + ?", 0),
            0u)
      << s.pin.text;
  EXPECT_EQ(s.DataStatements().size(), 3u);
}

// The pin's range check is one query of the picked rows, its bound computed and bound: the query
// adds nothing, so it cannot overflow itself; a bigint unsigned is held to int64's top.
TEST(RuleCompiler, APinsAddIsCheckedByOneBoundQueryOfThePickedRows) {
  auto rules = LoadRuleText(
      "name: t\nsteps:\n"
      "  - name: c\n    insert_from: refs\n    where: {role: Cache}\n    one_per: obj\n"
      "    values: {copy: [obj], role: Image}\n    pin_source: {ref_cnt: {add: 2}}\n",
      "t.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  Catalog catalog;
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{{"id", "bigint(20) unsigned"},
                                                        {"obj", "bigint(20) unsigned"},
                                                        {"role", "varchar(255)"},
                                                        {"ref_cnt", "bigint(20) unsigned"}}) {
    db::ColumnInfo column;
    column.name = name;
    column.declared_type = type;
    catalog["refs"].columns.push_back(column);
  }
  catalog["refs"].name = "refs";
  db::MysqlDialect dialect;
  const CompiledPlan plan = Compile(*rules, catalog, dialect, {});
  const CompiledStep& s = plan.steps[0];
  EXPECT_EQ(s.pin_overflow.text,
            "SELECT `id`, `ref_cnt` FROM `refs` WHERE `id` IN (SELECT src_id FROM csm_pick WHERE "
            "run_id = ? AND step_no = ?) AND (COALESCE(`ref_cnt`, 0) > ?) ORDER BY `id`");
  ASSERT_EQ(s.pin_overflow.params.size(), 3u);
  EXPECT_EQ(std::get<int64_t>(s.pin_overflow.params[2].value),
            std::numeric_limits<int64_t>::max() - 2);
  ASSERT_EQ(s.pin_added.size(), 1u);
  EXPECT_EQ(s.pin_added[0].column, "ref_cnt");
  EXPECT_EQ(s.pin_added[0].lowest, 0);
  EXPECT_EQ(s.DataStatements().size(), 3u) << "the check is a query, not a data statement";
}

TEST(RuleCompiler, ReportIsOneReadOnlySelectOfIdAndMessageColumns) {
  RuleSet rules;
  CompiledPlan plan = CompileText(
      "  - name: r\n    report: refs\n"
      "    join: {stores: {on: {id: src.store_id}, where: {removed: null}}}\n"
      "    where: {role: Cache}\n"
      "    unless_exists: {where: {store_id: 9, obj: src.obj}}\n"
      "    message: '{obj} on {store_id} (row {id}) is {state}'\n",
      rules);
  const CompiledStep& s = plan.steps[0];
  EXPECT_EQ(s.report.text,
            "SELECT src.\"id\" AS \"id\", src.\"obj\" AS \"obj\", src.\"store_id\" AS "
            "\"store_id\", src.\"state\" AS \"state\" FROM \"refs\" src JOIN \"stores\" j_stores "
            "ON j_stores.\"id\" = src.\"store_id\" AND j_stores.\"removed\" IS NULL WHERE "
            "src.\"role\" = ? AND NOT EXISTS (SELECT 1 FROM \"refs\" dst WHERE dst.\"store_id\" = "
            "? AND dst.\"obj\" = src.\"obj\") ORDER BY src.id");
  ASSERT_EQ(s.report.params.size(), 2u);
  EXPECT_EQ(std::get<std::string>(s.report.params[0].value), "Cache");
  EXPECT_TRUE(s.DataStatements().empty()) << "a report changes nothing";
  EXPECT_TRUE(s.written_table.empty());
  EXPECT_TRUE(s.pinned_table.empty());
  EXPECT_TRUE(s.check.empty());
}

TEST(RuleCompiler, NotInIsANullSafeNotExists) {
  RuleSet rules;
  CompiledPlan plan = CompileText(
      "  - name: r\n    report: refs\n"
      "    where: {obj: {not_in: {from: refs, select: obj, where: {state: Ready}}}}\n"
      "    message: m\n",
      rules);
  EXPECT_EQ(plan.steps[0].report.text,
            "SELECT src.\"id\" AS \"id\" FROM \"refs\" src WHERE NOT EXISTS (SELECT 1 FROM "
            "\"refs\" s1 WHERE s1.\"obj\" = src.\"obj\" AND s1.\"state\" = ?) ORDER BY src.id");
  EXPECT_EQ(plan.steps[0].report.text.find("NOT IN"), std::string::npos);
}

// On MySQL, text is compared case-sensitively in a not_in as everywhere else.
TEST(RuleCompiler, NotInComparesTextCaseSensitivelyOnMysql) {
  auto rules = LoadRuleText(
      "name: t\nsteps:\n  - name: r\n    update: refs\n"
      "    where: {name: {not_in: {from: names, select: name}}}\n    set: {obj: 1}\n",
      "t.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  Catalog catalog;
  for (const char* table : {"refs", "names"}) {
    db::ColumnInfo name;
    name.name = "name";
    name.declared_type = "varchar(255)";
    catalog[table] = db::TableSchema{table, {name}};
  }
  db::MysqlDialect mysql;
  CompiledPlan plan = Compile(*rules, catalog, mysql, {});
  EXPECT_NE(plan.steps[0].main.text.find("NOT EXISTS (SELECT 1 FROM `names` s1 WHERE BINARY "
                                         "s1.`name` = `refs`.`name` AND 1 = 1)"),
            std::string::npos)
      << plan.steps[0].main.text;
}

// Every statement of the shipped rules binds exactly one value per placeholder, on every dialect
// (ResolveParams only asserts it, and release builds compile the assert out).
TEST(RuleCompiler, ShippedRulesBindOneValuePerPlaceholder) {
  auto rules = LoadRuleFile(std::string(CSM_SOURCE_DIR) + "/rules/nfs-to-object-store.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  Bindings b;
  b.maps["details"] = {{"bucket", "b"}, {"secretkey", "s"}};
  db::SqliteDialect sqlite;
  db::MysqlDialect mysql;
  db::PostgresDialect postgres;
  int reports = 0;
  for (const db::Dialect* dialect : std::vector<const db::Dialect*>{&sqlite, &mysql, &postgres}) {
    const CompiledPlan plan = Compile(*rules, {}, *dialect, b);
    for (const auto& step : plan.steps) {
      reports += step.report.empty() ? 0 : 1;
      for (const db::Statement* sql :
           {&step.check, &step.guard, &step.report, &step.pick, &step.main, &step.pin,
            &step.touched_rows, &step.inserted_rows, &step.pinned_rows}) {
        EXPECT_EQ(static_cast<size_t>(std::count(sql->text.begin(), sql->text.end(), '?')),
                  sql->params.size())
            << dialect->name() << " step " << step.number << ": " << sql->text;
      }
    }
  }
  EXPECT_EQ(reports, 9) << "three report steps, on each dialect";
}

TEST(RuleCompiler, InsertEachIsOneMultiRowStatementAndMarksSecrets) {
  RuleSet rules;
  Bindings b;
  b.maps["details"] = {{"bucket", "b"}, {"password", "p"}};
  CompiledPlan plan = CompileText(
      "  - {name: d, insert_each: details_table, for_each: $details, values: {store_id: 3, name: "
      "$key, value: $value}}\n",
      rules, b);
  const db::Statement& sql = plan.steps[0].main;
  EXPECT_EQ(sql.text,
            "INSERT INTO \"details_table\" (\"store_id\", \"name\", \"value\") VALUES (?, ?, ?), "
            "(?, ?, ?)");
  EXPECT_FALSE(sql.params[2].secret);
  EXPECT_TRUE(sql.params[5].secret);
  EXPECT_EQ(Preview(sql, b, 0).find("'p'"), std::string::npos);
  EXPECT_NE(Preview(sql, b, 0).find("'******'"), std::string::npos);
}

}  // namespace
}  // namespace csm::rules
