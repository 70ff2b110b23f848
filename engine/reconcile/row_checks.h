// Checks the database answers alone, row by row but in set-based queries: pins that hold a
// staging store for no placeholder, impossible ref_cnt values, and state/download_state pairs
// that disagree (cloudstack.md §1, §3).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cloudstack/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "reconcile/finding.h"

namespace csm::reconcile {

// pin_anomaly findings on the stores `stores` (all when empty):
// - a live row with ref_cnt below 0 or above 2^31-1 (an unsigned counter taken below zero);
// - a live staging row with ref_cnt > 0 although no placeholder of its object is left: it keeps
//   the staging store from being retired.
// Each carries a guarded UPDATE for --repair-sql (ref_cnt back to 1 when a placeholder still
// depends on the row, else 0), stamped `now` ("YYYY-MM-DD HH:MM:SS", UTC).
Status CheckPins(db::Connection& conn, const std::vector<cloudstack::RefTable>& tables,
                 const std::vector<int64_t>& stores, const std::string& now,
                 const std::function<void(const Finding&)>& emit);

// state_mismatch findings: live rows of the stores `stores` (all when empty) whose state is not
// the one their download_state implies (DOWNLOADED→Ready; CREATING, DOWNLOAD_IN_PROGRESS,
// UPLOAD_IN_PROGRESS→Creating2; DOWNLOAD_ERROR, UPLOAD_ERROR→Failed; ABANDONED→Destroyed; the
// other values CloudStack defines→Allocated), and rows whose download_state is not a value
// CloudStack defines (compared case-sensitively; named in the finding, with no repair guessed).
// Rows with no download_state, and tables without the column, are skipped.
Status CheckStatePairs(db::Connection& conn, const std::vector<cloudstack::RefTable>& tables,
                       const std::vector<int64_t>& stores,
                       const std::function<void(const Finding&)>& emit);

}  // namespace csm::reconcile
