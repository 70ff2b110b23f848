#include "cli/status_command.h"

#include <vector>

#include "apply/ledger.h"
#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "db/schema_files.h"

namespace csm::cli {

CLI::App* AddStatusCommand(CLI::App& app, Options& o) {
  auto* status = app.add_subcommand("status",
                                    "List runs: state, rule checksum, parameters "
                                    "(secrets masked), rows changed per table");
  AddDb(status, o);
  AddJson(status, o);
  return status;
}

int RunStatus(const Options& o) {
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto exists = db::EngineTablesExist(*target->conn);
  if (!exists.ok()) return Fail(o, exists.status());
  std::vector<apply::RunRecord> runs;
  if (*exists) {
    auto listed = apply::ListRuns(*target->conn);
    if (!listed.ok()) return Fail(o, listed.status());
    runs = std::move(*listed);
  }
  Print(o, RunsJson(runs), RunsText(runs));
  return kExitOk;
}

}  // namespace csm::cli
