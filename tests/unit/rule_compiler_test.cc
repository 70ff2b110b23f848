#include "rules/rule_compiler.h"

#include <gtest/gtest.h>

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
  const Sql& sql = plan.steps[0].main;
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

TEST(RuleCompiler, InsertEachIsOneMultiRowStatementAndMarksSecrets) {
  RuleSet rules;
  Bindings b;
  b.maps["details"] = {{"bucket", "b"}, {"password", "p"}};
  CompiledPlan plan = CompileText(
      "  - {name: d, insert_each: details_table, for_each: $details, values: {store_id: 3, name: "
      "$key, value: $value}}\n",
      rules, b);
  const Sql& sql = plan.steps[0].main;
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
