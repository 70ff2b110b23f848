// How command results are shown: readable text for people, JSON for machines (--json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apply/executor.h"
#include "apply/ledger.h"
#include "apply/rollback.h"
#include "fixture/replay.h"

namespace csm::cli {

// A time as the ledger stores it ("YYYY-MM-DD HH:MM:SS", UTC) as ISO 8601 with Z
// ("YYYY-MM-DDTHH:MM:SSZ"); null for "" (not yet, or never).
nlohmann::ordered_json UtcTimeJson(const std::string& db_time);

// The new store: CloudStack's ImageStoreResponse fields, in snake_case.
nlohmann::ordered_json ImageStoreJson(const apply::NewStore& store);

// A plan or apply run: its steps, the changes per table and, under "skipped", every row its
// report steps found (step, table, the row's id and message columns, the message).
nlohmann::ordered_json RunOutcomeJson(const apply::RunOutcome& outcome);
// The same for people: a plan lists each step with its SQL and the rows it skips ("skipped: ..."),
// an apply its changes per table, the rollback command to paste (`db_arguments`: how the command
// named the database, e.g. " --db sqlite:///x.db", already quoted for a shell) and then the rows
// it skipped.
std::string RunOutcomeText(const apply::RunOutcome& outcome, bool is_plan,
                           const std::string& db_arguments);

// One line of progress for a finished step ("  [ 7] insert  template placeholders  1204 rows").
std::string StepLine(const apply::StepOutcome& step);

// {"runs": [...]}: every run of the ledger, oldest first.
nlohmann::ordered_json RunsJson(const std::vector<apply::RunRecord>& runs);
std::string RunsText(const std::vector<apply::RunRecord>& runs);

nlohmann::ordered_json RollbackJson(const apply::RollbackOutcome& outcome);
std::string RollbackText(const apply::RollbackOutcome& outcome);

// A fixture replay's report: {"fixture", "ok", "outcome", "differences": [{"table", "row",
// "what"}]}; for people "PASS|FAIL <fixture>: <outcome>" and one indented line per difference.
nlohmann::ordered_json ReplayJson(const fixture::ReplayReport& report);
std::string ReplayText(const fixture::ReplayReport& report);

}  // namespace csm::cli
