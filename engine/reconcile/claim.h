// What the database claims a store holds: rows of template_store_ref, snapshot_store_ref and
// volume_store_ref that name an object on it (install_path) and are live.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "db/connection.h"

namespace csm::reconcile {

struct Claim {
  std::string table;  // template_store_ref, snapshot_store_ref or volume_store_ref
  int64_t row_id = 0;
  int64_t object_id = 0;  // template_id, snapshot_id or volume_id
  std::string key;        // install_path: the NFS path, the S3 key or Swift's container/object
  std::optional<int64_t> physical_size;  // what the row says the file weighs; NULL when unknown
  // physical_size as the row holds it when that is impossible (negative, or above 2^63-1 as a
  // wrapped unsigned column gives it): then physical_size is nullopt. "" otherwise.
  std::string impossible_size;
  std::string state;
};

// Streams the claims on store `store_id` in ascending UTF-8 byte order of the key (ties by table,
// then id), the order the stores list in, with one set-based query: template and volume rows with
// destroyed = 0 (or NULL), snapshot rows whose state is not Destroyed and whose role is not
// Primary, each with a non-empty install_path. Memory stays bounded whatever the count. Stops
// with `on_claim`'s error if it returns one.
Status ForEachClaim(db::Connection& conn, int64_t store_id,
                    const std::function<Status(const Claim&)>& on_claim);

}  // namespace csm::reconcile
