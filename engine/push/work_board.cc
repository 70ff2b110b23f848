#include "push/work_board.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <utility>

#include "common/process_name.h"
#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "db/transaction.h"
#include "db/transient_conflict.h"

namespace csm::push {
namespace {

// Keys per statement: bounded IN lists and write sets (a Galera write set, a PostgreSQL
// parameter list), still few round trips for 10^5 units.
constexpr size_t kKeysPerStatement = 200;

std::string Placeholders(size_t n) {
  std::string text;
  for (size_t i = 0; i < n; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

const std::string kClaims(db::kClaimTable);
const std::string kWorkers(db::kWorkerTable);

}  // namespace

std::string UnitKey(const PushUnit& unit) {
  assert(!unit.items.empty());
  const PushItem& first = unit.items.front();
  const int64_t object = first.kind == ObjectKind::kTemplate ? first.object_id : first.volume_id;
  return std::string(KindName(first.kind)) + "/" + std::to_string(first.object_store_id) + "/" +
         std::to_string(object);
}

Result<WorkBoard> WorkBoard::Join(db::Connection& conn, WorkerIdentity me,
                                  std::chrono::seconds lease) {
  CSM_RETURN_IF_ERROR(db::EnsureDrainTables(conn));
  WorkBoard board(&conn, std::move(me), lease);
  const std::string now = conn.dialect().NowMillis();
  CSM_RETURN_IF_ERROR(db::RetryOnConflict([&]() -> Status {
    CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
    // No live process has this host:pid but this one: what an earlier one of that name (killed,
    // its pid since reused) still holds is opened again, never renewed as this worker's own.
    CSM_RETURN_IF_ERROR(conn.Execute("UPDATE " + kClaims + " SET state = 'open', expires_ms = 0 " +
                                         "WHERE holder = ? AND state = 'claimed'",
                                     {board.me_.holder})
                            .status());
    CSM_RETURN_IF_ERROR(
        conn.Execute("DELETE FROM " + kWorkers + " WHERE holder = ?", {board.me_.holder}).status());
    const db::Value bwlimit =
        board.me_.bwlimit ? db::Value(*board.me_.bwlimit) : db::Value(std::monostate{});
    CSM_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO " + kWorkers +
                         " (holder, command, state, jobs, bwlimit, started_ms, heartbeat_ms, "
                         "expires_ms, units_pushed, units_failed, bytes_uploaded) VALUES (?, ?, "
                         "'running', ?, ?, " +
                         now + ", " + now + ", " + now + " + ?, 0, 0, 0)",
                     {board.me_.holder, board.me_.command, int64_t{board.me_.jobs}, bwlimit,
                      board.lease_ms_})
            .status());
    return transaction.Commit();
  }));
  return board;
}

Result<int64_t> BoardClockNow(db::Connection& conn) {
  return db::QueryInt(conn, "SELECT " + conn.dialect().NowMillis(), {});
}

Status WorkBoard::Offer(const std::vector<PushUnit>& units, int64_t found_at_ms) {
  const std::string now = conn_->dialect().NowMillis();
  for (size_t start = 0; start < units.size(); start += kKeysPerStatement) {
    const size_t end = std::min(units.size(), start + kKeysPerStatement);
    std::map<std::string, const PushUnit*> batch;
    for (size_t i = start; i < end; ++i) batch.emplace(UnitKey(units[i]), &units[i]);
    std::vector<db::Value> keys;
    for (const auto& [key, unit] : batch) keys.emplace_back(key);
    CSM_RETURN_IF_ERROR(db::RetryOnConflict([&]() -> Status {
      CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(*conn_));
      CSM_ASSIGN_OR_RETURN(db::QueryResult present,
                           conn_->Query("SELECT unit_key FROM " + kClaims + " WHERE unit_key IN (" +
                                            Placeholders(keys.size()) + ")",
                                        keys));
      std::set<std::string> existing;
      for (const auto& row : present.rows) existing.insert(db::TextOrEmpty(row[0]));
      std::vector<db::Value> rows;
      size_t missing = 0;
      for (const auto& [key, unit] : batch) {
        if (existing.count(key) != 0) continue;
        ++missing;
        rows.insert(rows.end(), {key, unit->Describe(), unit->bytes()});
      }
      // Another worker may insert some of them between that read and this insert: its rows stay.
      if (missing > 0) {
        std::string values;
        for (size_t i = 0; i < missing; ++i) {
          values +=
              std::string(i == 0 ? "" : ", ") + "(?, ?, ?, 'open', NULL, 0, 0, " + now + ", NULL)";
        }
        CSM_RETURN_IF_ERROR(conn_
                                ->Execute("INSERT INTO " + kClaims +
                                              " (unit_key, description, bytes, state, holder, "
                                              "claims, expires_ms, updated_ms, message) VALUES " +
                                              values +
                                              conn_->dialect().OnDuplicateKeyKeep("unit_key"),
                                          rows)
                                .status());
      }
      std::vector<db::Value> reopen = {found_at_ms};
      reopen.insert(reopen.end(), keys.begin(), keys.end());
      CSM_RETURN_IF_ERROR(
          conn_
              ->Execute(
                  "UPDATE " + kClaims +
                      " SET state = 'open', expires_ms = 0, message = NULL, updated_ms = " + now +
                      " WHERE state IN ('done', 'failed') AND updated_ms < ? AND unit_key "
                      "IN (" +
                      Placeholders(keys.size()) + ")",
                  reopen)
              .status());
      return transaction.Commit();
    }));
  }
  return Status::Ok();
}

Result<TakeOutcome> WorkBoard::Take(const std::vector<std::string>& keys, size_t at_most) {
  TakeOutcome outcome;
  if (keys.empty()) return outcome;
  assert(keys.size() <= kKeysPerStatement);
  std::vector<db::Value> key_values(keys.begin(), keys.end());
  const Status taken = db::RetryOnConflict([&]() -> Status {
    outcome = TakeOutcome();
    CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(*conn_));
    CSM_ASSIGN_OR_RETURN(const int64_t now, Now());
    // Rows another worker is taking right now are locked, so skipped: they count as held.
    CSM_ASSIGN_OR_RETURN(
        db::QueryResult rows,
        conn_->Query("SELECT unit_key, state, holder, claims, expires_ms FROM " + kClaims +
                         " WHERE unit_key IN (" + Placeholders(keys.size()) + ")" +
                         conn_->dialect().LockSkippingLocked(),
                     key_values));
    struct Seen {
      std::string state, holder;
      int64_t claims = 0, expires_ms = 0;
    };
    std::map<std::string, Seen> seen;
    for (const auto& row : rows.rows) {
      seen[db::TextOrEmpty(row[0])] = {db::TextOrEmpty(row[1]), db::TextOrEmpty(row[2]),
                                       db::AsInteger(row[3]).value_or(0),
                                       db::AsInteger(row[4]).value_or(0)};
    }
    std::vector<db::Value> take;
    for (const auto& key : keys) {
      if (outcome.taken.size() >= at_most) {
        outcome.passed_over.push_back(key);
        continue;
      }
      const auto it = seen.find(key);
      if (it == seen.end()) {
        outcome.held_elsewhere.push_back(key);
        continue;
      }
      const Seen& s = it->second;
      // A claim runs out at its expiry, or at once when its holder is a process of this host
      // that is gone (killed outright: no need to wait for the lease).
      const bool takeable = s.state == "open" || (s.state == "claimed" &&
                                                  (s.expires_ms < now || ProcessIsGone(s.holder)));
      if (s.state == "done" || s.state == "failed") {
        outcome.finished.push_back(key);
      } else if (!takeable) {
        outcome.held_elsewhere.push_back(key);
      } else {
        outcome.taken.push_back({key, s.claims > 0});
        take.emplace_back(key);
      }
    }
    if (take.empty()) return transaction.Commit();
    std::vector<db::Value> params = {me_.holder, now + lease_ms_, now};
    params.insert(params.end(), take.begin(), take.end());
    CSM_ASSIGN_OR_RETURN(
        const int64_t updated,
        conn_->Execute("UPDATE " + kClaims +
                           " SET state = 'claimed', holder = ?, claims = claims + 1, expires_ms "
                           "= ?, message = NULL, updated_ms = ? WHERE state IN ('open', "
                           "'claimed') AND unit_key IN (" +
                           Placeholders(take.size()) + ")",
                       params));
    // The rows are locked (or the whole database is, on SQLite): what was read still holds.
    assert(updated == static_cast<int64_t>(take.size()));
    (void)updated;
    return transaction.Commit();
  });
  if (!taken.ok()) return taken;
  return outcome;
}

Status WorkBoard::Renew(const WorkerCounts& counts) {
  const std::string now = conn_->dialect().NowMillis();
  return db::RetryOnConflict([&]() -> Status {
    CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(*conn_));
    CSM_RETURN_IF_ERROR(conn_
                            ->Execute("UPDATE " + kClaims + " SET expires_ms = " + now +
                                          " + ? WHERE holder = ? AND state = 'claimed'",
                                      {lease_ms_, me_.holder})
                            .status());
    CSM_RETURN_IF_ERROR(
        conn_
            ->Execute("UPDATE " + kWorkers + " SET heartbeat_ms = " + now +
                          ", expires_ms = " + now +
                          " + ?, units_pushed = ?, units_failed = ?, bytes_uploaded = ? WHERE "
                          "holder = ?",
                      {lease_ms_, counts.units_pushed, counts.units_failed, counts.bytes_uploaded,
                       me_.holder})
            .status());
    return transaction.Commit();
  });
}

Result<int64_t> WorkBoard::EndHeldClaim(const std::string& key, const std::string& assignments,
                                        std::vector<db::Value> values) {
  values.insert(values.end(), {key, me_.holder});
  return conn_->Execute("UPDATE " + kClaims + " SET " + assignments +
                            ", expires_ms = 0, updated_ms = " + conn_->dialect().NowMillis() +
                            " WHERE unit_key = ? AND holder = ? AND state = 'claimed'",
                        values);
}

Status WorkBoard::FinishInTransaction(const std::string& key, int64_t bytes_uploaded) {
  CSM_ASSIGN_OR_RETURN(const int64_t finished,
                       EndHeldClaim(key, "state = 'done', message = NULL", {}));
  if (finished == 0) {
    return Status(ErrorCode::kConflict,
                  "this worker's claim on it ran out and another worker took the unit over");
  }
  return conn_
      ->Execute("UPDATE " + kWorkers +
                    " SET units_pushed = units_pushed + 1, bytes_uploaded = bytes_uploaded + ? "
                    "WHERE holder = ?",
                {bytes_uploaded, me_.holder})
      .status();
}

Status WorkBoard::Fail(const std::string& key, const std::string& message) {
  return db::RetryOnConflict([&]() -> Status {
    return EndHeldClaim(key, "state = 'failed', message = ?", {message.substr(0, 4000)}).status();
  });
}

Status WorkBoard::Release(const std::string& key, bool attempted) {
  return db::RetryOnConflict([&]() -> Status {
    return EndHeldClaim(key, "state = 'open', claims = claims - ?", {int64_t{attempted ? 0 : 1}})
        .status();
  });
}

Status WorkBoard::Leave(const std::string& state, const WorkerCounts& counts) {
  const std::string now = conn_->dialect().NowMillis();
  return db::RetryOnConflict([&]() -> Status {
    CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(*conn_));
    CSM_RETURN_IF_ERROR(conn_
                            ->Execute("UPDATE " + kClaims +
                                          " SET state = 'open', expires_ms = 0, updated_ms = " +
                                          now + " WHERE holder = ? AND state = 'claimed'",
                                      {me_.holder})
                            .status());
    CSM_RETURN_IF_ERROR(
        conn_
            ->Execute("UPDATE " + kWorkers + " SET state = ?, heartbeat_ms = " + now +
                          ", expires_ms = " + now +
                          ", units_pushed = ?, units_failed = ?, bytes_uploaded = ? WHERE "
                          "holder = ?",
                      {state, counts.units_pushed, counts.units_failed, counts.bytes_uploaded,
                       me_.holder})
            .status());
    return transaction.Commit();
  });
}

}  // namespace csm::push
