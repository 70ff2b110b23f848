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

#include "cloudstack/cloudstack_layout.h"
#include "cloudstack/image_stores.h"
#include "common/digest.h"
#include "common/process_name.h"
#include "common/progress_line.h"
#include "common/test_seam.h"
#include "db/transient_conflict.h"
#include "push/destination.h"
#include "push/drain_progress.h"
#include "push/preflight.h"
#include "push/settle.h"
#include "push/staging_file.h"
#include "push/swift_template_properties.h"
#include "push/verified_upload.h"
#include "store/http_client.h"
#include "store/nfs_store.h"
#include "store/transfer_abort.h"

namespace csm::push {
namespace {

// A unit handed to the transfer threads.
struct Job {
  size_t index = 0;
  bool earlier_attempt = true;  // see Claim::earlier_attempt
};

// What a transfer thread hands back for one unit.
struct UnitResult {
  size_t index = 0;
  Status status;
  std::vector<PushedObject> pushed;
};

// One worker's store clients (not thread-safe, so one set per worker), opened on first use.
class WorkerStores {
 public:
  WorkerStores(const std::map<int64_t, cloudstack::ImageStoreRow>& rows,
               const store::StoreAccess& access)
      : rows_(rows), access_(access) {}

  Result<store::ObjectStore*> Get(int64_t id) {
    auto& slot = open_[id];
    if (!slot) {
      const auto row = rows_.find(id);
      if (row == rows_.end()) {
        return Status(ErrorCode::kNotFound, "image store " + std::to_string(id) + " is removed");
      }
      CSM_ASSIGN_OR_RETURN(slot, cloudstack::OpenStore(row->second, access_));
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

  const cloudstack::ImageStoreRow& Row(int64_t id) const { return rows_.at(id); }

 private:
  const std::map<int64_t, cloudstack::ImageStoreRow>& rows_;
  const store::StoreAccess& access_;
  std::map<int64_t, std::unique_ptr<store::ObjectStore>> open_;
};

// The staging file of `copy`, or why it cannot be read (the status to report when no copy can).
Result<StagingFile> ReadableCopy(WorkerStores& stores, const PushItem& item,
                                 const StagingCopy& copy, store::NfsStore** nfs_out) {
  CSM_ASSIGN_OR_RETURN(store::ObjectStore * staging, stores.Get(copy.store_id));
  auto* nfs = staging->AsNfs();
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
Result<PushedObject> PushItemBytes(WorkerStores& stores, const PushItem& item,
                                   UploadHistory history) {
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
  CSM_RETURN_IF_ERROR(CheckDestinationKeyParts(stores.Row(item.object_store_id).provider, item));
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
    CSM_ASSIGN_OR_RETURN(pushed.upload,
                         UploadVerified(*target, file->path, file->size, key, history));
    pushed.source_id = copy.id;
    if (item.kind != ObjectKind::kTemplate) return pushed;
    // The virtual size CloudStack's copy answer records: the staging template.properties' (what
    // qemu-img reported when the template was installed), else the staging row's size.
    const auto staged = StagedVirtualSize(*nfs, copy.install_path);
    pushed.virtual_size =
        staged ? *staged : (copy.size && *copy.size > 0 ? *copy.size : pushed.upload.size);
    pushed.format = cloudstack::ImageFormatOf(file->file_name);
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

// The bytes `pushed` sent (adopted objects sent none).
int64_t BytesSent(const std::vector<PushedObject>& pushed) {
  int64_t bytes = 0;
  for (const auto& one : pushed) bytes += one.upload.adopted ? 0 : one.upload.size;
  return bytes;
}

// True when `status` is a transfer this worker's abort ended (its message says so wherever the
// error was passed up with context), not a failure of the store or the file.
bool StoppedByAbort(const Status& status) {
  return status.code() == ErrorCode::kIo &&
         status.message().find(store::kTransferStopped) != std::string::npos;
}

// Pushes every item of `unit`, or the first error.
Result<std::vector<PushedObject>> PushUnitBytes(WorkerStores& stores, const PushUnit& unit,
                                                UploadHistory history) {
  std::vector<PushedObject> pushed;
  for (const auto& item : unit.items) {
    CSM_ASSIGN_OR_RETURN(PushedObject one, PushItemBytes(stores, item, history));
    pushed.push_back(std::move(one));
  }
  return pushed;
}

}  // namespace

Result<WorkBoard> JoinBoard(db::Connection& conn, const std::string& command,
                            const RunnerOptions& options) {
  WorkerIdentity me;
  me.holder = ProcessName();
  me.command = command;
  me.jobs = options.jobs;
  if (options.access.rate_limiter) me.bwlimit = options.access.rate_limiter->bytes_per_second();
  return WorkBoard::Join(conn, std::move(me), options.lease);
}

RunnerOutcome NothingDoneYet(const std::vector<PushUnit>& units) {
  RunnerOutcome outcome;
  outcome.units_total = static_cast<int64_t>(units.size());
  for (const auto& unit : units) outcome.bytes_total += unit.bytes();
  return outcome;
}

Result<RunnerOutcome> RunUnits(db::Connection& conn,
                               const std::vector<cloudstack::RefTable>& tables,
                               const std::vector<PushUnit>& units, WorkBoard& board,
                               const RunnerOptions& options) {
  RunnerOutcome outcome = NothingDoneYet(units);
  WorkerCounts counts;
  // Leaving the board is said once, on every way out; a failure to say it is only logged (the
  // worker's lease then runs out by itself).
  auto leave = [&](const std::string& state) {
    if (Status left = board.Leave(state, counts); !left.ok()) {
      spdlog::warn("could not leave the work board: {}", left.message());
    }
  };
  if (units.empty()) {
    leave("finished");
    return outcome;
  }
  if (Status checked = Preflight(conn, units, options.access, options.encrypt_secret);
      !checked.ok()) {
    leave("failed");
    return checked;
  }
  auto rows = cloudstack::ReadImageStores(conn, {}, options.encrypt_secret);
  if (!rows.ok()) {
    leave("failed");
    return rows.status();
  }
  std::map<int64_t, cloudstack::ImageStoreRow> by_id;
  for (auto& row : *rows) by_id.emplace(row.id, std::move(row));
  std::vector<std::string> keys;
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < units.size(); ++i) {
    keys.push_back(UnitKey(units[i]));
    index_of.emplace(keys.back(), i);
  }

  // Every transfer of this worker watches `abort`: a second signal, or claims that could not be
  // renewed in time (another worker may take the units over: this one must not go on uploading).
  auto abort = std::make_shared<store::TransferAbort>(options.access.abort);
  store::StoreAccess access = options.access;
  access.abort = abort;
  const auto lease = std::chrono::duration_cast<std::chrono::milliseconds>(options.lease);
  const auto heartbeat_every = lease / 4;
  const std::string lease_lost = "this worker could not renew its claims for " +
                                 std::to_string(options.lease.count()) +
                                 " s, so other workers may take its units over";
  abort->SetDeadline(std::chrono::steady_clock::now() + lease * 9 / 10, lease_lost);

  std::mutex mutex;
  std::condition_variable work_ready, result_ready;
  std::deque<Job> queue;
  std::deque<UnitResult> results;
  bool closing = false;
  auto work = [&] {
    WorkerStores stores(by_id, access);
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return closing || !queue.empty(); });
        if (queue.empty()) return;
        job = queue.front();
        queue.pop_front();
      }
      UnitResult result;
      result.index = job.index;
      auto pushed = PushUnitBytes(stores, units[job.index], {job.earlier_attempt});
      if (pushed.ok()) {
        result.pushed = std::move(*pushed);
      } else {
        result.status = pushed.status();
      }
      {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
      }
      result_ready.notify_one();
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(units.size())));
  std::vector<std::thread> threads;
  for (int i = 0; i < jobs; ++i) threads.emplace_back(work);
  auto join = [&] {
    {
      std::lock_guard lock(mutex);
      closing = true;
    }
    work_ready.notify_all();
    for (auto& t : threads) t.join();
  };
  // A database error ends the run: the transfers stop, the worker leaves the board (its claims
  // open again, counted as attempted), and the error is returned.
  auto stop_for = [&](const Status& error) {
    abort->Abort("the database failed");
    join();
    leave("failed");
    return error;
  };

  ProgressLine progress(options.progress);
  DrainProgress shown(outcome.units_total, outcome.bytes_total);
  const auto started = std::chrono::steady_clock::now();
  auto last_log = started;
  auto next_heartbeat = started + heartbeat_every;
  auto next_wait_check = started;
  size_t cursor = 0;              // keys[cursor..] have not been looked at on the board yet
  std::vector<std::string> held;  // keys other live workers held when looked at
  size_t busy = 0;                // units handed to the threads and not handed back
  int64_t handled = 0;            // units handed back by the threads so far (for the test seam)
  bool stopping = false, aborting = false, told_waiting = false;

  auto dispatch = [&](const std::vector<Claim>& taken) {
    {
      std::lock_guard lock(mutex);
      for (const auto& claim : taken)
        queue.push_back({index_of.at(claim.key), claim.earlier_attempt});
    }
    busy += taken.size();
    work_ready.notify_all();
  };
  auto finished_elsewhere = [&](const std::vector<std::string>& finished) {
    for (const auto& key : finished) {
      ++outcome.units_done_elsewhere;
      shown.Elsewhere(units[index_of.at(key)].bytes());
    }
  };

  for (;;) {
    const StopRequest::Level level =
        options.stop ? options.stop->level() : StopRequest::Level::kNone;
    if (level != StopRequest::Level::kNone && !stopping) {
      stopping = true;
      progress.Clear();
      std::deque<Job> unstarted;
      {
        std::lock_guard lock(mutex);
        unstarted.swap(queue);
      }
      busy -= unstarted.size();
      for (const Job& job : unstarted) {
        if (Status s = board.Release(keys[job.index], false); !s.ok()) return stop_for(s);
      }
      spdlog::warn(
          "stopping (signal {}): finishing the {} transfer(s) in flight, starting no "
          "other; a second signal ends them at once",
          options.stop->signal_number(), busy);
    }
    if (level == StopRequest::Level::kAbort && !aborting) {
      aborting = true;
      abort->Abort("a second signal");
      spdlog::warn("aborting the {} transfer(s) in flight; their units are given back", busy);
    }
    // Take units while there are idle threads: first down this worker's own list, in its order;
    // once it is through, the units other workers held, as their claims finish or run out.
    const auto now = std::chrono::steady_clock::now();
    while (!stopping && busy < static_cast<size_t>(jobs) && cursor < keys.size()) {
      const size_t need = static_cast<size_t>(jobs) - busy;
      const size_t look = std::min({keys.size() - cursor, std::max<size_t>(need, 16), size_t{200}});
      const std::vector<std::string> batch(keys.begin() + cursor, keys.begin() + cursor + look);
      auto took = board.Take(batch, need);
      if (!took.ok()) return stop_for(took.status());
      cursor += look - took->passed_over.size();
      held.insert(held.end(), took->held_elsewhere.begin(), took->held_elsewhere.end());
      finished_elsewhere(took->finished);
      dispatch(took->taken);
    }
    if (!stopping && cursor == keys.size() && busy < static_cast<size_t>(jobs) && !held.empty() &&
        now >= next_wait_check) {
      next_wait_check = now + std::chrono::milliseconds(250);
      const std::vector<std::string> batch(held.begin(),
                                           held.begin() + std::min<size_t>(held.size(), 200));
      auto took = board.Take(batch, static_cast<size_t>(jobs) - busy);
      if (!took.ok()) return stop_for(took.status());
      held.erase(held.begin(), held.begin() + batch.size());
      held.insert(held.end(), took->held_elsewhere.begin(), took->held_elsewhere.end());
      held.insert(held.end(), took->passed_over.begin(), took->passed_over.end());
      finished_elsewhere(took->finished);
      for (const auto& claim : took->taken) {
        spdlog::info("{}: taking it over (its holder's claim ran out)",
                     units[index_of.at(claim.key)].Describe());
      }
      dispatch(took->taken);
      if (busy == 0 && !held.empty() && !told_waiting) {
        told_waiting = true;
        progress.Clear();
        spdlog::info(
            "waiting for {} unit(s) other workers hold: each is taken over if its "
            "holder stops renewing its claim",
            held.size());
      }
    }
    if (busy == 0 && (stopping || (cursor == keys.size() && held.empty()))) break;

    std::deque<UnitResult> finished;
    {
      std::unique_lock lock(mutex);
      result_ready.wait_for(lock, std::chrono::milliseconds(200), [&] { return !results.empty(); });
      finished.swap(results);
    }
    for (UnitResult& result : finished) {
      --busy;
      const int64_t handled_before = handled++;
      const PushUnit& unit = units[result.index];
      const std::string& key = keys[result.index];
      if (!result.status.ok() && (abort->aborted() || StoppedByAbort(result.status))) {
        // Ended by the abort (a second signal, claims not renewed in time), not by the store:
        // given back for a later run or another worker.
        if (Status s = board.Release(key, true); !s.ok()) return stop_for(s);
        continue;
      }
      if (!result.status.ok()) {
        progress.Clear();  // the message starts on a clean line
        spdlog::error("{}: {}", unit.Describe(), result.status.message());
        if (Status s = board.Fail(key, result.status.message()); !s.ok()) return stop_for(s);
        outcome.failures.push_back({unit.Describe(), result.status});
        ++counts.units_failed;
        shown.Failed(unit.bytes());
        continue;
      }
      TestSeam("push.before_settle", handled_before);
      SettleOutcome settled;
      const Status recorded_status = db::RetryOnConflict([&]() -> Status {
        auto s = Settle(conn, tables, unit, result.pushed, UtcNow(),
                        [&] { return board.FinishInTransaction(key, BytesSent(result.pushed)); });
        if (s.ok()) settled = *s;
        return s.status();
      });
      if (recorded_status.code() == ErrorCode::kConflict) {
        progress.Clear();
        spdlog::warn("{}: not recorded here: {}; that worker adopts the verified upload",
                     unit.Describe(), recorded_status.message());
        ++outcome.units_taken_over;
        continue;
      }
      if (!recorded_status.ok()) {
        // The settle is one transaction: the unit is recorded whole or not at all, and its
        // verified upload stays on the store for the next run to adopt.
        return stop_for(recorded_status.WithContext(
            "recording " + unit.Describe() + " failed (" + std::to_string(outcome.units_pushed) +
            " of " + std::to_string(units.size()) +
            " units were recorded before it; this one is recorded whole or not at all, and its "
            "verified upload stays on the store: run the command again once the database "
            "answers, and it resumes there)"));
      }
      ++outcome.units_pushed;
      ++counts.units_pushed;
      outcome.objects_filled += settled.filled;
      for (const auto& pushed : result.pushed) outcome.objects_adopted += pushed.upload.adopted;
      outcome.bytes_uploaded += BytesSent(result.pushed);
      counts.bytes_uploaded += BytesSent(result.pushed);
      shown.Done(unit.bytes());
      spdlog::debug("{}: done", unit.Describe());
    }

    const auto after = std::chrono::steady_clock::now();
    if (after >= next_heartbeat) {
      // A database that does not answer ends the run (as a failed record would): the claims run
      // out and other workers, or the next run, take the units over.
      if (Status renewed = board.Renew(counts); !renewed.ok()) return stop_for(renewed);
      abort->SetDeadline(after + lease * 9 / 10, lease_lost);
      next_heartbeat = after + heartbeat_every;
    }
    const double seconds = std::chrono::duration<double>(after - started).count();
    if (progress.enabled()) {
      progress.Update([&] { return shown.Line(seconds); });
    } else if (after - last_log >= std::chrono::seconds(10)) {
      last_log = after;
      spdlog::info("{}", shown.Line(seconds));
    }
  }
  progress.Clear();
  join();
  outcome.units_left = static_cast<int64_t>(units.size()) - outcome.units_pushed -
                       static_cast<int64_t>(outcome.failures.size()) -
                       outcome.units_done_elsewhere - outcome.units_taken_over;
  if (stopping) outcome.stopped_by_signal = options.stop->signal_number();
  leave(stopping ? "stopped" : "finished");
  return outcome;
}

}  // namespace csm::push
