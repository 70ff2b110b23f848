// Whether a staging (ImageCache) store could be retired now: CloudStack removes one only when
// none of its live rows has ref_cnt ≠ 0 (cloudstack.md §3).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "catalog/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"

namespace csm::catalog {

struct RetireVerdict {
  int64_t store_id = 0;
  std::map<std::string, int64_t> held_by;  // table -> live rows with ref_cnt ≠ 0 on the store

  bool retirable() const { return held_by.empty(); }

  // "1 snapshot_store_ref rows, 2 volume_store_ref rows": what holds the store, for people.
  std::string HeldBy() const;
};

// The verdict for each of `staging_stores`, in the order given: one grouped count per table.
Result<std::vector<RetireVerdict>> RetireVerdicts(db::Connection& conn,
                                                  const std::vector<RefTable>& tables,
                                                  const std::vector<int64_t>& staging_stores);

}  // namespace csm::catalog
