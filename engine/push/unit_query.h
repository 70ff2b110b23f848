// Finds what is left to push: placeholders on region-wide object stores (install_path NULL, live)
// with every Ready staging copy and the pin each one holds, and SYSTEM templates that no object
// store has yet (cloudstack.md §7), grouped into units, in a few streamed queries per table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudstack/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"

namespace csm::push {

// Which units to find; every field narrows the search.
struct UnitFilter {
  std::optional<ObjectKind> kind;             // only templates, snapshots or volumes
  std::optional<int64_t> object_id;           // template or volume id (kind must be set)
  std::optional<int64_t> snapshot_volume_id;  // the snapshots of this volume
  // Only objects that hold this staging store: a Ready copy on it, or the pin on one of its rows.
  std::optional<int64_t> staging_store_id;
};

enum class UnitOrder { kLargestFirst, kOldestFirst };

// The units matching `filter`, in `order`:
// - every placeholder: a live row with no install_path on a region-wide Image store that is
//   Ready, or that no one has touched since it was made (update_count 0, last_updated NULL: the
//   conversion copied its state from a staging row that was not Ready); a row CloudStack is
//   filling itself has moved through its states and is left alone;
// - every SYSTEM template (not removed) with a Ready staging copy and no live row on a region
//   object store (S3 or Swift), once per such store.
// The pin of a placeholder is the staging row its conversion run recorded (csm_pick, kept with
// the run's journal), else the lowest-id live staging row with ref_cnt > 0. A unit with no Ready
// copy is included with none (pushing it fails with that reason).
Result<std::vector<PushUnit>> FindUnits(db::Connection& conn,
                                        const std::vector<cloudstack::RefTable>& tables,
                                        const UnitFilter& filter, UnitOrder order);

}  // namespace csm::push
