// Compiles a validated RuleSet into set-based SQL for one dialect. Each step becomes one statement
// (plus, for one_per steps, the statement that records the chosen source rows and the pin);
// values are bound, never spliced.
#pragma once

#include "rules/compiled_plan.h"
#include "rules/run_parameters.h"

namespace csm::rules {

// Compiles `rules` (already validated against `catalog`, which gives column types) for
// `dialect`. `bindings` supplies the map parameters, which fix the number of rows an insert_each
// writes.
CompiledPlan Compile(const RuleSet& rules, const Catalog& catalog, const db::Dialect& dialect,
                     const Bindings& bindings);

}  // namespace csm::rules
