#include "push/preflight.h"

#include <map>
#include <set>

#include "cloudstack/image_stores.h"
#include "push/destination.h"
#include "store/nfs_store.h"

namespace csm::push {
namespace {

using StoreRows = std::map<int64_t, cloudstack::ImageStoreRow>;

// "image store 2 (objects, S3)".
std::string Named(const StoreRows& rows, int64_t id) {
  const auto row = rows.find(id);
  if (row == rows.end()) return "image store " + std::to_string(id);
  return "image store " + std::to_string(id) + " (" + row->second.name + ", " +
         row->second.provider + ")";
}

bool IsNfs(const StoreRows& rows, int64_t id) {
  const auto row = rows.find(id);
  return row != rows.end() && row->second.provider == "NFS";
}

// A preflight request gives up quickly: the transfers keep the stores' own timeouts and retries.
store::HttpClientOptions QuickHttp() {
  store::HttpClientOptions http;
  http.connect_timeout = std::chrono::milliseconds(5000);
  http.stall_timeout = std::chrono::seconds(10);
  http.max_attempts = 2;
  return http;
}

// The staging side: each --nfs-root the units read through is a directory, and every item with a
// copy on an NFS staging store can be read through one.
void CheckStaging(const std::vector<PushUnit>& units, const StoreRows& rows,
                  const store::StoreAccess& access, std::vector<std::string>& problems) {
  std::set<int64_t> rooted;             // NFS staging stores holding copies, with an --nfs-root
  std::map<int64_t, int64_t> unrooted;  // store -> items that can only be read from stores
                                        // without one (counted on the preferred such store)
  for (const auto& unit : units) {
    for (const auto& item : unit.items) {
      std::optional<int64_t> first_nfs;
      bool readable = false;
      for (const auto& copy : item.copies) {
        if (!IsNfs(rows, copy.store_id)) continue;
        if (!first_nfs) first_nfs = copy.store_id;
        if (access.nfs_roots.count(copy.store_id) > 0) {
          rooted.insert(copy.store_id);
          readable = true;
        }
      }
      if (first_nfs && !readable) ++unrooted[*first_nfs];
    }
  }
  for (const int64_t id : rooted) {
    const std::string& root = access.nfs_roots.at(id);
    const auto nfs = store::NfsStore::Create(root);
    if (!nfs.ok()) {
      problems.push_back("staging " + Named(rows, id) + ": --nfs-root " + std::to_string(id) + "=" +
                         root + " cannot be read (" + nfs.status().message() +
                         "): give the directory where its NFS export is mounted here");
    }
  }
  for (const auto& [id, items] : unrooted) {
    problems.push_back("staging " + Named(rows, id) + " has no --nfs-root, and " +
                       std::to_string(items) +
                       " object(s) to push have no Ready copy on a staging store that has one: "
                       "say where its NFS export is mounted here with --nfs-root " +
                       std::to_string(id) + "=PATH");
  }
}

// What to do about an object store that failed its check with `status`.
std::string Fix(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kIo:
      return "check that the store its details name is running and reachable from this host";
    case ErrorCode::kNotFound:
      return "check the bucket (S3) or the account (Swift) its details name";
    default:
      return "correct its details in image_store_details (or its url)";
  }
}

// The object store side: each store the units go to answers one authenticated listing.
void CheckObjectStores(const std::vector<PushUnit>& units, const StoreRows& rows,
                       const store::StoreAccess& access, std::vector<std::string>& problems) {
  std::map<int64_t, const PushItem*> first_item;  // object store -> the first item going there
  for (const auto& unit : units) {
    for (const auto& item : unit.items) first_item.emplace(item.object_store_id, &item);
  }
  store::StoreAccess quick = access;
  quick.http = QuickHttp();
  for (const auto& [id, item] : first_item) {
    const auto row = rows.find(id);
    if (row == rows.end()) {
      problems.push_back(Named(rows, id) + " is removed: its placeholders cannot be filled");
      continue;
    }
    auto opened = cloudstack::OpenStore(row->second, quick);
    Status status = opened.ok() ? Status::Ok() : opened.status();
    if (status.ok() && !*opened) {
      status = Status(ErrorCode::kInvalidArgument, "an NFS store is not an object store");
    }
    if (status.ok()) {
      const std::string directory = DestinationKey(row->second.provider, *item, "");
      status = (*opened)->List(directory, [](const store::ObjectInfo&) { return false; });
    }
    if (!status.ok()) {
      problems.push_back("object " + Named(rows, id) + " cannot be used: " + status.message() +
                         ": " + Fix(status));
    }
  }
}

}  // namespace

Status Preflight(db::Connection& conn, const std::vector<PushUnit>& units,
                 const store::StoreAccess& access,
                 const std::optional<std::string>& encrypt_secret) {
  if (units.empty()) return Status::Ok();
  CSM_ASSIGN_OR_RETURN(auto listed, cloudstack::ReadImageStores(conn, {}, encrypt_secret));
  StoreRows rows;
  for (auto& row : listed) rows.emplace(row.id, std::move(row));
  std::vector<std::string> problems;
  CheckStaging(units, rows, access, problems);
  CheckObjectStores(units, rows, access, problems);
  if (problems.empty()) return Status::Ok();
  std::string message = "nothing was pushed: ";
  for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
  return Status(ErrorCode::kInvalidArgument, message);
}

}  // namespace csm::push
