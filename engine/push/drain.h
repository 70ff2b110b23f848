// `csmigrate drain`: push everything that still has a placeholder (or, dry, check every store it
// needs), then say whether each staging store can be retired.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "cloudstack/retire_verdict.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_runner.h"
#include "push/push_unit.h"
#include "push/unit_query.h"

namespace csm::push {

struct DrainRequest {
  std::optional<int64_t> staging_store;  // only units holding this staging store; its verdict only
  std::optional<int64_t> limit;          // at most this many units (after ordering)
  UnitOrder order = UnitOrder::kLargestFirst;
  bool dry_run = false;  // preflight the units' stores, push nothing
};

struct DrainOutcome {
  std::vector<PushUnit> units;                      // what was (dry run: would be) pushed
  RunnerOutcome outcome;                            // dry run: NothingDoneYet(units)
  std::vector<cloudstack::RetireVerdict> verdicts;  // per live staging store, in id order
};

// Finds the units (push::FindUnits with request's store, order and limit), then either checks
// every store they need (push::Preflight; a problem is its error, before any upload) or runs them
// with `options` (a unit that fails is in outcome.failures; the others go on), and last the
// retire verdicts of the staging stores (cloudstack::StagingStoreVerdicts). Database errors as they
// are.
Result<DrainOutcome> Drain(db::Connection& conn, const DrainRequest& request,
                           const RunnerOptions& options);

}  // namespace csm::push
