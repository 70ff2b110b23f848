#include "cli/push_command.h"

#include <sstream>
#include <string>
#include <vector>

#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/exit_codes.h"
#include "cli/push_output.h"
#include "cli/transfer_flags.h"
#include "common/stop_request.h"
#include "push/push_object.h"

namespace csm::cli {

CLI::App* AddPushCommand(CLI::App& app, Options& o) {
  auto* push = app.add_subcommand(
      "push",
      "Copy one object from its NFS staging store to the object store, as CloudStack does when "
      "it is used: verify size and checksum, then fill its placeholder and unpin the staging "
      "copy in one transaction");
  AddDb(push, o);
  push->add_option("KIND", o.object_kind, "template, snapshot or volume")
      ->required()
      ->check(CLI::IsMember({"template", "snapshot", "volume"}));
  push->add_option("ID", o.object_id,
                   "The template, snapshot or volume id (a snapshot moves with every "
                   "still-placeholder snapshot of its volume: a delta chain moves as a whole)")
      ->required()
      ->check(WholeNumber(1));
  AddTransferOptions(push, o);
  push->footer(
      "Keys: S3 template/tmpl/<account>/<template>/<unique_name>/<file>, snapshots/<account>/"
      "<volume>/<file>,\nvolumes/<account>/<volume>/<file>; Swift containers T-<template>, "
      "S-<volume>, V-<volume>.\nAn object an interrupted earlier run uploaded is verified and "
      "adopted, not sent again.\n\n" +
      std::string(kExitCodeHelp));
  return push;
}

int RunPush(const Options& o) {
  const RunStamp stamp = StartRun();
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto options = RunnerOptionsFor(o, *target);
  if (!options.ok()) return Fail(o, options.status());
  options->jobs = 1;
  const push::ObjectKind kind = o.object_kind == "template" ? push::ObjectKind::kTemplate
                                : o.object_kind == "volume" ? push::ObjectKind::kVolume
                                                            : push::ObjectKind::kSnapshot;
  StopRequest stop;
  const StopSignals signals(stop);
  options->stop = &stop;
  auto pushed = push::PushObject(*target->conn, kind, o.object_id, *options);
  if (!pushed.ok()) return Fail(o, pushed.status());
  if (pushed->nothing_to_push) {
    std::ostringstream text;
    for (const auto& r : pushed->repairs) {
      if (!r.written) continue;
      text << "repaired: wrote " << r.key << " on image store " << r.store_id
           << " (without it CloudStack's template sync deletes the template's row)\n";
    }
    text << "nothing to push: " << o.object_kind << " " << o.object_id
         << " has no placeholder left on an object store\n";
    Print(o, PushJson(stamp, o.object_kind, o.object_id, pushed->outcome, pushed->repairs),
          text.str());
    return kExitOk;
  }
  const push::RunnerOutcome& outcome = pushed->outcome;
  if (!outcome.failures.empty()) return Fail(o, outcome.failures.front().status);
  Print(o, PushJson(stamp, o.object_kind, o.object_id, outcome, {}), RunnerText(outcome));
  return outcome.stopped_by_signal != 0 ? kExitSignalBase + outcome.stopped_by_signal : kExitOk;
}

}  // namespace csm::cli
