// The file behind a staging row on an NFS export mounted locally (cloudstack.md §4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "push/push_unit.h"
#include "store/nfs_store.h"

namespace csm::push {

struct StagingFile {
  std::string path;       // the local path to read
  std::string file_name;  // its name, which the object store key ends with
  int64_t size = 0;
};

// The file of the staging row `copy` (of `kind`) on `nfs`: its install_path, and for snapshots,
// whose XenServer install_paths omit the suffix, also with .qcow2, .vhd, .ova. kNotFound names the
// row and the path when no such regular file exists.
Result<StagingFile> LocateStagingFile(store::NfsStore& nfs, ObjectKind kind,
                                      const StagingCopy& copy);

// The virtualsize the template.properties next to the template file at `install_path` on `nfs`
// gives; nullopt when there is no such file or it gives none.
std::optional<int64_t> StagedVirtualSize(store::NfsStore& nfs, const std::string& install_path);

}  // namespace csm::push
