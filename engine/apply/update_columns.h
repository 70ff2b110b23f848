// Which columns the before-image of an updated row must hold. A rollback restores an updated row
// only when it still matches the run's after-image (a digest over every column), so restoring
// the columns the run wrote gives back exactly the earlier row: the others cannot have changed.
// Deleted rows keep images of every column (they are re-inserted).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rules/compiled_plan.h"

namespace csm::apply {

// Per table the plan updates: the columns its update steps set and its pin steps change, in the
// table's column order. A table is left out (its updated rows keep full images) when a delete
// step of that table comes after one of its updates: the row journaled at its update could then
// be deleted, and re-inserting it needs every column.
std::map<std::string, std::vector<std::string>> UpdateColumns(const rules::CompiledPlan& plan,
                                                              const rules::Catalog& catalog);

}  // namespace csm::apply
