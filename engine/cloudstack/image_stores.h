// The secondary stores a reconcile looks at: image_store rows (not removed) with their details,
// secrets decrypted as CloudStack would read them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"

namespace csm::cloudstack {

struct ImageStoreRow {
  int64_t id = 0;
  std::string name;
  std::string provider;  // image_provider_name: NFS, S3, Swift, ...
  std::string protocol;
  std::optional<std::string> url;
  std::optional<int64_t> data_center_id;  // nullopt = region-wide
  std::string scope;
  std::string role;                            // Image or ImageCache
  std::map<std::string, std::string> details;  // secretkey / key decrypted

  bool is_staging() const { return role == "ImageCache"; }
  bool is_region_image_store() const { return role == "Image" && !data_center_id; }
};

// Reads the stores that are not removed, in id order, with their details; `only` (when not empty)
// restricts them to those ids, and an id that is not a live store is kNotFound naming it.
// `encrypt_secret` is the installation's DB secret (db.cloud.encrypt.secret) when it encrypts:
// the `secretkey` and `key` details are then decrypted (either format, §6); one that does not
// decrypt is kCrypto naming the store and the detail, never the value.
Result<std::vector<ImageStoreRow>> ReadImageStores(
    db::Connection& conn, const std::vector<int64_t>& only,
    const std::optional<std::string>& encrypt_secret);

}  // namespace csm::cloudstack
