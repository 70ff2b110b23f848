// Finds what is left to push: placeholders on region-wide object stores (install_path NULL,
// Ready, live) with their best staging copy, grouped into units, in one streamed query per table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"

namespace csm::push {

// Which units to find; every field narrows the search.
struct UnitFilter {
  std::optional<ObjectKind> kind;             // only templates, snapshots or volumes
  std::optional<int64_t> object_id;           // template or volume id (kind must be set)
  std::optional<int64_t> snapshot_volume_id;  // the snapshots of this volume
  std::optional<int64_t> staging_store_id;    // only objects whose staging copy is on this store
};

enum class UnitOrder { kLargestFirst, kOldestFirst };

// The units matching `filter`, in `order`. A placeholder with no Ready staging copy is included
// with no staging_id (pushing it fails with that reason), except under a staging_store_id
// filter. The staging copy chosen is the pinned one (ref_cnt > 0) with the lowest id, else the
// lowest id.
Result<std::vector<PushUnit>> FindUnits(db::Connection& conn,
                                        const std::vector<catalog::RefTable>& tables,
                                        const UnitFilter& filter, UnitOrder order);

}  // namespace csm::push
