#include "push/staging_file.h"

#include <vector>

#include "cloudstack/cloudstack_layout.h"
#include "cloudstack/template_properties.h"

namespace csm::push {

Result<StagingFile> LocateStagingFile(store::NfsStore& nfs, ObjectKind kind,
                                      const StagingCopy& copy) {
  std::vector<std::string> candidates = {copy.install_path};
  if (kind == ObjectKind::kSnapshot) {
    for (const std::string_view suffix : cloudstack::kSnapshotFileSuffixes) {
      candidates.push_back(copy.install_path + std::string(suffix));
    }
  }
  for (const auto& key : candidates) {
    CSM_ASSIGN_OR_RETURN(auto found, nfs.Head(key));
    if (!found) continue;
    CSM_ASSIGN_OR_RETURN(std::string path, nfs.PathOf(key));
    StagingFile file;
    file.path = std::move(path);
    const auto slash = key.rfind('/');
    file.file_name = slash == std::string::npos ? key : key.substr(slash + 1);
    file.size = found->size;
    return file;
  }
  return Status(ErrorCode::kNotFound, "the file of staging row #" + std::to_string(copy.id) + " (" +
                                          copy.install_path + ") is missing from " +
                                          nfs.Describe());
}

std::optional<int64_t> StagedVirtualSize(store::NfsStore& nfs, const std::string& install_path) {
  const auto slash = install_path.rfind('/');
  const std::string key =
      (slash == std::string::npos ? std::string() : install_path.substr(0, slash + 1)) +
      "template.properties";
  auto path = nfs.PathOf(key);
  if (!path.ok()) return std::nullopt;
  auto properties = cloudstack::ReadTemplateProperties(*path);
  if (!properties.ok() || properties->virtualsize < 0) return std::nullopt;
  return properties->virtualsize;
}

}  // namespace csm::push
