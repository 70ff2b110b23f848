#include "push/staging_file.h"

#include <vector>

#include "catalog/cloudstack_layout.h"

namespace csm::push {

Result<StagingFile> LocateStagingFile(store::NfsStore& nfs, const PushItem& item) {
  std::vector<std::string> candidates = {item.staging_path};
  if (item.kind == ObjectKind::kSnapshot) {
    for (const std::string_view suffix : catalog::kSnapshotFileSuffixes) {
      candidates.push_back(item.staging_path + std::string(suffix));
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
  return Status(ErrorCode::kNotFound,
                std::string(KindName(item.kind)) + " " + std::to_string(item.object_id) +
                    ": the file of staging row #" + std::to_string(item.staging_id.value_or(0)) +
                    " (" + item.staging_path + ") is missing from " + nfs.Describe());
}

}  // namespace csm::push
