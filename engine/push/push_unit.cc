#include "push/push_unit.h"

#include <algorithm>
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

const StagingCopy& PushItem::preferred() const {
  static const StagingCopy kNone;
  return copies.empty() ? kNone : copies.front();
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
  for (const auto& item : items) total += item.preferred().physical_size;
  return total;
}

std::string PushUnit::created() const {
  assert(!items.empty());
  std::string oldest = items.front().preferred().created;
  for (const auto& item : items) oldest = std::min(oldest, item.preferred().created);
  return oldest;
}

}  // namespace csm::push
