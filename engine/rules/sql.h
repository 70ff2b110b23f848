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

// What ResolveParams binds for a secret value (db::StatementParam::secret): the value itself, or
// a mask in its place for statements that are always rolled back (plan), so that the secret never
// reaches the server (its redo log, WAL or general log) when nothing is to be written.
enum class SecretValues { kReal, kMasked };

// The values to bind for `sql` in run `run_id` (0 before a run exists). With
// SecretValues::kMasked, each secret value is bound as "******", or as that many '*' as the value
// has bytes when it is shorter (so that the mask fits wherever the value does).
Result<std::vector<db::Value>> ResolveParams(const db::Statement& sql, const Bindings& bindings,
                                             int64_t run_id,
                                             SecretValues secrets = SecretValues::kReal);

// `sql` with each placeholder replaced by a literal, secrets as '******': for
// people to read.
std::string Preview(const db::Statement& sql, const Bindings& bindings, int64_t run_id);

}  // namespace csm::rules
