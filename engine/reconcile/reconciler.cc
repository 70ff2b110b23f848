#include "reconcile/reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "cloudstack/cloudstack_layout.h"
#include "cloudstack/ref_tables.h"
#include "cloudstack/store_factory.h"
#include "cloudstack/template_properties.h"
#include "common/digest.h"
#include "common/progress_line.h"
#include "reconcile/claim.h"
#include "reconcile/claim_merge.h"
#include "reconcile/listing_feed.h"
#include "reconcile/observed_cursor.h"
#include "reconcile/placeholder_check.h"
#include "reconcile/row_checks.h"
#include "reconcile/sync_listing.h"
#include "reconcile/template_sync_check.h"
#include "store/nfs_store.h"

namespace csm::reconcile {

using cloudstack::DescribeRefTables;
using cloudstack::ImageStoreRow;
using cloudstack::OpenStore;
using cloudstack::ReadImageStores;
using cloudstack::RetireVerdicts;
namespace {

// Each --nfs-root must name a live NFS store (selected by --store or not, so that one set of
// mount points serves every invocation); each selected NFS store needs one.
Status CheckNfsRoots(db::Connection& conn, const std::vector<ImageStoreRow>& stores,
                     const ReconcileOptions& options) {
  for (const auto& [id, path] : options.access.nfs_roots) {
    CSM_ASSIGN_OR_RETURN(
        auto provider,
        conn.Query("SELECT image_provider_name FROM image_store WHERE id = ? AND removed IS NULL",
                   {id}));
    const std::string where = "--nfs-root " + std::to_string(id) + "=" + path;
    if (provider.rows.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    where + ": no live image store with id " + std::to_string(id));
    }
    const std::string name = db::ToDisplay(provider.rows[0][0]);
    if (name != "NFS") {
      return Status(ErrorCode::kInvalidArgument, where + ": the provider of image store " +
                                                     std::to_string(id) + " is " + name +
                                                     ", not NFS");
    }
  }
  for (int64_t id : options.stores) {
    for (const auto& s : stores) {
      if (s.id == id && s.provider == "NFS" && options.access.nfs_roots.count(id) == 0) {
        return Status(ErrorCode::kInvalidArgument,
                      "--store " + std::to_string(id) +
                          " is an NFS store: say where its export is mounted with --nfs-root " +
                          std::to_string(id) + "=PATH");
      }
    }
  }
  return Status::Ok();
}

// An incomplete finding when the template.properties at `key` lacks required keys.
Status CheckTemplateProperties(store::NfsStore& nfs, int64_t store_id,
                               const store::ObjectInfo& object, Report& report) {
  constexpr std::string_view kName = "template.properties";
  if (object.key.size() < kName.size() ||
      object.key.compare(object.key.size() - kName.size(), kName.size(), kName) != 0) {
    return Status::Ok();
  }
  CSM_ASSIGN_OR_RETURN(std::string path, nfs.PathOf(object.key));
  auto properties = cloudstack::ReadTemplateProperties(path);
  // A file that cannot be read is an error (the listing is not trustworthy); one that is not
  // valid Java properties is a finding about that template, like one that lacks keys.
  if (!properties.ok() && properties.status().code() != ErrorCode::kInvalidArgument) {
    return properties.status();
  }
  Finding f;
  f.kind = FindingKind::kIncomplete;
  f.store_id = store_id;
  f.key = object.key;
  f.store_size = object.size;
  if (!properties.ok()) {
    f.detail = properties.status().message();
  } else {
    const auto missing = properties->MissingKeys();
    if (missing.empty()) return Status::Ok();
    std::string names;
    for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
    f.detail = "template.properties lacks " + names + ": an incomplete download";
  }
  report.Add(f);
  return Status::Ok();
}

}  // namespace

Result<ReconcileOutcome> Reconcile(db::Connection& conn, const ReconcileOptions& options,
                                   Report& report) {
  report.set_database(conn.Describe());
  CSM_ASSIGN_OR_RETURN(auto stores, ReadImageStores(conn, options.stores, options.encrypt_secret));
  CSM_RETURN_IF_ERROR(CheckNfsRoots(conn, stores, options));
  CSM_ASSIGN_OR_RETURN(auto tables, DescribeRefTables(conn));

  ReconcileOutcome outcome;
  StagingEvidence evidence;
  ProgressLine progress(options.progress);
  for (const auto& row : stores) {
    StoreSummary summary;
    summary.store = row;
    CSM_ASSIGN_OR_RETURN(auto store, OpenStore(row, options.access));
    if (!store) {
      summary.note = "an NFS store: give --nfs-root " + std::to_string(row.id) +
                     "=PATH to list it; its claims were not checked";
      outcome.stores.push_back(std::move(summary));
      continue;
    }
    spdlog::debug("store {}: listing {}", row.id, store->Describe());
    auto* nfs = store->AsNfs();
    const auto started = std::chrono::steady_clock::now();
    auto& missing = evidence.missing_rows;
    const std::string where = "store " + std::to_string(row.id) + " (" + store->Describe() + ")";
    // CloudStack's template sync lists this store too: its view is read from the same listing.
    std::optional<SyncListing> sync;
    if (SyncListing::Applies(row.provider, row.role)) sync.emplace(row.provider);
    std::set<int64_t> missing_templates;  // this store's template rows whose object is missing
    {
      ListingFeed feed(*store, cloudstack::CloudStackPrefixes(row.provider));
      ObservedCursor listing(feed, [&](const store::ObjectInfo& object) {
        if (sync) sync->Observe(object);
      });
      auto emit = [&](const Finding& f) {
        if (f.kind == FindingKind::kMissing && row.is_staging()) {
          missing[f.table].push_back(f.row_id);
        }
        if (sync && f.kind == FindingKind::kMissing && f.table == "template_store_ref") {
          missing_templates.insert(f.row_id);
        }
        report.Add(f);
        progress.Update([&] {
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          const int64_t listed = feed.listed();
          return "store " + std::to_string(row.id) + " (" + row.provider +
                 "): " + std::to_string(listed) + " objects listed, " +
                 std::to_string(static_cast<int64_t>(listed / std::max(seconds, 0.001))) + "/s";
        });
      };
      auto on_auxiliary = [&](const store::ObjectInfo& object) {
        return nfs != nullptr ? CheckTemplateProperties(*nfs, row.id, object, report)
                              : Status::Ok();
      };
      ClaimMerge merge(row.id, row.provider, listing, emit, on_auxiliary);
      CSM_RETURN_IF_ERROR(ForEachClaim(conn, row.id, [&](const Claim& claim) {
                            return merge.Add(claim);
                          }).WithContext(where));
      CSM_RETURN_IF_ERROR(merge.Finish().WithContext(where));
      summary.objects_listed = feed.listed();
    }
    if (sync) {
      CSM_RETURN_IF_ERROR(
          PredictTemplateSync(conn, row, *store, *sync, missing_templates, [&](const Finding& f) {
            report.Add(f);
          }).WithContext(where));
    }
    progress.Clear();
    summary.listed = true;
    evidence.listed_stores.insert(row.id);
    spdlog::debug("store {}: {} objects listed", row.id, summary.objects_listed);
    outcome.stores.push_back(std::move(summary));
  }

  for (auto& [table, ids] : evidence.missing_rows) std::sort(ids.begin(), ids.end());
  auto emit = [&](const Finding& f) { report.Add(f); };
  std::vector<int64_t> region_stores, staging_stores;
  for (const auto& row : stores) {
    if (row.is_region_image_store()) region_stores.push_back(row.id);
    if (row.is_staging()) staging_stores.push_back(row.id);
  }
  if (!region_stores.empty()) {
    CSM_RETURN_IF_ERROR(CheckPlaceholders(conn, tables, region_stores, evidence, emit));
  }
  CSM_RETURN_IF_ERROR(CheckPins(conn, tables, options.stores, UtcNow(), emit));
  CSM_RETURN_IF_ERROR(CheckStatePairs(conn, tables, options.stores, emit));
  CSM_ASSIGN_OR_RETURN(outcome.verdicts, RetireVerdicts(conn, tables, staging_stores));
  return outcome;
}

}  // namespace csm::reconcile
