#include "common/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace csm {
namespace {

// " (the system's reason)" for the last failed call, or nothing when it left none.
std::string Reason() {
  return errno != 0 ? " (" + std::string(std::strerror(errno)) + ")" : "";
}

}  // namespace

Status WriteFileAtomically(const std::string& path,
                           const std::function<Status(std::ostream&)>& write) {
  std::error_code ec;
  const auto type = std::filesystem::status(path, ec).type();
  const bool special = type != std::filesystem::file_type::not_found &&
                       type != std::filesystem::file_type::regular && !ec;
  const std::string target = special ? path : path + ".tmp-" + std::to_string(getpid());
  {
    errno = 0;
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out) return Status(ErrorCode::kIo, "cannot write " + path + Reason());
    Status status = write(out);
    if (!status.ok() && status.code() == ErrorCode::kIo) {
      status = Status(ErrorCode::kIo, status.message() + " to " + path + Reason());
    }
    out.close();
    if (status.ok() && !out) status = Status(ErrorCode::kIo, "cannot write " + path + Reason());
    if (!status.ok()) {
      if (!special) std::filesystem::remove(target, ec);
      return status;
    }
  }
  if (special) return Status::Ok();
  std::filesystem::rename(target, path, ec);
  if (ec) return Status(ErrorCode::kIo, "cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace csm
