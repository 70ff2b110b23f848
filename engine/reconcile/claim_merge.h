// The heart of reconcile for one store: the DB's claims and the store's listing, both in key
// order, merged as two streams. Each claim becomes ok, missing or size_mismatch; each listed
// object nobody claims becomes an orphan. Memory stays bounded: only snapshot claims waiting for
// a suffixed file are held, and only until the listing passes the names they could match.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "reconcile/claim.h"
#include "reconcile/finding.h"
#include "reconcile/listing_cursor.h"

namespace csm::reconcile {

class ClaimMerge {
 public:
  using Emit = std::function<void(const Finding&)>;
  using OnAuxiliary = std::function<Status(const store::ObjectInfo&)>;

  // Merges for store `store_id` of `provider` (NFS, S3, Swift) against `listing`. Findings go to
  // `emit`; metadata files (IsAuxiliaryKey) go to `on_auxiliary` instead of being orphans.
  ClaimMerge(int64_t store_id, std::string provider, ListingCursor& listing, Emit emit,
             OnAuxiliary on_auxiliary);

  // Takes the next claim; claims must come in ascending byte order of the key. An error when the
  // listing failed (no finding is then trustworthy).
  Status Add(const Claim& claim);

  // Consumes the rest of the listing (orphans) and settles the claims still waiting.
  Status Finish();

 private:
  // Consumes listed objects whose key is below `key` (all of them when `key` is nullptr).
  Status ConsumeBelow(const std::string* key);
  // A listed object no claim named exactly: metadata, a snapshot file whose install_path lacks
  // its suffix (XenServer), or an orphan.
  Status Unclaimed(const store::ObjectInfo& object);
  // Reports as missing the waiting snapshot claims that no key from `next` on can match
  // (`next` nullptr: the listing is over).
  void SettleWaiting(const std::string* next);
  void Matched(const Claim& claim, const store::ObjectInfo& object);

  int64_t store_id_;
  std::string provider_;
  ListingCursor& listing_;
  Emit emit_;
  OnAuxiliary on_auxiliary_;
  bool current_matched_ = false;  // the current listed object matched a claim already
  std::vector<Claim> waiting_;    // snapshot claims whose exact key is not listed
  std::string last_key_;          // for the order assertion
};

}  // namespace csm::reconcile
