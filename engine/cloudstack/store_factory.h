// Opens the object store behind an image_store row, configured the way CloudStack configures it
// (cloudstack.md §1, §4): S3 from the endpoint/bucket/accesskey/secretkey/usehttps details, Swift
// from the store's url (the auth URL) and the account/username/key details, NFS from the local
// mount point the admin names with --nfs-root.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cloudstack/image_stores.h"
#include "common/result.h"
#include "store/object_store.h"
#include "store/store_access.h"

namespace csm::cloudstack {

// The store to list for `row`; nullptr (not an error) for an NFS store with no --nfs-root, which
// cannot be listed. kInvalidArgument names the store and the detail that is missing or wrong,
// and a provider csmigrate does not know.
Result<std::unique_ptr<store::ObjectStore>> OpenStore(const ImageStoreRow& row,
                                                      const store::StoreAccess& access);

}  // namespace csm::cloudstack
