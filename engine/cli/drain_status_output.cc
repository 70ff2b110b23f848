#include "cli/drain_status_output.h"

#include <chrono>
#include <sstream>

#include "common/human_bytes.h"
#include "common/printable_text.h"
#include "common/utc_time.h"

namespace csm::cli {
namespace {

std::string UtcOfMillis(int64_t ms) {
  return UtcIso8601(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

std::string Seconds(int64_t ms) {
  return std::to_string((ms + 500) / 1000) + " s";
}

std::string Duration(int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

std::string Bytes(int64_t bytes) {
  return HumanBytes(static_cast<double>(bytes));
}

}  // namespace

std::string BoardStatusText(const push::BoardStatus& s) {
  std::ostringstream out;
  int live = 0;
  for (const auto& w : s.workers) live += w.alive ? 1 : 0;
  out << "drain workers at " << UtcOfMillis(s.now_ms) << " (the database's clock): " << live
      << " live\n";
  for (const auto& w : s.workers) {
    out << "  " << PrintableText(w.holder) << "  " << w.command << "  "
        << (w.alive                ? "running"
            : w.state == "running" ? "silent (its lease ran out)"
                                   : w.state)
        << ", " << w.jobs << " jobs"
        << (w.bwlimit ? ", --bwlimit " + Bytes(*w.bwlimit) + "/s" : std::string()) << ", since "
        << UtcOfMillis(w.started_ms) << (w.alive ? ", last heartbeat " : ", last seen ")
        << Seconds(s.now_ms - w.heartbeat_ms) << " ago: " << w.units_pushed << " units pushed ("
        << Bytes(w.bytes_uploaded) << " uploaded), " << w.units_failed << " failed\n";
    for (const auto& c : w.claims) {
      out << "      holds " << PrintableText(c.description) << " (" << Bytes(c.bytes) << ") for "
          << Seconds(s.now_ms - c.claimed_ms) << ", claim runs out in "
          << Seconds(c.expires_ms - s.now_ms) << "\n";
    }
  }
  const int64_t units_all = s.units_done + s.units_left + s.units_failed;
  const int64_t bytes_all = s.bytes_done + s.bytes_left + s.bytes_failed;
  out << "progress of all workers: " << s.units_done << " of " << units_all << " units done ("
      << Bytes(s.bytes_done) << " of " << Bytes(bytes_all) << "), " << s.units_left << " left ("
      << Bytes(s.bytes_left) << ", " << s.units_claimed << " of them held now), " << s.units_failed
      << " failed\n";
  out << "rate " << Bytes(static_cast<int64_t>(s.bytes_per_second))
      << "/s over the last 10 minutes, ETA "
      << (s.units_left == 0 ? std::string("0 s")
          : s.eta_seconds   ? Duration(*s.eta_seconds)
                            : std::string("unknown (nothing finished in the last 10 minutes)"))
      << "\n";
  for (const auto& f : s.failed) {
    out << "  failed: " << PrintableText(f.description) << " (" << PrintableText(f.holder)
        << "): " << PrintableText(f.message) << "\n";
  }
  return out.str();
}

nlohmann::ordered_json BoardStatusJson(const push::BoardStatus& s) {
  nlohmann::ordered_json workers = nlohmann::ordered_json::array();
  for (const auto& w : s.workers) {
    nlohmann::ordered_json claims = nlohmann::ordered_json::array();
    for (const auto& c : w.claims) {
      claims.push_back({{"unit", c.description},
                        {"key", c.key},
                        {"bytes", c.bytes},
                        {"claimed_at", UtcOfMillis(c.claimed_ms)},
                        {"expires_at", UtcOfMillis(c.expires_ms)}});
    }
    workers.push_back({{"worker", w.holder},
                       {"command", w.command},
                       {"state", w.state},
                       {"alive", w.alive},
                       {"jobs", w.jobs},
                       {"bwlimit", w.bwlimit ? nlohmann::ordered_json(*w.bwlimit) : nullptr},
                       {"started_at", UtcOfMillis(w.started_ms)},
                       {"heartbeat_at", UtcOfMillis(w.heartbeat_ms)},
                       {"units_pushed", w.units_pushed},
                       {"units_failed", w.units_failed},
                       {"bytes_uploaded", w.bytes_uploaded},
                       {"claims", std::move(claims)}});
  }
  nlohmann::ordered_json failed = nlohmann::ordered_json::array();
  for (const auto& f : s.failed) {
    failed.push_back({{"unit", f.description}, {"worker", f.holder}, {"message", f.message}});
  }
  return {{"now", UtcOfMillis(s.now_ms)},
          {"workers", std::move(workers)},
          {"units_done", s.units_done},
          {"bytes_done", s.bytes_done},
          {"units_left", s.units_left},
          {"bytes_left", s.bytes_left},
          {"units_claimed", s.units_claimed},
          {"bytes_claimed", s.bytes_claimed},
          {"units_failed", s.units_failed},
          {"bytes_failed", s.bytes_failed},
          {"failed", std::move(failed)},
          {"bytes_per_second", s.bytes_per_second},
          {"eta_seconds", s.eta_seconds ? nlohmann::ordered_json(*s.eta_seconds) : nullptr}};
}

}  // namespace csm::cli
