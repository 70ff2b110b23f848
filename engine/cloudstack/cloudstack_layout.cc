#include "cloudstack/cloudstack_layout.h"

#include "common/text.h"

namespace csm::cloudstack {

std::vector<std::string> CloudStackPrefixes(const std::string& provider) {
  if (provider == "Swift") return {"S-", "T-", "V-"};
  return {"snapshots/", "template/", "volumes/"};
}

bool IsAuxiliaryKey(const std::string& provider, const std::string& key) {
  const auto slash = key.rfind('/');
  const std::string base = slash == std::string::npos ? key : key.substr(slash + 1);
  if (base == "template.properties" || base == "volume.properties") return true;
  if (provider == "Swift") {
    const std::string container = key.substr(0, key.find('/'));
    constexpr std::string_view kSegments = "_segments";
    return container.size() > kSegments.size() &&
           container.compare(container.size() - kSegments.size(), kSegments.size(), kSegments) == 0;
  }
  return false;
}

std::string ImageFormatOf(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "";
  const std::string extension = ToLower(file_name.substr(dot + 1));
  for (const char* known : {"qcow2", "vhd", "vhdx", "ova", "raw", "iso", "vmdk", "vdi", "tar"}) {
    if (extension == known) return ToUpper(extension);
  }
  return "";
}

}  // namespace csm::cloudstack
