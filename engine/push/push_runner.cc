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

#include "catalog/image_stores.h"
#include "common/digest.h"
#include "common/human_bytes.h"
#include "common/progress_line.h"
#include "push/destination.h"
#include "push/settle.h"
#include "push/staging_file.h"
#include "push/verified_upload.h"
#include "store/nfs_store.h"

namespace csm::push {
namespace {

// What a worker hands back for one unit.
struct UnitResult {
  size_t index = 0;
  Status status;
  std::vector<UploadOutcome> uploads;
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

// Uploads every item of `unit` (verified), or the first error.
Result<std::vector<UploadOutcome>> UploadUnit(WorkerStores& stores, const PushUnit& unit) {
  std::vector<UploadOutcome> uploads;
  for (const auto& item : unit.items) {
    if (!item.staging_id) {
      return Status(ErrorCode::kPrecondition,
                    std::string(KindName(item.kind)) + " " + std::to_string(item.object_id) +
                        " has a placeholder (row #" + std::to_string(item.placeholder_id) +
                        ") but no Ready copy on any staging store: nothing to push from");
    }
    CSM_ASSIGN_OR_RETURN(store::ObjectStore * staging, stores.Get(item.staging_store_id));
    auto* nfs = dynamic_cast<store::NfsStore*>(staging);
    if (nfs == nullptr) {
      return Status(ErrorCode::kInvalidArgument,
                    "staging store " + std::to_string(item.staging_store_id) +
                        " is not NFS: csmigrate pushes from NFS staging stores only");
    }
    CSM_ASSIGN_OR_RETURN(StagingFile file, LocateStagingFile(*nfs, item));
    CSM_ASSIGN_OR_RETURN(store::ObjectStore * target, stores.Get(item.object_store_id));
    const std::string key =
        DestinationKey(stores.Row(item.object_store_id).provider, item, file.file_name);
    CSM_ASSIGN_OR_RETURN(UploadOutcome upload, UploadVerified(*target, file.path, file.size, key));
    uploads.push_back(std::move(upload));
  }
  return uploads;
}

}  // namespace

Result<RunnerOutcome> RunUnits(db::Connection& conn, const std::vector<catalog::RefTable>& tables,
                               const std::vector<PushUnit>& units, const RunnerOptions& options) {
  RunnerOutcome outcome;
  outcome.units_total = static_cast<int64_t>(units.size());
  if (units.empty()) return outcome;
  CSM_ASSIGN_OR_RETURN(auto rows, catalog::ReadImageStores(conn, {}, options.encrypt_secret));
  std::map<int64_t, catalog::ImageStoreRow> by_id;
  for (auto& row : rows) by_id.emplace(row.id, std::move(row));

  int64_t bytes_total = 0;
  for (const auto& unit : units) bytes_total += unit.bytes();

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
      auto uploads = UploadUnit(stores, units[index]);
      if (uploads.ok()) {
        result.uploads = std::move(*uploads);
      } else {
        result.status = uploads.status();
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
  const auto started = std::chrono::steady_clock::now();
  auto last_log = started;
  int64_t bytes_done = 0;
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
      auto settled = Settle(conn, tables, unit, result.uploads, UtcNow());
      if (!settled.ok()) {
        join();
        return settled.status().WithContext("recording " + unit.Describe());
      }
      ++outcome.units_done;
      outcome.objects_filled += settled->filled;
      for (const auto& upload : result.uploads) {
        if (upload.adopted) {
          ++outcome.objects_adopted;
        } else {
          outcome.bytes_sent += upload.size;
        }
      }
      spdlog::debug("{}: done", unit.Describe());
    } else {
      spdlog::error("{}: {}", unit.Describe(), result.status.message());
      outcome.failures.push_back({unit.Describe(), result.status});
    }
    bytes_done += unit.bytes();
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - started).count();
    auto line = [&] {
      const double rate = static_cast<double>(bytes_done) / std::max(seconds, 0.001);
      const double left = static_cast<double>(bytes_total - bytes_done);
      return "drain: " + std::to_string(finished + 1) + "/" + std::to_string(units.size()) +
             " objects, " + HumanBytes(static_cast<double>(bytes_done)) + " of " +
             HumanBytes(static_cast<double>(bytes_total)) + ", " + HumanBytes(rate) + "/s, ETA " +
             std::to_string(static_cast<int64_t>(rate > 0 ? left / rate : 0)) + " s";
    };
    if (progress.enabled()) {
      progress.Update(line);
    } else if (now - last_log >= std::chrono::seconds(10)) {
      last_log = now;
      spdlog::info("{}", line());
    }
  }
  progress.Clear();
  join();
  return outcome;
}

}  // namespace csm::push
