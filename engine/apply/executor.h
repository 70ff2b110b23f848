// Plans and applies a rule file: validate everything first (parameters, rules against the live
// schema, preconditions), then run every step in ONE transaction together with the journal and the
// ledger row. A run identical to an applied one (same rule checksum, same parameters, secrets
// equal to those the applied run wrote: apply/applied_secrets.h) changes nothing; the same
// parameters with another secret are refused (kConflict).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apply/journal.h"
#include "apply/secret_details.h"
#include "common/result.h"
#include "db/connection.h"
#include "rules/rule_model.h"
#include "rules/run_parameters.h"

namespace csm::apply {

// A row a report step found: one the conversion leaves alone, and why.
struct ReportedRow {
  std::string table;
  // The row's id and the columns the message names, in that order, with their values.
  std::vector<std::pair<std::string, db::Value>> values;
  std::string message;  // the step's message with the row's values filled in
};

// What one step did (apply) or would do (plan).
struct StepOutcome {
  int number = 0;
  std::string name;
  std::string kind;                   // "check", "update", "delete", "insert", "report"
  std::vector<std::string> sql;       // previews, values inlined, secrets masked
  int64_t rows = 0;                   // rows changed (inserted + updated/deleted + pinned)
  int64_t pinned = 0;                 // of which source rows pinned
  bool skipped = false;               // only_if_exists did not hold
  std::vector<ReportedRow> reported;  // report: the rows it found (it changes none)
};

// The new store, as CloudStack's ImageStoreResponse shows it.
struct NewStore {
  int64_t id = 0;
  std::string uuid, name, url, protocol, provider, scope;
  bool has_url = false;
};

struct RunOutcome {
  int64_t run_id = 0;            // 0 for a plan
  bool already_applied = false;  // the same run was applied before: nothing was done
  std::string rules_checksum;
  std::vector<StepOutcome> steps;
  std::map<std::string, TableChanges> tables;
  std::optional<NewStore> image_store;
};

struct ApplyOptions {
  // Called after each step (progress). May be empty.
  std::function<void(const StepOutcome&)> on_step;
  // When set, secret details are stored encrypted as the installation does (cloudstack.md §6).
  std::optional<SecretEncryption> encryption;
  // How long Apply waits for another apply or rollback that holds the lock (RunLock::Acquire).
  std::chrono::seconds lock_wait{0};
};

// Runs every step inside a transaction that is always rolled back, and reports what each would
// change and the rows each report step finds. Writes nothing.
Result<RunOutcome> Plan(db::Connection& conn, const rules::RuleSet& rules,
                        const rules::RunParameters& params, const ApplyOptions& options = {});

// Applies `rules` with `params`: validates, takes the lock, runs all steps with the journal and
// the ledger row in one transaction, commits. Report steps run in their place in that transaction
// and journal nothing. Any failure leaves the database as it was.
Result<RunOutcome> Apply(db::Connection& conn, const rules::RuleSet& rules,
                         const rules::RunParameters& params, const ApplyOptions& options = {});

// The benchmark's floor: the same set-based data statements as Apply, in one committed
// transaction, but with no journal, ledger, lock, precondition checks or report steps. Not for
// production use: it cannot be rolled back.
Result<RunOutcome> ApplyBare(db::Connection& conn, const rules::RuleSet& rules,
                             const rules::RunParameters& params);

// Reads the store with `id` as an ImageStoreResponse.
Result<NewStore> ReadImageStore(db::Connection& conn, int64_t id);

}  // namespace csm::apply
