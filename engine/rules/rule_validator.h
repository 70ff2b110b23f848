// Checks a loaded RuleSet against the live database schema: every table, column, alias, parameter
// and step reference must resolve, every insert must fill the target's NOT NULL columns that have
// no default, every literal must fit the live type of the column it meets
// (rules/literal_types.h), and no step may update, delete or pin rows of a table that may hold
// secrets (rules/secret_masks.h). Errors point at the rule file's line and say what was expected.
#pragma once

#include "common/result.h"
#include "db/connection.h"
#include "rules/compiled_plan.h"
#include "rules/rule_model.h"

namespace csm::rules {

// Introspects every table `rules` mentions. Missing tables come back with no columns.
Result<Catalog> LoadCatalog(const RuleSet& rules, db::Connection& conn);

// Validates `rules` against `catalog`. Errors are kInvalidRules.
Status ValidateRules(const RuleSet& rules, const Catalog& catalog);

// True when `guard` applies to the database `catalog` describes: always, unless it is optional
// and the database has no table `guard.table`.
bool GuardApplies(const RollbackGuard& guard, const Catalog& catalog);

}  // namespace csm::rules
