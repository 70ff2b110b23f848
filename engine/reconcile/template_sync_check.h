// CloudStack's template sync predicted on one object store (template_sync.h) from the live
// database and store: the Swift template.properties reads, the one streamed query over the
// templates, and the replay.
#pragma once

#include <cstdint>
#include <functional>
#include <set>

#include "cloudstack/image_stores.h"
#include "common/result.h"
#include "db/connection.h"
#include "reconcile/finding.h"
#include "reconcile/sync_listing.h"
#include "store/object_store.h"

namespace csm::reconcile {

// Predicts the next template sync of `store` (SyncListing::Applies), whose whole listing
// `listing` has observed: reads "<container>/template.properties" of each T- container that
// holds exactly one (Swift; one GET each, through `objects`), then streams every vm_template row
// (children first, then by id) with its live row on the store and its live staging rows, in one
// query whose optional columns (state, parent_template_id, direct_download, ...) follow the
// introspected schema, and replays the sync. `missing_rows`: the store's template_store_ref rows
// whose object the claims merge found missing. Findings go to `emit`. Errors: the store
// (kIo/kInvalidArgument, a template.properties over 1 MiB) or the database.
Status PredictTemplateSync(db::Connection& conn, const cloudstack::ImageStoreRow& store,
                           store::ObjectStore& objects, SyncListing& listing,
                           const std::set<int64_t>& missing_rows,
                           const std::function<void(const Finding&)>& emit);

}  // namespace csm::reconcile
