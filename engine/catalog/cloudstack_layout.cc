#include "catalog/cloudstack_layout.h"

namespace csm::catalog {

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

}  // namespace csm::catalog
