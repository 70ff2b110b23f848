// apply::UpdateColumns: the columns an updated row's before-image keeps, per table, from a plan
// compiled as apply compiles it.
#include <gtest/gtest.h>

#include "apply/update_columns.h"
#include "db/sqlite_dialect.h"
#include "rules/rule_compiler.h"
#include "rules/rule_loader.h"

namespace csm::apply {
namespace {

using Columns = std::map<std::string, std::vector<std::string>>;

db::TableSchema Table(const std::string& name, const std::vector<std::string>& columns) {
  db::TableSchema table{name, {}};
  for (const auto& column : columns) {
    db::ColumnInfo info;
    info.name = column;
    info.primary_key = column == "id";
    table.columns.push_back(info);
  }
  return table;
}

// UpdateColumns of the plan of `steps` against image_store and refs.
Columns UpdateColumnsOf(const std::string& steps) {
  auto rules = rules::LoadRuleText("name: t\nsteps:\n" + steps, "t.yaml");
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return {};
  rules::Catalog catalog;
  catalog["image_store"] = Table("image_store", {"id", "name", "role", "removed"});
  catalog["refs"] = Table("refs", {"id", "store_id", "obj", "ref_cnt", "updated"});
  const db::SqliteDialect dialect;
  const rules::CompiledPlan plan = rules::Compile(*rules, catalog, dialect, {});
  return UpdateColumns(plan, catalog);
}

TEST(UpdateColumns, AreTheColumnsTheUpdatesSetInTheTablesOrder) {
  EXPECT_EQ(UpdateColumnsOf("  - {name: a, update: image_store, where: {id: 1}, set: {role: X}}\n"
                            "  - {name: b, update: image_store, where: {id: 2}, set: {removed: "
                            "now, name: n}}\n"),
            (Columns{{"image_store", {"name", "role", "removed"}}}));
}

TEST(UpdateColumns, IncludeWhatAPinChangesOnTheSourceTable) {
  EXPECT_EQ(UpdateColumnsOf("  - name: copy\n    insert_from: refs\n    where: {store_id: 1}\n"
                            "    one_per: obj\n    values: {copy: [obj], store_id: 2}\n"
                            "    pin_source: {ref_cnt: {add: 1}, updated: now}\n"),
            (Columns{{"refs", {"ref_cnt", "updated"}}}))
      << "an insert alone journals no before-image; its pin updates the source rows";
}

TEST(UpdateColumns, LeaveOutATableDeletedFromAfterItsUpdate) {
  EXPECT_EQ(UpdateColumnsOf("  - {name: a, update: refs, where: {id: 1}, set: {ref_cnt: 0}}\n"
                            "  - {name: b, delete: refs, where: {ref_cnt: 0}}\n"
                            "  - {name: c, update: image_store, where: {id: 1}, set: {role: X}}\n"),
            (Columns{{"image_store", {"role"}}}))
      << "a row journaled at its update may be deleted later, and re-inserting it needs every "
         "column";
}

TEST(UpdateColumns, KeepATableDeletedFromBeforeItsUpdate) {
  EXPECT_EQ(UpdateColumnsOf("  - {name: a, delete: refs, where: {ref_cnt: 0}}\n"
                            "  - {name: b, update: refs, where: {id: 1}, set: {ref_cnt: 0}}\n"),
            (Columns{{"refs", {"ref_cnt"}}}));
}

}  // namespace
}  // namespace csm::apply
