// What push and drain move: one placeholder (cloudstack.md §2 E) and the staging copy whose
// bytes fill it; a unit is what must move together (one template or volume, or every
// still-placeholder snapshot of one volume, since a delta chain moves as a whole, §3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csm::push {

enum class ObjectKind { kTemplate, kSnapshot, kVolume };

// "template", "snapshot" or "volume".
std::string_view KindName(ObjectKind kind);

struct PushItem {
  ObjectKind kind = ObjectKind::kTemplate;
  int64_t object_id = 0;       // template, snapshot or volume id
  int64_t placeholder_id = 0;  // the row on the object store
  int64_t object_store_id = 0;
  // The staging copy: a Ready row on an ImageCache store (pinned ones preferred); nullopt when
  // there is none, which makes the unit fail with that reason.
  std::optional<int64_t> staging_id;
  int64_t staging_store_id = 0;
  std::string staging_path;  // its install_path
  int64_t staging_size = 0;  // its physical_size (0 when unknown), for ordering and totals
  std::optional<int64_t> virtual_size;  // its size
  int64_t account_id = 0;
  int64_t volume_id = 0;    // snapshots and volumes
  std::string unique_name;  // templates
  std::string created;      // the staging row's, for oldest-first
};

struct PushUnit {
  std::vector<PushItem> items;  // snapshots of one volume in id order; else exactly one

  // "template 201", "volume 41", "snapshots of volume 31 (3)".
  std::string Describe() const;
  int64_t bytes() const;
};

}  // namespace csm::push
