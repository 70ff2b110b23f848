#include "reconcile/finding.h"

#include <cassert>

namespace csm::reconcile {

std::string_view KindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kSyncRemove:
      return "sync_remove";
    case FindingKind::kSyncRepoint:
      return "sync_repoint";
    case FindingKind::kSyncDelete:
      return "sync_delete";
    case FindingKind::kPlaceholderBroken:
      return "placeholder_broken";
    case FindingKind::kMissing:
      return "missing";
    case FindingKind::kSizeMismatch:
      return "size_mismatch";
    case FindingKind::kOrphan:
      return "orphan";
    case FindingKind::kIncomplete:
      return "incomplete";
    case FindingKind::kPinAnomaly:
      return "pin_anomaly";
    case FindingKind::kStateMismatch:
      return "state_mismatch";
    case FindingKind::kPlaceholderPending:
      return "placeholder_pending";
    case FindingKind::kOk:
      return "ok";
  }
  assert(false && "unknown finding kind");
  return "";
}

char KindSymbol(FindingKind kind) {
  switch (kind) {
    case FindingKind::kSyncRemove:
      return '#';
    case FindingKind::kSyncRepoint:
      return '>';
    case FindingKind::kSyncDelete:
      return 'x';
    case FindingKind::kPlaceholderBroken:
      return '!';
    case FindingKind::kMissing:
      return '-';
    case FindingKind::kSizeMismatch:
      return '*';
    case FindingKind::kOrphan:
      return '+';
    case FindingKind::kIncomplete:
      return '%';
    case FindingKind::kPinAnomaly:
      return '^';
    case FindingKind::kStateMismatch:
      return '?';
    case FindingKind::kPlaceholderPending:
      return '~';
    case FindingKind::kOk:
      return '=';
  }
  assert(false && "unknown finding kind");
  return ' ';
}

bool IsSyncPrediction(FindingKind kind) {
  return kind == FindingKind::kSyncRemove || kind == FindingKind::kSyncRepoint ||
         kind == FindingKind::kSyncDelete;
}

bool IsProblem(FindingKind kind) {
  return kind != FindingKind::kOk && kind != FindingKind::kPlaceholderPending;
}

std::string_view ObjectTypeOf(std::string_view table) {
  if (table == "template_store_ref") return "template";
  if (table == "snapshot_store_ref") return "snapshot";
  if (table == "volume_store_ref") return "volume";
  return "";
}

}  // namespace csm::reconcile
