// Exact undo of an applied run from its journal, in one transaction: inserted rows deleted, updated
// rows restored from their before-images, deleted rows re-inserted. Refuses, naming tables and ids,
// when rows the run wrote have changed since, or when rows written since point at rows the run
// inserted, unless forced. Everything it needs is in the database: the run's record
// (apply/run_result.h) and journal; only a run recorded by an earlier csmigrate, without its
// rollback guards, takes them from a rule file.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "apply/journal.h"
#include "common/result.h"
#include "db/connection.h"
#include "rules/rule_model.h"

namespace csm::apply {

struct RollbackOutcome {
  int64_t run_id = 0;
  bool already_rolled_back = false;              // it was rolled back before: nothing was done
  std::string rolled_back_at;                    // then, when (UTC)
  std::map<std::string, TableChanges> restored;  // per table: rows deleted/updated/re-inserted
  std::vector<std::string> overridden;           // conflicts ignored because of force
};

// The rule file whose rollback guards a run recorded without them is checked with.
using RulesForOlderRun = std::function<Result<rules::RuleSet>()>;

// Rolls back run `run_id` with the rollback guards its record holds. `rules_for_older_run` is
// called only for a run whose record has none (applied by an earlier csmigrate); its error is
// returned, saying why a rule file was needed. With `force`, conflicts are reported in the outcome
// but do not stop the rollback. A run rolled back before is reported as such
// (already_rolled_back) and nothing is done, as a repeated apply. `lock_wait` is how long it waits
// for another apply or rollback that holds the lock (RunLock::Acquire).
Result<RollbackOutcome> Rollback(db::Connection& conn, int64_t run_id, bool force,
                                 const RulesForOlderRun& rules_for_older_run,
                                 std::chrono::seconds lock_wait = std::chrono::seconds(0));

}  // namespace csm::apply
