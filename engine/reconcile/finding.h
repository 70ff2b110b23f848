// What the reconciler reports: one finding per claimed row, listed object or anomaly, in
// CloudStack's terms (store, table, row id, object id, install path or key, sizes).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csm::reconcile {

// In the order reports show them: data-loss risks first, expected states last. The sync_ kinds
// predict what CloudStack's own template sync (cloudstack.md §5) will do to an object store the
// next time it runs: it acts without asking, so they come before everything else.
enum class FindingKind {
  kSyncRemove,          // the next template sync deletes (or fails) this template_store_ref row
  kSyncRepoint,         // the next template sync changes this row's install_path
  kSyncDelete,          // the next template sync deletes this listed object from the store
  kPlaceholderBroken,   // a placeholder whose staging copy is gone, unpinned or missing
  kMissing,             // a row claims an object the store does not hold
  kSizeMismatch,        // the store holds the object with another size than the row says
  kOrphan,              // the store holds an object no row claims
  kIncomplete,          // a template directory whose template.properties lacks required keys
  kPinAnomaly,          // a pin left without a placeholder, or an impossible ref_cnt
  kStateMismatch,       // state and download_state disagree (cloudstack.md §1)
  kPlaceholderPending,  // a placeholder backed by a pinned, present staging copy: expected
  kOk,                  // the row's object is there, with the size the row says
};

inline constexpr std::array<FindingKind, 12> kAllFindingKinds = {FindingKind::kSyncRemove,
                                                                 FindingKind::kSyncRepoint,
                                                                 FindingKind::kSyncDelete,
                                                                 FindingKind::kPlaceholderBroken,
                                                                 FindingKind::kMissing,
                                                                 FindingKind::kSizeMismatch,
                                                                 FindingKind::kOrphan,
                                                                 FindingKind::kIncomplete,
                                                                 FindingKind::kPinAnomaly,
                                                                 FindingKind::kStateMismatch,
                                                                 FindingKind::kPlaceholderPending,
                                                                 FindingKind::kOk};

// Whether the kind predicts CloudStack's template sync (sync_remove, sync_repoint, sync_delete).
bool IsSyncPrediction(FindingKind kind);

// The kind as reports and --format jsonl/csv name it: "sync_remove", "placeholder_broken", ...
std::string_view KindName(FindingKind kind);

// One character per kind, after `rclone check`: '#' sync removes the row, '>' sync repoints it,
// 'x' sync deletes the object, '!' broken, '-' missing, '*' size mismatch, '+' orphan,
// '%' incomplete, '^' pin anomaly, '?' state mismatch, '~' pending, '=' ok.
char KindSymbol(FindingKind kind);

// Whether the kind is a problem (exit status 1); ok and placeholder_pending are not.
bool IsProblem(FindingKind kind);

// The object a store_ref table holds: "template", "snapshot" or "volume"; "" for "".
std::string_view ObjectTypeOf(std::string_view table);

struct Finding {
  FindingKind kind = FindingKind::kOk;
  int64_t store_id = 0;
  std::string table;      // template_store_ref, snapshot_store_ref, volume_store_ref; "" = none
  int64_t row_id = 0;     // 0 when no row is involved (an orphan)
  int64_t object_id = 0;  // the template, snapshot or volume id; 0 when unknown
  std::string key;        // install_path, or the key the store lists
  std::optional<int64_t> db_size;     // physical_size the row claims
  std::optional<int64_t> store_size;  // the size the store lists
  std::string state;                  // the row's state, when a row is involved
  std::string detail;                 // what it means and what to look at, in one sentence
  // For --repair-sql: a statement that fixes it (guarded by the values it was found with), or
  // "-- ..." comment lines when only a person can decide; empty when there is nothing to say.
  std::string repair;
  // The csmigrate command that fixes it ("csmigrate push template 201"); "" when none does.
  std::string action;
};

}  // namespace csm::reconcile
