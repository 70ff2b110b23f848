#include "db/transient_conflict.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string_view>
#include <thread>

namespace csm::db {

bool IsTransientConflict(const Status& status) {
  if (status.ok() || status.code() != ErrorCode::kDatabase) return false;
  const std::string& m = status.message();
  for (std::string_view sign : {
           "database is locked",          // SQLite: SQLITE_BUSY
           "database table is locked",    // SQLite: SQLITE_LOCKED
           "Deadlock found",              // MySQL/MariaDB 1213, Galera certification
           "Lock wait timeout exceeded",  // MySQL/MariaDB 1205
           "deadlock detected",           // PostgreSQL 40P01
           "could not serialize access",  // PostgreSQL 40001
       }) {
    if (m.find(sign) != std::string::npos) return true;
  }
  return false;
}

Status RetryOnConflict(const std::function<Status()>& attempt, int max_attempts) {
  std::minstd_rand jitter(std::random_device{}());
  std::chrono::milliseconds delay(10);
  for (int n = 1;; ++n) {
    Status s = attempt();
    if (s.ok() || !IsTransientConflict(s) || n >= max_attempts) return s;
    spdlog::debug("conflict with another writer (attempt {}): {}; retrying", n, s.message());
    const auto wait = delay + std::chrono::milliseconds(jitter() % (delay.count() + 1));
    std::this_thread::sleep_for(wait);
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(1));
  }
}

}  // namespace csm::db
