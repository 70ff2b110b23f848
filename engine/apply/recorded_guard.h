// A rollback guard as an applied run records it (csm_run.result_json "rollback_guards"): compiled
// for the run's database, every value bound, so that its rollback checks what the rule file said
// when the run was applied, whatever the file says by then, or whether it still exists.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/value.h"
#include "rules/compiled_plan.h"
#include "rules/run_parameters.h"

namespace csm::apply {

struct RecordedGuard {
  std::string table;       // rows of this table, written since the run,
  std::string references;  // that point at rows of this table the run inserted, refuse rollback
  bool optional = false;   // skipped where `table` does not exist
  std::string sql;         // selects the ids of those rows of `table`
  std::vector<db::Value> params;  // one per `?` in `sql`
};

// Writes `guard` as a JSON object.
void to_json(nlohmann::json& json, const RecordedGuard& guard);

// Reads a guard as to_json writes it. Throws (a nlohmann::json::exception or
// std::invalid_argument, saying what is wrong) when `json` is not one.
void from_json(const nlohmann::json& json, RecordedGuard& guard);

// The rollback guards of `plan` for run `run_id`, their values bound from `bindings` (guard
// conditions compare with literals and run parameters, which the run's record keeps in clear
// already); kInvalidRules when a condition names a value `bindings` lacks.
Result<std::vector<RecordedGuard>> RecordGuards(const rules::CompiledPlan& plan,
                                                const rules::Bindings& bindings, int64_t run_id);

}  // namespace csm::apply
