#include "store/local_file.h"

#include <filesystem>
#include <system_error>

namespace csm::store {

Result<int64_t> LocalFileSize(const std::string& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return Status(ErrorCode::kNotFound, "no file " + path + " to upload");
  }
  if (error) return Status(ErrorCode::kIo, "cannot examine " + path + ": " + error.message());
  if (!std::filesystem::is_regular_file(status)) {
    return Status(ErrorCode::kIo, path + " is not a regular file");
  }
  const auto size = std::filesystem::file_size(path, error);
  if (error) return Status(ErrorCode::kIo, "cannot examine " + path + ": " + error.message());
  return static_cast<int64_t>(size);
}

}  // namespace csm::store
