#include "cli/drain_command.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/drain_status_output.h"
#include "cli/exit_codes.h"
#include "cli/push_output.h"
#include "cli/transfer_flags.h"
#include "common/stop_request.h"
#include "push/board_status.h"
#include "push/drain.h"

namespace csm::cli {

CLI::App* AddDrainCommand(CLI::App& app, Options& o) {
  auto* drain = app.add_subcommand(
      "drain",
      "Push everything that still has a placeholder, N transfers at a time, so that the NFS "
      "staging stores can be retired. Resumable: killed at any moment, a re-run continues "
      "without re-uploading what is verified and without unpinning anything twice.");
  AddDb(drain, o);
  AddTransferOptions(drain, o);
  drain
      ->add_option("--store", o.staging_store,
                   "Only objects whose staging copy is on this staging store id")
      ->check(WholeNumber(1));
  drain->add_option("--jobs", o.jobs, "Transfers at a time")
      ->capture_default_str()
      ->check(WholeNumber(1, 64));
  drain->add_option("--limit", o.limit, "At most this many units (an object, or a snapshot chain)")
      ->check(WholeNumber(0));
  drain->add_option("--order", o.order, "largest (first) or oldest (first)")->capture_default_str();
  drain->add_flag("--dry-run", o.dry_run,
                  "Check every store the units need, then list what would be pushed; upload and "
                  "change nothing");
  drain
      ->add_option("--lease", o.lease_seconds,
                   "Seconds a claim on a unit outlives this worker's last heartbeat (one every "
                   "quarter of it): a worker killed outright loses its units to the others after "
                   "this long")
      ->capture_default_str()
      ->check(WholeNumber(4, 86400));
  drain->add_flag("--status", o.board_status,
                  "Show every live drain worker on this database (any host), what it holds, and "
                  "the progress of all of them (units and bytes done and left, rate, ETA); "
                  "change nothing");
  drain->footer(
      "First, also with --dry-run, every store the units need is checked once: each object\n"
      "store answers one authenticated request, each staging store they read from has an\n"
      "--nfs-root that is a directory; a problem is exit 2, naming the store, before any upload.\n"
      "At the end it says, per staging store, whether it can be retired now (no live row with\n"
      "ref_cnt <> 0) and what still holds it. Exit 0 when every unit was pushed, 1 when some\n"
      "failed (each is named; the others went on), other codes as below.\n\n"
      "Many workers: start drain on as many hosts as you like, against the same database (a\n"
      "Galera cluster's nodes too). They share the units through csm_claim: each unit is taken\n"
      "by one worker under a lease its heartbeat renews; a worker that dies loses its units to\n"
      "the others once the lease runs out (--lease). `drain --status` shows them all.\n\n"
      "Stopping: SIGINT or SIGTERM (Ctrl-C) finishes the transfers in flight, records them and\n"
      "gives the rest back, then exits 130 (SIGINT) or 143 (SIGTERM); a second signal ends the\n"
      "transfers in flight at once (given back unrecorded, nothing half-settled).\n\n" +
      std::string(kExitCodeHelp));
  return drain;
}

namespace {

int ShowBoard(const Options& o) {
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto status = push::ReadBoardStatus(*target->conn);
  if (!status.ok()) return Fail(o, status.status());
  Print(o, BoardStatusJson(*status), BoardStatusText(*status));
  return kExitOk;
}

}  // namespace

int RunDrain(const Options& o) {
  if (o.board_status) return ShowBoard(o);
  const RunStamp stamp = StartRun();
  if (o.order != "largest" && o.order != "oldest") {
    return Fail(o, Status(ErrorCode::kInvalidArgument,
                          "--order " + o.order + ": expected largest or oldest"));
  }
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto options = RunnerOptionsFor(o, *target);
  if (!options.ok()) return Fail(o, options.status());
  push::DrainRequest request;
  request.staging_store = o.staging_store;
  request.limit = o.limit;
  request.order =
      o.order == "largest" ? push::UnitOrder::kLargestFirst : push::UnitOrder::kOldestFirst;
  request.dry_run = o.dry_run;
  options->lease = std::chrono::seconds(o.lease_seconds);
  StopRequest stop;
  const StopSignals signals(stop);
  options->stop = &stop;
  auto drained = push::Drain(*target->conn, request, *options);
  if (!drained.ok()) return Fail(o, drained.status());
  const auto& [units, outcome, verdicts] = *drained;
  Print(o, DrainJson(stamp, o.dry_run, outcome, units, verdicts),
        (o.dry_run ? DryRunText(units) : RunnerText(outcome)) + RetireText(verdicts));
  if (outcome.stopped_by_signal != 0) return kExitSignalBase + outcome.stopped_by_signal;
  return outcome.failures.empty() ? kExitOk : kExitFindings;
}

}  // namespace csm::cli
