// Opens the object store behind an image_store row, configured the way CloudStack configures it
// (cloudstack.md §1, §4): S3 from the endpoint/bucket/accesskey/secretkey/usehttps details, Swift
// from the store's url (the auth URL) and the account/username/key details, NFS from the local
// mount point the admin names with --nfs-root.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "reconcile/image_stores.h"
#include "store/object_store.h"

namespace csm::reconcile {

struct StoreAccess {
  std::map<int64_t, std::string> nfs_roots;  // image_store id -> where its export is mounted
};

// The store to list for `row`; nullptr (not an error) for an NFS store with no --nfs-root, which
// cannot be listed. kInvalidArgument names the store and the detail that is missing or wrong,
// and a provider csmigrate does not know.
Result<std::unique_ptr<store::ObjectStore>> OpenStore(const ImageStoreRow& row,
                                                      const StoreAccess& access);

// The key prefixes of CloudStack's layout on a store of `provider`, in ascending byte order, so
// that listing them one after another gives one listing in key order: NFS and S3 "snapshots/",
// "template/", "volumes/"; Swift the containers "S-", "T-", "V-". Keys outside them are not
// CloudStack's and are not examined.
std::vector<std::string> CloudStackPrefixes(const std::string& provider);

// Whether `key` is metadata CloudStack keeps next to the objects rather than an object of its
// own: template.properties and volume.properties files, and Swift's "<container>_segments"
// containers that hold the pieces of large objects. Such keys are never orphans.
bool IsAuxiliaryKey(const std::string& provider, const std::string& key);

}  // namespace csm::reconcile
