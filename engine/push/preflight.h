// Before the first transfer, what pushing a set of units needs from the stores, checked once per
// store rather than unit by unit: a wrong --nfs-root, an unreachable object store or a refused
// credential is found in a second and named, before anything is uploaded, instead of failing (and
// being retried) unit after unit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cloudstack/store_factory.h"
#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"

namespace csm::push {

// Checks, for the stores `units` involve (image_store rows read from `conn`, secrets decrypted
// with `encrypt_secret`):
// - every NFS staging store holding a Ready copy of an item has, when --nfs-root names it
//   (access.nfs_roots), a root that exists and is a directory;
// - every item with a Ready copy on an NFS staging store has a copy on one that --nfs-root names
//   (the runner reads the first such copy; items without any Ready copy fail on their own);
// - every object store the units go to opens from its details and answers one authenticated
//   request: the listing of the first unit's destination directory there (S3 ListObjectsV2; Swift
//   authentication and the container's listing), with a short connect timeout and one retry.
// Every problem found is reported, in one kInvalidArgument naming each store (id, name) and what
// to fix; a database error is returned as such. Uploads and changes nothing.
Status Preflight(db::Connection& conn, const std::vector<PushUnit>& units,
                 const store::StoreAccess& access,
                 const std::optional<std::string>& encrypt_secret);

}  // namespace csm::push
