// The --nfs-root STORE_ID=PATH options (push, drain, reconcile): where an NFS store's export is
// mounted here.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "cli/options.h"
#include "common/result.h"

namespace csm::cli {

// The --nfs-root options as a map from store id to path; kInvalidArgument, naming the option,
// for one that is not STORE_ID=PATH with a positive id, or a store given twice (one would win
// silently, and every row of the other export would show as missing).
Result<std::map<int64_t, std::string>> NfsRoots(const Options& o);

}  // namespace csm::cli
