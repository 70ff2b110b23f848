#include "push/board_status.h"

#include <algorithm>
#include <map>

#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "push/work_board.h"

namespace csm::push {
namespace {

constexpr int64_t kRateWindowMs = 10 * 60 * 1000;
constexpr int64_t kRecentWorkerMs = 60 * 60 * 1000;

int64_t Int(const db::Value& v) {
  return db::AsInteger(v).value_or(0);
}

}  // namespace

Result<BoardStatus> ReadBoardStatus(db::Connection& conn) {
  CSM_ASSIGN_OR_RETURN(const bool exists, db::DrainTablesExist(conn));
  if (!exists) {
    return Status(ErrorCode::kNotFound,
                  "no drain or push has worked on this database yet (it has no csm_claim table)");
  }
  BoardStatus status;
  CSM_ASSIGN_OR_RETURN(status.now_ms, BoardClockNow(conn));
  const std::string claims(db::kClaimTable);
  const std::string workers(db::kWorkerTable);

  CSM_ASSIGN_OR_RETURN(
      const db::QueryResult worker_rows,
      conn.Query("SELECT holder, command, state, jobs, bwlimit, started_ms, heartbeat_ms, "
                 "expires_ms, units_pushed, units_failed, bytes_uploaded FROM " +
                     workers + " WHERE expires_ms > ? OR heartbeat_ms > ? ORDER BY holder",
                 {status.now_ms, status.now_ms - kRecentWorkerMs}));
  std::map<std::string, size_t> index_of;
  for (const auto& row : worker_rows.rows) {
    WorkerStatus w;
    w.holder = db::TextOrEmpty(row[0]);
    w.command = db::TextOrEmpty(row[1]);
    w.state = db::TextOrEmpty(row[2]);
    w.jobs = static_cast<int>(Int(row[3]));
    if (!db::IsNull(row[4])) w.bwlimit = Int(row[4]);
    w.started_ms = Int(row[5]);
    w.heartbeat_ms = Int(row[6]);
    w.expires_ms = Int(row[7]);
    w.units_pushed = Int(row[8]);
    w.units_failed = Int(row[9]);
    w.bytes_uploaded = Int(row[10]);
    w.alive = w.state == "running" && w.expires_ms > status.now_ms;
    status.workers.push_back(std::move(w));
  }
  std::stable_sort(status.workers.begin(), status.workers.end(),
                   [](const WorkerStatus& a, const WorkerStatus& b) { return a.alive > b.alive; });
  for (size_t i = 0; i < status.workers.size(); ++i) index_of[status.workers[i].holder] = i;

  CSM_ASSIGN_OR_RETURN(
      const db::QueryResult held,
      conn.Query("SELECT holder, unit_key, description, bytes, updated_ms, expires_ms FROM " +
                     claims + " WHERE state = 'claimed' ORDER BY holder, updated_ms, unit_key",
                 {}));
  for (const auto& row : held.rows) {
    const auto it = index_of.find(db::TextOrEmpty(row[0]));
    if (it == index_of.end()) continue;  // a worker silent for over an hour: its claims ran out
    status.workers[it->second].claims.push_back(
        {db::TextOrEmpty(row[1]), db::TextOrEmpty(row[2]), Int(row[3]), Int(row[4]), Int(row[5])});
  }

  CSM_ASSIGN_OR_RETURN(const db::QueryResult totals,
                       conn.Query("SELECT state, COUNT(*), COALESCE(SUM(bytes), 0) FROM " + claims +
                                      " GROUP BY state",
                                  {}));
  for (const auto& row : totals.rows) {
    const std::string state = db::TextOrEmpty(row[0]);
    const int64_t units = Int(row[1]), bytes = Int(row[2]);
    if (state == "done") {
      status.units_done += units;
      status.bytes_done += bytes;
    } else if (state == "failed") {
      status.units_failed += units;
      status.bytes_failed += bytes;
    } else {
      status.units_left += units;
      status.bytes_left += bytes;
      if (state == "claimed") {
        status.units_claimed += units;
        status.bytes_claimed += bytes;
      }
    }
  }

  CSM_ASSIGN_OR_RETURN(
      const db::QueryResult failed,
      conn.Query("SELECT description, holder, message FROM " + claims +
                     " WHERE state = 'failed' ORDER BY updated_ms DESC, unit_key LIMIT 20",
                 {}));
  for (const auto& row : failed.rows) {
    status.failed.push_back(
        {db::TextOrEmpty(row[0]), db::TextOrEmpty(row[1]), db::TextOrEmpty(row[2])});
  }

  // The rate: bytes finished in the window, over the window (shortened to the oldest worker
  // started in it, so that a drain started a minute ago is not averaged over ten).
  const int64_t window_start = status.now_ms - kRateWindowMs;
  int64_t since = status.now_ms;
  for (const auto& w : status.workers) {
    // Workers that did or do work: one that failed at its start does not stretch the window.
    if (w.heartbeat_ms >= window_start && (w.alive || w.units_pushed > 0)) {
      since = std::min(since, std::max(w.started_ms, window_start));
    }
  }
  CSM_ASSIGN_OR_RETURN(const int64_t recent,
                       db::QueryInt(conn,
                                    "SELECT COALESCE(SUM(bytes), 0) FROM " + claims +
                                        " WHERE state = 'done' AND updated_ms >= ?",
                                    {since}));
  const double seconds = static_cast<double>(status.now_ms - since) / 1000.0;
  if (recent > 0 && seconds > 0) {
    status.bytes_per_second = static_cast<double>(recent) / seconds;
    status.eta_seconds =
        static_cast<int64_t>(static_cast<double>(status.bytes_left) / status.bytes_per_second);
  }
  return status;
}

}  // namespace csm::push
