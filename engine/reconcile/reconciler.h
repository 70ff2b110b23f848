// `csmigrate reconcile`: for each store, the DB's claims merged with the store's real listing,
// and on each S3 or Swift Image store CloudStack's next template sync replayed from that same
// listing (template_sync.h); then the placeholders, pins and state pairs; then a verdict per
// staging store. Read-only: the
// only thing it writes is the report (and, when asked, a repair script for a person to review).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudstack/retire_verdict.h"
#include "cloudstack/store_factory.h"
#include "common/result.h"
#include "db/connection.h"
#include "reconcile/report.h"

namespace csm::reconcile {

struct ReconcileOptions {
  std::vector<int64_t> stores;  // the image_store ids to look at; empty = every live store
  store::StoreAccess access;    // --nfs-root mount points
  // The installation's DB secret when it encrypts detail values (from db.properties).
  std::optional<std::string> encrypt_secret;
  bool progress = false;  // a progress line on stderr (only when it is a terminal)
};

struct ReconcileOutcome {
  std::vector<StoreSummary> stores;
  std::vector<cloudstack::RetireVerdict> verdicts;
};

// Runs the whole reconcile, naming `conn`'s database to `report` and adding every finding to it.
// Errors (kInvalidArgument for bad configuration such as an --nfs-root for a store that is not
// NFS, or a store that cannot be opened; kIo/kInvalidArgument from a listing that fails or is
// refused; kDatabase) mean the reconcile could not complete: then nothing in `report` may be
// trusted, and callers must not show it.
Result<ReconcileOutcome> Reconcile(db::Connection& conn, const ReconcileOptions& options,
                                   Report& report);

}  // namespace csm::reconcile
