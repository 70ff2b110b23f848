// Writing a file so that a failure never leaves half of it.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "common/result.h"

namespace csm {

// Writes `path` through a temporary file renamed into place, so that a failure never leaves half
// a file; `write` produces the content. A path that exists and is not a regular file (/dev/null,
// /dev/stdout, a fifo) is written directly: renaming over it would replace the device.
// kIo naming `path` and the system's reason when it cannot be written; a kIo from `write` (its
// stream failed) with " to PATH (reason)" added; any other error of `write` as it is. The
// temporary file is removed after any failure.
Status WriteFileAtomically(const std::string& path,
                           const std::function<Status(std::ostream&)>& write);

}  // namespace csm
