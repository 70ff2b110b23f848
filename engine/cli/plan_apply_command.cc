#include "cli/plan_apply_command.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

#include "apply/executor.h"
#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/output_check.h"
#include "cli/rules_flag.h"
#include "cli/run_parameters_flags.h"

namespace csm::cli {

CLI::App* AddPlanCommand(CLI::App& app, Options& o) {
  auto* plan = app.add_subcommand(
      "plan", "Show each step, its SQL and how many rows it would change; writes nothing");
  AddRunParameters(plan, o);
  return plan;
}

CLI::App* AddApplyCommand(CLI::App& app, Options& o) {
  auto* apply = app.add_subcommand(
      "apply",
      "Validate every parameter and precondition, then run all steps in one transaction with "
      "the rollback journal. Running it again with the same arguments changes nothing.");
  AddRunParameters(apply, o);
  AddLockWait(apply, o);
  apply->footer(
      "Example (S3; the secret key read from a file):\n"
      "  echo 'secretkey=...' > s3.properties\n"
      "  csmigrate apply --db-properties /etc/cloudstack/management/db.properties \\\n"
      "      --provider S3 --name s3-region --detail bucket=cloudstack --detail accesskey=AKIA... "
      "\\\n"
      "      --detail endpoint=http://10.0.32.251:9000 --details-file s3.properties --json\n"
      "Example (Swift): --provider Swift --url http://swift:8080/auth/v1.0 --detail account=cs \\\n"
      "      --detail username=cloud --details-file swift.properties   # key=...\n\n" +
      std::string(kExitCodeHelp));
  return apply;
}

int RunPlanOrApply(const Options& o, bool is_plan) {
  auto rules = Rules(o);
  if (!rules.ok()) return Fail(o, rules.status());
  auto params = Parameters(o, *rules);
  if (!params.ok()) return Fail(o, params.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  apply::ApplyOptions options;
  options.on_step = [](const apply::StepOutcome& s) { spdlog::info("{}", StepLine(s)); };
  options.encryption = target->encryption;
  options.lock_wait = std::chrono::seconds(o.lock_wait);
  auto outcome = is_plan ? apply::Plan(*target->conn, *rules, *params, options)
                         : apply::Apply(*target->conn, *rules, *params, options);
  if (!outcome.ok()) return Fail(o, outcome.status());
  if (!is_plan && !outcome->already_applied) {
    NoteCommitted("run " + std::to_string(outcome->run_id) +
                  " was applied and committed all the same (csmigrate status shows it)");
  }
  Print(o, RunOutcomeJson(*outcome), RunOutcomeText(*outcome, is_plan, DbArguments(o)));
  return kExitOk;
}

}  // namespace csm::cli
