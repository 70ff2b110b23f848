// How command results are shown: readable text for people, JSON for machines (--json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apply/executor.h"
#include "apply/ledger.h"
#include "apply/rollback.h"

namespace csm::cli {

// The new store as CloudStack's ImageStoreResponse.
nlohmann::ordered_json ImageStoreJson(const apply::NewStore& store);

// A plan or apply run: its steps, the changes per table and, under "skipped", every row its
// report steps found (step, table, the row's id and message columns, the message).
nlohmann::ordered_json RunOutcomeJson(const apply::RunOutcome& outcome);
// The same for people: a plan lists each step with its SQL and the rows it skips ("skipped: ..."),
// an apply its changes per table and then the rows it skipped.
std::string RunOutcomeText(const apply::RunOutcome& outcome, bool is_plan);

// One line of progress for a finished step ("  [ 7] insert  template placeholders  1204 rows").
std::string StepLine(const apply::StepOutcome& step);

nlohmann::ordered_json RunsJson(const std::vector<apply::RunRecord>& runs);
std::string RunsText(const std::vector<apply::RunRecord>& runs);

nlohmann::ordered_json RollbackJson(const apply::RollbackOutcome& outcome);
std::string RollbackText(const apply::RollbackOutcome& outcome);

}  // namespace csm::cli
