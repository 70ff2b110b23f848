// After verified uploads, what CloudStack's copy to the object store writes (cloudstack.md §3),
// for a whole unit in one transaction:
// - a template: install_path = the key, Ready / DOWNLOADED / 100, size = the virtual size,
//   physical_size = the bytes uploaded; vm_template.size = the virtual size and
//   vm_template.format = the file's format. A SYSTEM template with no row on the store gets the
//   row CloudStack's template sync would create (§5, §7);
// - a snapshot: install_path, Ready (and DOWNLOADED / 100 where the columns exist),
//   parent_snapshot_id = 0 (the copy answer carries no parent); physical_size and size unchanged;
// - a volume: install_path, Ready / DOWNLOADED / 100, size = physical_size = the bytes uploaded;
// and the staging row whose pin the placeholder held is released (ref_cnt - 1, never below 0,
// last_updated now), exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cloudstack/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"
#include "push/verified_upload.h"

namespace csm::push {

// One item's verified upload and what the staging side says of it.
struct PushedObject {
  UploadOutcome upload;
  int64_t source_id = 0;     // the staging row whose file was uploaded
  int64_t virtual_size = 0;  // templates: the size CloudStack records (see Settle)
  std::string format;        // templates: the file's ImageFormat name; "" leaves it unchanged
};

// How many placeholders were filled (or SYSTEM template rows created), and how many were already
// filled (or created) by someone else: then their pins are left alone, so nothing is ever
// released twice.
struct SettleOutcome {
  int filled = 0;
  int already_filled = 0;
};

// Records `pushed` (one per item of `unit`, in order) in one transaction stamped `now`;
// `before_commit` (when given) runs last inside that transaction, and its error rolls it all back
// and is returned (drain marks the unit done on its work board there).
// Each placeholder update is guarded by install_path IS NULL and each created row by the absence
// of a live row of the template on the store; the pin is released only when the guard matched.
// Columns a table lacks in this CloudStack version (snapshot download_*) are skipped.
Result<SettleOutcome> Settle(db::Connection& conn, const std::vector<cloudstack::RefTable>& tables,
                             const PushUnit& unit, const std::vector<PushedObject>& pushed,
                             const std::string& now,
                             const std::function<Status()>& before_commit = nullptr);

}  // namespace csm::push
