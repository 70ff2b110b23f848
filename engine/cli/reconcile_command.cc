#include "cli/reconcile_command.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>

#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/exit_codes.h"
#include "cli/json_document.h"
#include "cli/logging.h"
#include "cli/nfs_roots.h"
#include "cli/secret_arguments.h"
#include "common/atomic_file.h"
#include "common/printable_text.h"
#include "reconcile/reconciler.h"

namespace csm::cli {
namespace {

// reconcile exits 0 (clean), 1 (findings) or 2 (could not complete), whatever the cause.
int FailReconcile(const Options& o, const Status& s) {
  ReportError("reconcile could not complete: " + WithoutSecretArguments(s.message()));
  if (o.json) std::cout << JsonText(ErrorDocument(s, kExitUsage)) << "\n";
  return kExitUsage;
}

}  // namespace

CLI::App* AddReconcileCommand(CLI::App& app, Options& o) {
  auto* reconcile = app.add_subcommand(
      "reconcile",
      "Compare what the database says each store holds with what the store really lists (S3 "
      "ListObjectsV2, Swift container listings, the NFS export's files) and report every "
      "difference in CloudStack's terms. Changes nothing.");
  AddDb(reconcile, o);
  reconcile->add_flag("--json", o.json,
                      "The report as JSON Lines (--format jsonl), and a failure as a JSON error "
                      "document on stdout");
  reconcile
      ->add_option("--store", o.stores,
                   "Only this image_store id (repeatable; default: every live store)")
      ->check(WholeNumber(1));
  reconcile->add_option("--nfs-root", o.nfs_roots,
                        "STORE_ID=PATH: where an NFS store's export is mounted here (repeatable); "
                        "NFS stores without one are not listed");
  reconcile->add_option("--format", o.format, "table or html (people), jsonl or csv (machines)")
      ->capture_default_str();
  reconcile->add_option("--output", o.output, "Write the report to FILE instead of stdout");
  reconcile->add_option("--repair-sql", o.repair_sql,
                        "Also write the SQL that would fix what can be fixed to FILE, for review "
                        "(never run by csmigrate)");
  reconcile->add_flag("--show-ok", o.show_ok,
                      "Also list every object that matched (they are always counted)");
  AddStallTimeout(reconcile, o);
  reconcile->footer(
      "Findings, each with store, table, row id, object id, install path or key and sizes:\n"
      "  ! placeholder_broken  a placeholder whose staging copy is gone, unpinned or missing\n"
      "  - missing             a row claims an object the store does not list\n"
      "  * size_mismatch       listed with another size than the row's physical_size\n"
      "  + orphan              listed, claimed by no live row\n"
      "  % incomplete          template.properties lacks uniquename/virtualsize/filename\n"
      "  ^ pin_anomaly         ref_cnt impossible, or a staging pin no placeholder needs\n"
      "  ? state_mismatch      state and download_state disagree\n"
      "  ~ placeholder_pending expected after a conversion: content still on a pinned staging "
      "copy\n"
      "  = ok                  (shown with --show-ok)\n"
      "Keys outside CloudStack's layout (template/, snapshots/, volumes/; Swift T-, S-, V-) are "
      "not examined.\n\n"
      "Example:\n"
      "  csmigrate reconcile --db-properties /etc/cloudstack/management/db.properties \\\n"
      "      --nfs-root 1=/mnt/secondary --format jsonl --output report.jsonl \\\n"
      "      --repair-sql repair.sql\n\n"
      "Exit codes (reconcile): 0 clean, 1 findings, 2 could not complete (bad configuration, "
      "authentication, network, database): a listing that fails never yields findings.");
  return reconcile;
}

int RunReconcile(const Options& o) {
  // --json is the JSON Lines report (one document per line, each carrying the version).
  auto format = reconcile::ParseReportFormat(o.json ? "jsonl" : o.format);
  if (!format.ok()) return FailReconcile(o, format.status());
  reconcile::ReconcileOptions options;
  options.stores = o.stores;
  if (o.stall_timeout) options.access.stall_timeout = std::chrono::seconds(*o.stall_timeout);
  options.progress = !o.log.quiet;
  auto nfs_roots = NfsRoots(o);
  if (!nfs_roots.ok()) return FailReconcile(o, nfs_roots.status());
  options.access.nfs_roots = std::move(*nfs_roots);
  auto target = Connect(o, false);
  if (!target.ok()) return FailReconcile(o, target.status());
  if (target->encryption) options.encrypt_secret = target->encryption->password;
  auto report = reconcile::Report::Create(*format, o.show_ok);
  if (!report.ok()) return FailReconcile(o, report.status());
  auto outcome = reconcile::Reconcile(*target->conn, options, **report);
  if (!outcome.ok()) return FailReconcile(o, outcome.status());
  auto write = [&](std::ostream& out) {
    return (*report)->Write(out, outcome->stores, outcome->verdicts);
  };
  errno = 0;
  const Status written = o.output.empty() ? write(std::cout) : WriteFileAtomically(o.output, write);
  if (!written.ok() && o.output.empty()) {
    const std::string reason = errno != 0 ? " (" + std::string(std::strerror(errno)) + ")" : "";
    return FailReconcile(o, Status(written.code(), written.message() + " to stdout" + reason));
  }
  if (!written.ok()) return FailReconcile(o, written);
  if (!o.repair_sql.empty()) {
    const std::string dialect = target->conn->dialect().name();
    const Status repair = WriteFileAtomically(
        o.repair_sql, [&](std::ostream& out) { return (*report)->WriteRepairSql(out, dialect); });
    if (!repair.ok()) return FailReconcile(o, repair);
  }
  return (*report)->has_problems() ? kExitFindings : kExitOk;
}

}  // namespace csm::cli
