// `push template ID` on a template already on a Swift store: CloudStack's template sync sees it
// only through the template.properties in its T-<id> container (cloudstack.md §5), so a filled
// row whose container lacks a correct one (an object copied by hand, or by an older csmigrate
// that wrote none) is deleted by the next sync. Push repairs that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudstack/store_factory.h"
#include "common/result.h"
#include "db/connection.h"

namespace csm::push {

// Per Swift store holding a filled row of the template, what push found.
struct PropertiesRepair {
  int64_t store_id = 0;
  std::string key;       // "T-<id>/template.properties"
  bool written = false;  // false: it already said what CloudStack needs
};

// For every live, filled row of template `template_id` on a region Swift Image store: checks that
// its object (install_path "T-<id>/<file>") is there and makes the container's
// template.properties say uniquename, filename, size (the object's bytes) and virtualsize (the
// row's size, else the object's bytes), as EnsureSwiftTemplateProperties does. kNotFound when the
// object is missing (push cannot make it up) or the install_path is not CloudStack's layout;
// store errors as the store gives them. An empty result: no such row.
Result<std::vector<PropertiesRepair>> RepairSwiftTemplateProperties(
    db::Connection& conn, int64_t template_id, const store::StoreAccess& access,
    const std::optional<std::string>& encrypt_secret);

}  // namespace csm::push
