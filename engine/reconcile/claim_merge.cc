#include "reconcile/claim_merge.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string_view>

#include "cloudstack/cloudstack_layout.h"

namespace csm::reconcile {
namespace {

// The snapshot suffix that sorts last: once the listing is past key + it, no suffixed name of
// that key can come any more.
constexpr std::string_view kLastSuffix = *std::max_element(
    cloudstack::kSnapshotFileSuffixes.begin(), cloudstack::kSnapshotFileSuffixes.end());

Finding FindingFor(FindingKind kind, int64_t store_id, const Claim& claim) {
  Finding f;
  f.kind = kind;
  f.store_id = store_id;
  f.table = claim.table;
  f.row_id = claim.row_id;
  f.object_id = claim.object_id;
  f.key = claim.key;
  f.db_size = claim.physical_size;
  f.state = claim.state;
  return f;
}

}  // namespace

ClaimMerge::ClaimMerge(int64_t store_id, std::string provider, ListingCursor& listing, Emit emit,
                       OnAuxiliary on_auxiliary)
    : store_id_(store_id),
      provider_(std::move(provider)),
      listing_(listing),
      emit_(std::move(emit)),
      on_auxiliary_(std::move(on_auxiliary)) {}

Status ClaimMerge::Add(const Claim& claim) {
  assert(claim.key >= last_key_ && "claims must come in ascending key order");
  last_key_ = claim.key;
  CSM_RETURN_IF_ERROR(ConsumeBelow(&claim.key));
  CSM_ASSIGN_OR_RETURN(const store::ObjectInfo* current, listing_.Current());
  if (current != nullptr && current->key == claim.key) {
    Matched(claim, *current);
    current_matched_ = true;
    return Status::Ok();
  }
  if (claim.table == "snapshot_store_ref") {
    waiting_.push_back(claim);
    return Status::Ok();
  }
  auto f = FindingFor(FindingKind::kMissing, store_id_, claim);
  f.detail = "the row says the store holds this " + std::string(ObjectTypeOf(claim.table)) +
             ", but the store does not list it";
  emit_(f);
  return Status::Ok();
}

Status ClaimMerge::Finish() {
  CSM_RETURN_IF_ERROR(ConsumeBelow(nullptr));
  SettleWaiting(nullptr);
  return Status::Ok();
}

Status ClaimMerge::ConsumeBelow(const std::string* key) {
  for (;;) {
    CSM_ASSIGN_OR_RETURN(const store::ObjectInfo* current, listing_.Current());
    if (current == nullptr) {
      SettleWaiting(nullptr);  // the listing is over: no suffixed name can come any more
      return Status::Ok();
    }
    SettleWaiting(&current->key);
    if (key != nullptr && current->key >= *key) return Status::Ok();
    if (!current_matched_) CSM_RETURN_IF_ERROR(Unclaimed(*current));
    listing_.Advance();
    current_matched_ = false;
  }
}

Status ClaimMerge::Unclaimed(const store::ObjectInfo& object) {
  if (cloudstack::IsAuxiliaryKey(provider_, object.key)) return on_auxiliary_(object);
  bool matched = false;
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    const std::string_view key = object.key;
    const bool suffixed =
        key.size() > it->key.size() && key.substr(0, it->key.size()) == it->key &&
        std::find(cloudstack::kSnapshotFileSuffixes.begin(),
                  cloudstack::kSnapshotFileSuffixes.end(),
                  key.substr(it->key.size())) != cloudstack::kSnapshotFileSuffixes.end();
    if (suffixed) {
      Matched(*it, object);
      it = waiting_.erase(it);
      matched = true;
    } else {
      ++it;
    }
  }
  if (matched) return Status::Ok();
  Finding f;
  f.kind = FindingKind::kOrphan;
  f.store_id = store_id_;
  f.key = object.key;
  f.store_size = object.size;
  f.detail = "the store holds this object but no live row claims it";
  emit_(f);
  return Status::Ok();
}

void ClaimMerge::SettleWaiting(const std::string* next) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (next == nullptr || it->key + std::string(kLastSuffix) < *next) {
      auto f = FindingFor(FindingKind::kMissing, store_id_, *it);
      f.detail =
          "the row says the store holds this snapshot, but the store lists neither its "
          "install_path nor that path with .qcow2, .vhd or .ova";
      emit_(f);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

void ClaimMerge::Matched(const Claim& claim, const store::ObjectInfo& object) {
  if (!claim.impossible_size.empty()) {
    auto f = FindingFor(FindingKind::kSizeMismatch, store_id_, claim);
    f.key = object.key;
    f.store_size = object.size;
    f.detail = "physical_size " + claim.impossible_size +
               " in the row is impossible (a size is never negative, nor above 2^63-1)";
    f.repair = "-- size_mismatch: " + claim.table + " #" + std::to_string(claim.row_id) +
               " says physical_size " + claim.impossible_size + ", which is impossible; the " +
               "store lists " + std::to_string(object.size) + " bytes: check the file.";
    emit_(f);
    return;
  }
  const bool size_known = claim.physical_size && *claim.physical_size > 0;
  const bool differs = size_known && *claim.physical_size != object.size;
  auto f = FindingFor(differs ? FindingKind::kSizeMismatch : FindingKind::kOk, store_id_, claim);
  f.key = object.key;
  f.store_size = object.size;
  if (differs) {
    f.detail = "physical_size in the row differs from the size the store lists";
  }
  emit_(f);
}

}  // namespace csm::reconcile
