// What push and drain move: one object that the object store must get (cloudstack.md §2 E, §7)
// and the staging copies whose bytes can fill it; a unit is what must move together (one template
// or volume, or every still-placeholder snapshot of one volume, since a delta chain moves as a
// whole, §3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csm::push {

enum class ObjectKind { kTemplate, kSnapshot, kVolume };

// "template", "snapshot" or "volume".
std::string_view KindName(ObjectKind kind);

// A Ready staging row (on a live ImageCache store, with an install_path) holding the object.
struct StagingCopy {
  int64_t id = 0;
  int64_t store_id = 0;
  std::string install_path;
  int64_t physical_size = 0;    // 0 when unknown
  std::optional<int64_t> size;  // the row's size (a template's virtual size)
  std::string created;          // for oldest-first
};

struct PushItem {
  ObjectKind kind = ObjectKind::kTemplate;
  int64_t object_id = 0;  // template, snapshot or volume id
  // The row on the object store that the push fills: a placeholder. nullopt for a SYSTEM template
  // that has no row on the object store (the conversion gives those none, §7): settling creates
  // the row CloudStack's template sync would.
  std::optional<int64_t> placeholder_id;
  int64_t object_store_id = 0;
  // Every Ready staging copy of the object, the pinned one first, then by id: the bytes may come
  // from any of them. Empty when there is none, which makes the unit fail with that reason.
  std::vector<StagingCopy> copies;
  // The staging row whose ref_cnt the placeholder holds (the row the conversion pinned, as its run
  // recorded it; for placeholders it did not make, the lowest-id live staging row with ref_cnt > 0,
  // in any state). Settling releases exactly this pin; nullopt when there is none to release.
  std::optional<int64_t> pinned_id;
  int64_t account_id = 0;
  int64_t volume_id = 0;     // snapshots and volumes
  std::string unique_name;   // templates
  std::string template_url;  // templates: vm_template.url, for a row settling creates

  // The copy ordering and totals rely on: the first one, or an empty copy.
  const StagingCopy& preferred() const;
};

struct PushUnit {
  std::vector<PushItem> items;  // snapshots of one volume in id order; else exactly one

  // "template 201", "volume 41", "snapshots of volume 31 (3)".
  std::string Describe() const;
  // The bytes to move: the preferred copies' physical sizes.
  int64_t bytes() const;
  // The preferred copies' oldest creation time, for oldest-first.
  std::string created() const;
};

}  // namespace csm::push
