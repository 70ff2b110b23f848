#include "push/destination.h"

namespace csm::push {

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
