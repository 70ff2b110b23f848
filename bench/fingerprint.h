// Content fingerprints of the tables a conversion changes, so that the benchmark can show that its
// variants (engine, floor, per-row baseline) all leave the same data behind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"

namespace csm::bench {

// What is compared for one table. `hash` covers every column except `id` and `uuid` (they are
// generated), with times reduced to NULL / an old time as stored / "written by the run" (anything
// from 2020 on), and the values of secret details (secretkey, key) masked. It is a multiset hash:
// row order does not matter, row contents do.
struct TableFingerprint {
  std::string table;
  int64_t rows = 0;
  int64_t ref_cnt_sum = -1;     // SUM(ref_cnt), -1 when the table has no such column
  int64_t on_newest_store = 0;  // rows with store_id = MAX(image_store.id), for *_store_ref
  uint64_t hash = 0;

  bool operator==(const TableFingerprint&) const = default;
};

// The fingerprints of image_store, image_store_details, template_store_ref, snapshot_store_ref,
// volume_store_ref, vm_template and template_zone_ref, in that order.
Result<std::vector<TableFingerprint>> FingerprintCloud(db::Connection& conn);

// One line per table: "table rows=.. sum(ref_cnt)=.. on_new_store=.. hash=..".
std::string Describe(const std::vector<TableFingerprint>& fingerprints);

}  // namespace csm::bench
