// csmigrate: move a CloudStack cloud's secondary storage from NFS to an object store, keeping the
// database honest. This file only builds the command line from the command files (cli/*_command.h),
// parses it and runs the command chosen; the work is in the engine library.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cassert>
#include <csignal>
#include <iostream>
#include <string>

#include "cli/argument_checks.h"
#include "cli/command_names.h"
#include "cli/command_result.h"
#include "cli/drain_command.h"
#include "cli/exit_codes.h"
#include "cli/fixture_command.h"
#include "cli/help_command.h"
#include "cli/init_command.h"
#include "cli/json_document.h"
#include "cli/logging.h"
#include "cli/options.h"
#include "cli/output_check.h"
#include "cli/plan_apply_command.h"
#include "cli/push_command.h"
#include "cli/reconcile_command.h"
#include "cli/rollback_command.h"
#include "cli/secret_arguments.h"
#include "cli/status_command.h"
#include "common/printable_text.h"
#include "common/result.h"
#include "common/version.h"

namespace csm::cli {

int Main(int argc, char** argv) {
  NoteSecretArguments(std::vector<std::string>(argv + 1, argv + argc));
  const Status logging = ConfigureLogging({});
  assert(logging.ok() && "the default logger needs no file");

  Options o;
  CLI::App app{
      "csmigrate: convert a CloudStack cloud's NFS secondary storage to an S3 or Swift object "
      "store, exactly as updateCloudToUseObjectStore would, but validated first, in one "
      "transaction, journaled and reversible.\n\n"
      "Typical session:\n"
      "  csmigrate plan     --db sqlite:///var/lib/cloud.db --provider S3 --name s3-region \\\n"
      "                     --detail bucket=cs --detail accesskey=AK --detail endpoint=s3:9000 \\\n"
      "                     --details-file secret.properties   # secretkey=... stays out of ps\n"
      "  csmigrate apply    (same arguments)     # prints the run id\n"
      "  csmigrate status   --db ...             # runs, their state, what each changed\n"
      "  csmigrate rollback --db ... RUN         # exact undo from the journal\n"
      "  csmigrate reconcile --db ... --nfs-root 1=/mnt/nfs1   # DB claims vs real listings\n"};
  app.footer(kExitCodeHelp);
  // CLI11's own messages repeat the arguments: shown escaped, as every message (before the
  // commands are added: they copy it).
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    std::string command;  // the command given, if any ("plan", "fixture load")
    for (const CLI::App* app = failed; app != nullptr && !app->get_subcommands().empty();) {
      app = app->get_subcommands().front();
      command += " " + app->get_name();
    }
    return "csmigrate: error: " + PrintableText(WithoutSecretArguments(e.what())) +
           "\nRun `csmigrate" + command + " --help` for the options.\n";
  });
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", "csmigrate " + Version(), "Print the version and exit");
  // Global options: before or after the command (fallthrough).
  app.fallthrough();
  app.add_flag("-v,--verbose", o.log.verbose, "Log debug lines too");
  app.add_flag("-q,--quiet", o.log.quiet,
               "Log only warnings and errors; no progress bar or progress lines");
  app.add_option("--log-format", o.log.format,
                 "text (level: message) or json (one object per line: time in UTC, level, "
                 "message)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-file", o.log.file,
                 "Also append every log line, with its UTC time, to FILE");

  CLI::App* help = AddHelpCommand(app, o);
  CLI::App* init = AddInitCommand(app, o);
  CLI::App* plan = AddPlanCommand(app, o);
  CLI::App* apply = AddApplyCommand(app, o);
  CLI::App* status = AddStatusCommand(app, o);
  CLI::App* rollback = AddRollbackCommand(app, o);
  CLI::App* reconcile = AddReconcileCommand(app, o);
  CLI::App* push = AddPushCommand(app, o);
  CLI::App* drain = AddDrainCommand(app, o);
  const FixtureCommands fixture = AddFixtureCommand(app, o);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const bool wants_json = std::any_of(argv + 1, argv + argc,
                                        [](const char* a) { return std::string(a) == "--json"; });
    std::string problem = e.what();
    if (auto typo = UnknownCommand(app, argc, argv)) {
      problem = *typo;
      std::cerr << "csmigrate: error: " << PrintableText(WithoutSecretArguments(problem)) << "\n";
    } else if (app.exit(e) == 0) {
      return kExitOk;  // --help
    }
    if (wants_json) {
      std::cout << JsonText(ErrorDocument(Status(ErrorCode::kInvalidArgument, problem))) << "\n";
    }
    return kExitUsage;
  }
  if (Status s = CheckArgumentsAreUtf8(app); !s.ok()) return Fail(o, s);
  if (Status s = CheckEnvironmentIsUtf8(); !s.ok()) return Fail(o, s);
  // Before the log file is opened: no output may land on a file this command reads.
  if (Status s = CheckOutputsAreNotInputs(FileRolesOf(o)); !s.ok()) return Fail(o, s);
  if (Status s = ConfigureLogging(o.log); !s.ok()) return Fail(o, s);

  if (*help) return ShowHelp(app, o.help_topic);

  if (*init) return RunInit(o);
  if (*plan) return RunPlanOrApply(o, true);
  if (*apply) return RunPlanOrApply(o, false);
  if (*status) return RunStatus(o);
  if (*rollback) return RunRollback(o);
  if (*reconcile) return RunReconcile(o);
  if (*push) return RunPush(o);
  if (*drain) return RunDrain(o);
  if (*fixture.load) return RunFixtureLoad(o);
  if (*fixture.replay) return RunFixtureReplay(o);
  return kExitUsage;
}

}  // namespace csm::cli

int main(int argc, char** argv) {
  // A reader that goes away (`csmigrate status | head -1`) makes writes fail with EPIPE, which
  // FinishOutputs reports (exit 8), instead of a SIGPIPE that ends the process unannounced.
  std::signal(SIGPIPE, SIG_IGN);
  return csm::cli::FinishOutputs(csm::cli::Main(argc, argv));
}
