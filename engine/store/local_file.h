// The local files that stores upload.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace csm::store {

// The size in bytes of the regular file at `path`: kNotFound when it does not exist, kIo when it
// is not a regular file or cannot be examined.
Result<int64_t> LocalFileSize(const std::string& path);

}  // namespace csm::store
