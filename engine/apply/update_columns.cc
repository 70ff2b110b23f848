#include "apply/update_columns.h"

#include <set>

namespace csm::apply {

std::map<std::string, std::vector<std::string>> UpdateColumns(const rules::CompiledPlan& plan,
                                                              const rules::Catalog& catalog) {
  std::map<std::string, std::set<std::string>> written;
  std::set<std::string> deleted_after_update;
  for (const auto& step : plan.steps) {
    const rules::Step& rule = *step.step;
    if (rule.kind == rules::Step::Kind::kUpdate) {
      for (const auto& assignment : rule.values)
        written[step.written_table].insert(assignment.column);
    }
    if (rule.kind == rules::Step::Kind::kDelete && written.count(step.written_table) > 0) {
      deleted_after_update.insert(step.written_table);
    }
    if (!step.pin.empty()) {
      for (const auto& assignment : rule.pin_source) {
        written[step.pinned_table].insert(assignment.column);
      }
    }
  }
  std::map<std::string, std::vector<std::string>> columns;
  for (const auto& [table, names] : written) {
    if (deleted_after_update.count(table) > 0) continue;
    std::vector<std::string>& ordered = columns[table];
    for (const auto& column : catalog.at(table).ColumnNames()) {
      if (names.count(column) > 0) ordered.push_back(column);
    }
  }
  return columns;
}

}  // namespace csm::apply
