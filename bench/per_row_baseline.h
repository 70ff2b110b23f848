// The per-row baseline of the apply benchmark: the conversion of cloudstack.md §2 done the way
// CloudStack's DAO code does it, one statement per row (list the rows, then update, insert or look
// up each by id), but in ONE transaction and with prepared statements reused when the connection
// caches them. It makes the same final changes as the rule file, which the benchmark verifies.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/connection.h"
#include "rules/run_parameters.h"

namespace csm::bench {

struct PerRowOutcome {
  int64_t new_store_id = 0;
  int64_t statements = 0;    // statements sent to the database, lists and look-ups included
  int64_t placeholders = 0;  // rows inserted on the new store (templates + snapshots + volumes)
};

// Converts the cloud in `conn` with `params` (provider, name, url, details, as for Apply) row by
// row in one transaction; on any error the transaction is rolled back and the error returned.
// Secrets are stored as given (the synthetic clouds have no encryption configured).
Result<PerRowOutcome> RunPerRowConversion(db::Connection& conn, const rules::RunParameters& params);

}  // namespace csm::bench
