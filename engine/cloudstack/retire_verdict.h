// Whether a staging (ImageCache) store could be retired now: CloudStack removes one only when
// none of its live rows has ref_cnt ≠ 0 (cloudstack.md §3); and csmigrate also holds it while it
// has the only copy, outside staging, of a SYSTEM template that no object store has yet (the
// conversion pins none of them, §7).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cloudstack/ref_tables.h"
#include "common/result.h"
#include "db/connection.h"

namespace csm::cloudstack {

struct RetireVerdict {
  int64_t store_id = 0;
  std::map<std::string, int64_t> held_by;  // table -> live rows with ref_cnt ≠ 0 on the store
  // SYSTEM templates (not removed) with a Ready copy on the store and no Ready copy on any
  // region object store: retiring the store would leave CloudStack to download them again.
  int64_t system_templates = 0;

  bool retirable() const { return held_by.empty() && system_templates == 0; }

  // "1 snapshot_store_ref rows, 2 volume_store_ref rows with ref_cnt <> 0; the only copy of 1
  // SYSTEM template (no object store has it yet: csmigrate drain pushes it)": what holds the
  // store, for people.
  std::string HeldBy() const;
};

// The verdict for each of `staging_stores`, in the order given: one grouped count per table.
Result<std::vector<RetireVerdict>> RetireVerdicts(db::Connection& conn,
                                                  const std::vector<RefTable>& tables,
                                                  const std::vector<int64_t>& staging_stores);

// The verdict for every live staging (ImageCache) store, in id order, or only for `only` when set
// (none when it is no live staging store); `encrypt_secret` as for ReadImageStores (the stores'
// details are read with them).
Result<std::vector<RetireVerdict>> StagingStoreVerdicts(
    db::Connection& conn, const std::vector<RefTable>& tables, std::optional<int64_t> only,
    const std::optional<std::string>& encrypt_secret);

}  // namespace csm::cloudstack
