// The per-row baseline of the apply benchmark: the conversion of cloudstack.md §2 done the way
// CloudStack's DAO code does it, one statement per row (list the rows, then update, insert or look
// up each by id), with prepared statements reused when the connection caches them. It makes the
// same final changes as the rule file, which the benchmark verifies.
//
// Two commit modes, the same statements in each:
//   kEachStatement   as CloudStack runs updateCloudToUseObjectStore: with no transaction, so every
//                    DAO call commits on its own (the database's autocommit);
//   kOneTransaction  everything in one transaction: the strongest loop that can be written, kept
//                    to show what the per-statement commits cost.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/connection.h"
#include "rules/run_parameters.h"

namespace csm::bench {

enum class PerRowCommit { kEachStatement, kOneTransaction };

struct PerRowOutcome {
  int64_t new_store_id = 0;
  int64_t statements = 0;    // statements sent to the database, lists and look-ups included
  int64_t placeholders = 0;  // rows inserted on the new store (templates + snapshots + volumes)
};

// Converts the cloud in `conn` with `params` (provider, name, url, details, as for Apply) row by
// row, committing as `commit` says. On an error the one transaction is rolled back; with
// kEachStatement what was committed stays, as it would in CloudStack. Secrets are stored as given
// (the synthetic clouds have no encryption configured).
Result<PerRowOutcome> RunPerRowConversion(db::Connection& conn, const rules::RunParameters& params,
                                          PerRowCommit commit);

}  // namespace csm::bench
