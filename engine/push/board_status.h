// What `drain --status` shows: every live worker on the work board with its claims, and the
// progress of all of them together (units and bytes done and left, the rate, an ETA). Read-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"

namespace csm::push {

struct HeldUnit {
  std::string key;          // WorkBoard's unit key
  std::string description;  // "template 201"
  int64_t bytes = 0;
  int64_t claimed_ms = 0;  // when the worker took it
  int64_t expires_ms = 0;  // when the claim runs out unless the worker's heartbeat renews it
};

struct WorkerStatus {
  std::string holder;  // host:pid
  std::string command;
  std::string state;   // running, stopped, finished, failed
  bool alive = false;  // running (or stopping) with a lease ahead of the clock
  int jobs = 0;
  std::optional<int64_t> bwlimit;
  int64_t started_ms = 0;
  int64_t heartbeat_ms = 0;
  int64_t expires_ms = 0;
  int64_t units_pushed = 0;
  int64_t units_failed = 0;
  int64_t bytes_uploaded = 0;
  std::vector<HeldUnit> claims;
};

struct FailedUnit {
  std::string description;
  std::string holder;
  std::string message;
};

struct BoardStatus {
  int64_t now_ms = 0;  // the database server's clock
  // Live workers first (by holder), then the ones that finished or went silent in the last hour.
  std::vector<WorkerStatus> workers;
  int64_t units_done = 0, bytes_done = 0;
  int64_t units_left = 0, bytes_left = 0;  // open or claimed
  int64_t units_claimed = 0, bytes_claimed = 0;
  int64_t units_failed = 0, bytes_failed = 0;
  std::vector<FailedUnit> failed;  // at most 20, most recent first
  // Bytes done per second over the last ten minutes (or since the oldest worker of that window
  // started, when later); 0 while nothing was done in that time.
  double bytes_per_second = 0;
  std::optional<int64_t> eta_seconds;  // bytes left at that rate; nullopt while the rate is 0
};

// Reads the work board of `conn`. kNotFound, saying so, when no drain or push has ever worked on
// this database (the board's tables do not exist; nothing is created).
Result<BoardStatus> ReadBoardStatus(db::Connection& conn);

}  // namespace csm::push
