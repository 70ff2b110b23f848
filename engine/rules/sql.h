// What a compiled statement binds when a run executes it, and how people read
// it.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "db/statement.h"
#include "db/value.h"
#include "rules/run_parameters.h"

namespace csm::rules {

// The values to bind for `sql` in run `run_id` (0 before a run exists).
Result<std::vector<db::Value>> ResolveParams(const db::Statement& sql, const Bindings& bindings,
                                             int64_t run_id);

// `sql` with each placeholder replaced by a literal, secrets as '******': for
// people to read.
std::string Preview(const db::Statement& sql, const Bindings& bindings, int64_t run_id);

}  // namespace csm::rules
