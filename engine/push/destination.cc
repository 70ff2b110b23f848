#include "push/destination.h"

#include <algorithm>

namespace csm::push {

Status CheckDestinationKeyParts(const std::string& provider, const PushItem& item) {
  if (provider == "Swift" || item.kind != ObjectKind::kTemplate) return Status::Ok();
  const std::string& name = item.unique_name;
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      control) {
    return Status(ErrorCode::kPrecondition,
                  "template " + std::to_string(item.object_id) + ": its unique_name '" + name +
                      "' cannot be the directory of its S3 key (template/tmpl/ACCOUNT/ID/"
                      "UNIQUE_NAME/FILE): it is empty, '.' or '..', or holds '/' or a control "
                      "character, and CloudStack's template sync would not find the object "
                      "and would delete it; correct vm_template.unique_name first");
  }
  return Status::Ok();
}

std::string DestinationKey(const std::string& provider, const PushItem& item,
                           const std::string& file_name) {
  const std::string account = std::to_string(item.account_id);
  const std::string volume = std::to_string(item.volume_id);
  const std::string object = std::to_string(item.object_id);
  if (provider == "Swift") {
    switch (item.kind) {
      case ObjectKind::kTemplate:
        return "T-" + object + "/" + file_name;
      case ObjectKind::kSnapshot:
        return "S-" + volume + "/" + file_name;
      case ObjectKind::kVolume:
        return "V-" + volume + "/" + file_name;
    }
  }
  switch (item.kind) {
    case ObjectKind::kTemplate:
      return "template/tmpl/" + account + "/" + object + "/" + item.unique_name + "/" + file_name;
    case ObjectKind::kSnapshot:
      return "snapshots/" + account + "/" + volume + "/" + file_name;
    case ObjectKind::kVolume:
      return "volumes/" + account + "/" + volume + "/" + file_name;
  }
  return "";
}

}  // namespace csm::push
