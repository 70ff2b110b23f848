// The three store_ref tables as the live database has them, and the SQL fragments every check
// shares: which rows are live, which stores are staging or region stores, bound values in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "db/statement.h"

namespace csm::cloudstack {

// Beyond this a ref_cnt is not a count but an unsigned counter decremented below zero (a known
// CloudStack bug); it is never a real number of pins.
inline constexpr int64_t kMaxSaneRefCount = 2147483647;

struct RefTable {
  std::string name;                 // template_store_ref, snapshot_store_ref, volume_store_ref
  std::string object_column;        // template_id, snapshot_id, volume_id
  bool has_download_state = false;  // snapshot_store_ref only from 4.22's columns on
};

// The three tables, with the columns that vary between CloudStack versions looked up.
Result<std::vector<RefTable>> DescribeRefTables(db::Connection& conn);

// Appends the condition "row `alias` of `table` is live": destroyed = 0 (or NULL) for templates
// and volumes; for snapshots, a state other than Destroyed on an image store (not a Primary
// pool's row, whose store_id names a storage pool).
void AppendLive(db::Statement& sql, const db::Dialect& d, const RefTable& table,
                const std::string& alias);

// Appends the condition "image_store `alias` is not removed and has role `role`".
void AppendStoreRole(db::Statement& sql, const db::Dialect& d, const std::string& alias,
                     const std::string& role);

// Appends "AND `column` IN (ids...)" when `ids` is not empty.
void AppendIdFilter(db::Statement& sql, const std::string& column, const std::vector<int64_t>& ids);

// Appends the condition "a placeholder for the same object as row `alias` exists": a live row of
// `table` on a region-wide Image store (not removed) with no install_path.
void AppendPlaceholderExists(db::Statement& sql, const db::Dialect& d, const RefTable& table,
                             const std::string& alias);

}  // namespace csm::cloudstack
