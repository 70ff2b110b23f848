// A synthetic CloudStack database of a chosen size for the apply benchmark: a few zones, four live
// NFS Image stores, templates, snapshots (with primary-pool rows and delta chains) and volumes,
// generated with set-based SQL so that a million store_ref rows take seconds.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/connection.h"

namespace csm::bench {

// How N store_ref rows are split between the three *_store_ref tables and the object tables that
// back them. Every count follows from N alone, so equal N means identical databases.
struct CloudShape {
  int64_t store_refs = 0;     // N = template_refs + snapshot_refs + volume_refs
  int64_t template_refs = 0;  // ~40% of N; about 1 template in 10 is on two stores
  int64_t templates = 0;
  int64_t snapshot_refs = 0;  // ~40% of N; 1 row in 8 is a store_role='Primary' row
  int64_t snapshots = 0;
  int64_t volume_refs = 0;  // ~20% of N; about 1 volume in 20 is on two stores
  int64_t volumes = 0;

  // The shape for `store_refs` rows in total (at least 100).
  static CloudShape ForRows(int64_t store_refs);
};

// The number of live NFS Image stores every synthetic cloud has (ids 1..kNfsStores).
inline constexpr int kNfsStores = 4;

// Fills `conn`, a database holding CloudStack's tables and no rows, with the cloud `shape`
// describes, in one transaction. Columns the generator does not know that the schema declares
// NOT NULL without a default get a neutral filler (0, '' or an old timestamp), so any 4.x schema
// works. Times are all in 2014/2015, so that anything a conversion writes ("now") is later.
Status GenerateCloud(db::Connection& conn, const CloudShape& shape);

}  // namespace csm::bench
