#include "push/push_runner.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "catalog/cloudstack_layout.h"
#include "catalog/image_stores.h"
#include "common/digest.h"
#include "common/progress_line.h"
#include "push/destination.h"
#include "push/drain_progress.h"
#include "push/preflight.h"
#include "push/settle.h"
#include "push/staging_file.h"
#include "push/swift_template_properties.h"
#include "push/verified_upload.h"
#include "store/nfs_store.h"

namespace csm::push {
namespace {

// What a worker hands back for one unit.
struct UnitResult {
  size_t index = 0;
  Status status;
  std::vector<PushedObject> pushed;
};

// One worker's store clients (not thread-safe, so one set per worker), opened on first use.
class WorkerStores {
 public:
  WorkerStores(const std::map<int64_t, catalog::ImageStoreRow>& rows,
               const store::StoreAccess& access)
      : rows_(rows), access_(access) {}

  Result<store::ObjectStore*> Get(int64_t id) {
    auto& slot = open_[id];
    if (!slot) {
      const auto row = rows_.find(id);
      if (row == rows_.end()) {
        return Status(ErrorCode::kNotFound, "image store " + std::to_string(id) + " is removed");
      }
      CSM_ASSIGN_OR_RETURN(slot, store::OpenStore(row->second, access_));
      if (!slot) {
        return Status(ErrorCode::kInvalidArgument,
                      "image store " + std::to_string(id) +
                          " is an NFS staging store: say where its export is mounted with "
                          "--nfs-root " +
                          std::to_string(id) + "=PATH");
      }
    }
    return slot.get();
  }

  const catalog::ImageStoreRow& Row(int64_t id) const { return rows_.at(id); }

 private:
  const std::map<int64_t, catalog::ImageStoreRow>& rows_;
  const store::StoreAccess& access_;
  std::map<int64_t, std::unique_ptr<store::ObjectStore>> open_;
};

// The staging file of `copy`, or why it cannot be read (the status to report when no copy can).
Result<StagingFile> ReadableCopy(WorkerStores& stores, const PushItem& item,
                                 const StagingCopy& copy, store::NfsStore** nfs_out) {
  CSM_ASSIGN_OR_RETURN(store::ObjectStore * staging, stores.Get(copy.store_id));
  auto* nfs = dynamic_cast<store::NfsStore*>(staging);
  if (nfs == nullptr) {
    return Status(ErrorCode::kInvalidArgument,
                  "staging store " + std::to_string(copy.store_id) +
                      " is not NFS: csmigrate pushes from NFS staging stores only");
  }
  *nfs_out = nfs;
  return LocateStagingFile(*nfs, item.kind, copy);
}

// Uploads `item` (verified) from the first of its Ready staging copies whose file can be read,
// and on Swift writes a template's template.properties; or why it cannot.
Result<PushedObject> PushItemBytes(WorkerStores& stores, const PushItem& item) {
  // The unit names the object, except which snapshot of a chain it is.
  const std::string what =
      item.kind == ObjectKind::kSnapshot ? "snapshot " + std::to_string(item.object_id) + ": " : "";
  if (item.copies.empty()) {
    return Status(ErrorCode::kPrecondition,
                  what + "no Ready copy on any live staging store: nothing to push from" +
                      (item.placeholder_id
                           ? " (placeholder row #" + std::to_string(*item.placeholder_id) + ")"
                           : std::string()));
  }
  std::string reasons;
  for (const auto& copy : item.copies) {
    store::NfsStore* nfs = nullptr;
    auto file = ReadableCopy(stores, item, copy, &nfs);
    if (!file.ok()) {
      const ErrorCode code = file.status().code();
      if (code != ErrorCode::kNotFound && code != ErrorCode::kInvalidArgument) {
        return file.status();
      }
      reasons += (reasons.empty() ? "" : "; ") + file.status().message();
      continue;
    }
    CSM_ASSIGN_OR_RETURN(store::ObjectStore * target, stores.Get(item.object_store_id));
    const std::string& provider = stores.Row(item.object_store_id).provider;
    const std::string key = DestinationKey(provider, item, file->file_name);
    PushedObject pushed;
    CSM_ASSIGN_OR_RETURN(pushed.upload, UploadVerified(*target, file->path, file->size, key));
    pushed.source_id = copy.id;
    if (item.kind != ObjectKind::kTemplate) return pushed;
    // The virtual size CloudStack's copy answer records: the staging template.properties' (what
    // qemu-img reported when the template was installed), else the staging row's size.
    const auto staged = StagedVirtualSize(*nfs, copy.install_path);
    pushed.virtual_size =
        staged ? *staged : (copy.size && *copy.size > 0 ? *copy.size : pushed.upload.size);
    pushed.format = catalog::ImageFormatOf(file->file_name);
    if (provider == "Swift") {
      CSM_RETURN_IF_ERROR(
          EnsureSwiftTemplateProperties(*target, {item.object_id, item.unique_name, file->file_name,
                                                  pushed.upload.size, pushed.virtual_size})
              .status());
    }
    return pushed;
  }
  return Status(ErrorCode::kNotFound, what + "no Ready staging copy can be read: " + reasons);
}

// Pushes every item of `unit`, or the first error.
Result<std::vector<PushedObject>> PushUnitBytes(WorkerStores& stores, const PushUnit& unit) {
  std::vector<PushedObject> pushed;
  for (const auto& item : unit.items) {
    CSM_ASSIGN_OR_RETURN(PushedObject one, PushItemBytes(stores, item));
    pushed.push_back(std::move(one));
  }
  return pushed;
}

}  // namespace

RunnerOutcome NothingDoneYet(const std::vector<PushUnit>& units) {
  RunnerOutcome outcome;
  outcome.units_total = static_cast<int64_t>(units.size());
  for (const auto& unit : units) outcome.bytes_total += unit.bytes();
  return outcome;
}

Result<RunnerOutcome> RunUnits(db::Connection& conn, const std::vector<catalog::RefTable>& tables,
                               const std::vector<PushUnit>& units, const RunnerOptions& options) {
  RunnerOutcome outcome = NothingDoneYet(units);
  if (units.empty()) return outcome;
  CSM_RETURN_IF_ERROR(Preflight(conn, units, options.access, options.encrypt_secret));
  CSM_ASSIGN_OR_RETURN(auto rows, catalog::ReadImageStores(conn, {}, options.encrypt_secret));
  std::map<int64_t, catalog::ImageStoreRow> by_id;
  for (auto& row : rows) by_id.emplace(row.id, std::move(row));

  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<UnitResult> results;
  auto work = [&] {
    WorkerStores stores(by_id, options.access);
    for (;;) {
      const size_t index = next.fetch_add(1);
      if (index >= units.size() || stop) return;
      UnitResult result;
      result.index = index;
      auto pushed = PushUnitBytes(stores, units[index]);
      if (pushed.ok()) {
        result.pushed = std::move(*pushed);
      } else {
        result.status = pushed.status();
      }
      {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
      }
      ready.notify_one();
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(units.size())));
  std::vector<std::thread> workers;
  for (int i = 0; i < jobs; ++i) workers.emplace_back(work);
  auto join = [&] {
    stop = true;
    for (auto& w : workers) w.join();
  };

  ProgressLine progress(options.progress);
  DrainProgress counts(outcome.units_total, outcome.bytes_total);
  const auto started = std::chrono::steady_clock::now();
  auto last_log = started;
  for (size_t finished = 0; finished < units.size(); ++finished) {
    UnitResult result;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return !results.empty(); });
      result = std::move(results.front());
      results.pop_front();
    }
    const PushUnit& unit = units[result.index];
    if (static_cast<int64_t>(finished) == options.pause_after_units) {
      spdlog::warn("test pause: {} uploaded, not yet recorded", unit.Describe());
      std::this_thread::sleep_for(std::chrono::seconds(options.pause_seconds));
    }
    if (result.status.ok()) {
      auto settled = Settle(conn, tables, unit, result.pushed, UtcNow());
      if (!settled.ok()) {
        join();
        // The settle is one transaction: the unit is recorded whole or not at all, and its
        // verified upload stays on the store for the next run to adopt.
        return settled.status().WithContext(
            "recording " + unit.Describe() + " failed (" + std::to_string(outcome.units_pushed) +
            " of " + std::to_string(units.size()) +
            " units were recorded before it; this one is recorded whole or not at all, and its "
            "verified upload stays on the store: run the command again once the database "
            "answers, and it resumes there)");
      }
      ++outcome.units_pushed;
      outcome.objects_filled += settled->filled;
      for (const auto& pushed : result.pushed) {
        if (pushed.upload.adopted) {
          ++outcome.objects_adopted;
        } else {
          outcome.bytes_uploaded += pushed.upload.size;
        }
      }
      counts.Done(unit.bytes());
      spdlog::debug("{}: done", unit.Describe());
    } else {
      progress.Clear();  // the message starts on a clean line
      spdlog::error("{}: {}", unit.Describe(), result.status.message());
      outcome.failures.push_back({unit.Describe(), result.status});
      counts.Failed(unit.bytes());
    }
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - started).count();
    if (progress.enabled()) {
      progress.Update([&] { return counts.Line(seconds); });
    } else if (now - last_log >= std::chrono::seconds(10)) {
      last_log = now;
      spdlog::info("{}", counts.Line(seconds));
    }
  }
  progress.Clear();
  join();
  return outcome;
}

}  // namespace csm::push
