#include "cli/rollback_command.h"

#include <chrono>
#include <string>

#include "apply/rollback.h"
#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/output_check.h"
#include "cli/rules_flag.h"

namespace csm::cli {

CLI::App* AddRollbackCommand(CLI::App& app, Options& o) {
  auto* rollback = app.add_subcommand(
      "rollback",
      "Restore every row a run touched to its earlier state, in one transaction; refuses when "
      "CloudStack changed those rows since, unless --force");
  AddDb(rollback, o);
  rollback->add_option("--rules", o.rules_path,
                       "Only for a run an earlier csmigrate recorded without its rollback guards: "
                       "the rule file it applied (default: the shipped one). Any other run rolls "
                       "back from its own record alone, and this is not read");
  AddJson(rollback, o);
  rollback->add_option("RUN", o.run_id, "The run id (see `csmigrate status`)")
      ->required()
      ->check(WholeNumber(1));
  rollback->add_flag("--force", o.force, "Roll back even over rows changed since the run");
  AddLockWait(rollback, o);
  rollback->footer(
      "Refuses (exit 5), naming tables and ids, when rows the run wrote have changed since\n"
      "(a push filled a placeholder) or rows written since point at rows it inserted (a new\n"
      "snapshot on the object store). Review them first: --force restores the journal's rows\n"
      "anyway, and rows CloudStack wrote on the new store are left dangling; never over a row\n"
      "that took the id of a row the run deleted (exit 5 even so). A damaged record of the run\n"
      "(csm_run.result_json, the journal) is exit 7. A refusal changes nothing. The run's\n"
      "record holds its rollback guards: no rule file is read, whatever it has become since.\n\n" +
      std::string(kExitCodeHelp));
  return rollback;
}

int RunRollback(const Options& o) {
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto outcome = apply::Rollback(
      *target->conn, o.run_id, o.force, [&o] { return Rules(o); },
      std::chrono::seconds(o.lock_wait));
  if (!outcome.ok()) return Fail(o, outcome.status());
  if (!outcome->already_rolled_back) {
    NoteCommitted("run " + std::to_string(o.run_id) +
                  " was rolled back and committed all the same (csmigrate status shows it)");
  }
  Print(o, RollbackJson(*outcome), RollbackText(*outcome));
  return kExitOk;
}

}  // namespace csm::cli
