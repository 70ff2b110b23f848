// After verified uploads, what CloudStack writes (cloudstack.md §3), for a whole unit in one
// transaction: each placeholder gets install_path = the key, download_pct 100, download_state
// DOWNLOADED, state Ready and its sizes; each staging row it depended on is unpinned
// (ref_cnt - 1, never below 0, last_updated now).
#pragma once

#include <string>
#include <vector>

#include "catalog/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"
#include "push/verified_upload.h"

namespace csm::push {

// How many placeholders were filled, and how many were already filled by someone else (then
// their staging rows are left alone, so nothing is ever unpinned twice).
struct SettleOutcome {
  int filled = 0;
  int already_filled = 0;
};

// Records `uploads` (one per item of `unit`, in order) in one transaction stamped `now`.
// Each placeholder update is guarded by install_path IS NULL; the unpin runs only when it
// matched. Columns a table lacks in this CloudStack version (snapshot download_*) are skipped.
Result<SettleOutcome> Settle(db::Connection& conn, const std::vector<catalog::RefTable>& tables,
                             const PushUnit& unit, const std::vector<UploadOutcome>& uploads,
                             const std::string& now);

}  // namespace csm::push
