#include "push/swift_template_properties.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "cloudstack/template_properties.h"
#include "store/etag.h"

namespace csm::push {
namespace {

constexpr const char* kFileName = "template.properties";
// A template.properties is four short lines; anything larger is not one csmigrate wrote.
constexpr size_t kMaxPropertiesBytes = 64 * 1024;

bool Says(const cloudstack::TemplateProperties& p, const SwiftTemplateEntry& entry) {
  return p.uniquename == entry.unique_name && p.filename == entry.file_name &&
         p.size == entry.size && p.virtualsize == entry.virtual_size;
}

// The object at `key`, read whole (at most kMaxPropertiesBytes).
Result<std::string> ReadSmall(store::ObjectStore& swift, const std::string& key) {
  std::string text;
  CSM_RETURN_IF_ERROR(swift.Get(key, [&](std::string_view chunk) {
    if (text.size() + chunk.size() > kMaxPropertiesBytes) {
      return Status(ErrorCode::kIo, key + " on " + swift.Describe() + " is larger than " +
                                        std::to_string(kMaxPropertiesBytes) + " bytes");
    }
    text.append(chunk);
    return Status::Ok();
  }));
  return text;
}

// Writes `text` to a private temporary file, for Put (which uploads files).
class TemporaryFile {
 public:
  static Result<TemporaryFile> Write(const std::string& text) {
    std::error_code ec;
    std::string pattern =
        (std::filesystem::temp_directory_path(ec) / "csmigrate-properties-XXXXXX").string();
    if (ec) pattern = "/tmp/csmigrate-properties-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = mkstemp(name.data());
    if (fd < 0) return Status(ErrorCode::kIo, "cannot create a temporary file in " + pattern);
    TemporaryFile file(name.data());
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (::close(fd) != 0 || !written) {
      return Status(ErrorCode::kIo, "cannot write the temporary file " + file.path_);
    }
    return file;
  }
  TemporaryFile(TemporaryFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  TemporaryFile& operator=(TemporaryFile&&) = delete;
  ~TemporaryFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace

Result<bool> EnsureSwiftTemplateProperties(store::ObjectStore& swift,
                                           const SwiftTemplateEntry& entry) {
  const std::string container = "T-" + std::to_string(entry.template_id);
  const std::string key = container + "/" + kFileName;
  const std::string text = cloudstack::FormatSwiftTemplateProperties(
      entry.unique_name, entry.file_name, entry.size, entry.virtual_size);
  const std::string text_etag = store::Md5Hex(text);
  std::vector<std::string> others;
  std::optional<store::ObjectInfo> present;
  CSM_RETURN_IF_ERROR(swift.List(key, [&](const store::ObjectInfo& object) {
    if (object.key == key) {
      present = object;
    } else {
      others.push_back(object.key);
    }
    return true;
  }));
  if (!others.empty()) {
    std::string names;
    for (const auto& name : others) names += (names.empty() ? "" : ", ") + name;
    return Status(ErrorCode::kPrecondition,
                  "container " + container + " on " + swift.Describe() +
                      " holds other objects whose names start with template.properties (" + names +
                      "): CloudStack's template sync sees the template only when there is "
                      "exactly one; remove them, then push again");
  }
  if (present) {
    // The listing's ETag shows a file with exactly these bytes; one written otherwise (by
    // CloudStack, in another order) is read and may still say the same.
    if (present->etag == text_etag && present->size == static_cast<int64_t>(text.size())) {
      return false;
    }
    CSM_ASSIGN_OR_RETURN(std::string existing, ReadSmall(swift, key));
    if (Says(cloudstack::ParseTemplateProperties(existing), entry)) return false;
  }
  CSM_ASSIGN_OR_RETURN(TemporaryFile file, TemporaryFile::Write(text));
  CSM_ASSIGN_OR_RETURN(const store::ObjectInfo stored, swift.Put(key, file.path()));
  if (stored.etag != text_etag || stored.size != static_cast<int64_t>(text.size())) {
    return Status(ErrorCode::kIo, "the " + key + " written to " + swift.Describe() +
                                      " is not what was sent (ETag " + stored.etag + ", expected " +
                                      text_etag + ")");
  }
  return true;
}

}  // namespace csm::push
