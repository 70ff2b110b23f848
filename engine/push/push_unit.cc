#include "push/push_unit.h"

#include <cassert>

namespace csm::push {

std::string_view KindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kTemplate:
      return "template";
    case ObjectKind::kSnapshot:
      return "snapshot";
    case ObjectKind::kVolume:
      return "volume";
  }
  assert(false && "unknown object kind");
  return "";
}

std::string PushUnit::Describe() const {
  assert(!items.empty());
  const PushItem& first = items.front();
  if (first.kind == ObjectKind::kSnapshot) {
    return "snapshots of volume " + std::to_string(first.volume_id) + " (" +
           std::to_string(items.size()) + ")";
  }
  return std::string(KindName(first.kind)) + " " + std::to_string(first.object_id);
}

int64_t PushUnit::bytes() const {
  int64_t total = 0;
  for (const auto& item : items) total += item.staging_size;
  return total;
}

}  // namespace csm::push
