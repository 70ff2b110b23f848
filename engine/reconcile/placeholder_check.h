// Placeholders (cloudstack.md §2 E): rows on a region-wide Image store with no install_path,
// whose content still lives only on a staging (ImageCache) store, pinned there by ref_cnt. Each
// is pending (a pinned, Ready staging copy whose file is present: expected after a conversion) or
// broken (no staging row, no pin, not Ready, or the file is gone: data-loss risk).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cloudstack/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "reconcile/finding.h"

namespace csm::reconcile {

// What the listings showed about staging rows.
struct StagingEvidence {
  std::set<int64_t> listed_stores;  // stores whose listing completed
  // Staging rows (per table) whose file a completed listing did not show, sorted by id (8 bytes a
  // row: memory stays small even when a whole export is missing).
  std::map<std::string, std::vector<int64_t>> missing_rows;

  // Whether the staging row `id` of `table` is among missing_rows.
  bool IsMissing(const std::string& table, int64_t id) const;
};

// Checks every placeholder on the region stores `stores` (every region store when empty), with
// one streamed query per table, and emits a placeholder_pending or placeholder_broken finding
// for each, naming the staging row it depends on.
Status CheckPlaceholders(db::Connection& conn, const std::vector<cloudstack::RefTable>& tables,
                         const std::vector<int64_t>& stores, const StagingEvidence& evidence,
                         const std::function<void(const Finding&)>& emit);

}  // namespace csm::reconcile
