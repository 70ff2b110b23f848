#include "push/drain_progress.h"

#include <algorithm>

#include "common/human_bytes.h"

namespace csm::push {

DrainProgress::DrainProgress(int64_t units_total, int64_t bytes_total)
    : units_total_(units_total), bytes_total_(bytes_total) {}

void DrainProgress::Done(int64_t bytes) {
  ++units_done_;
  bytes_done_ += bytes;
}

void DrainProgress::Failed(int64_t bytes) {
  ++units_failed_;
  bytes_failed_ += bytes;
}

void DrainProgress::Elsewhere(int64_t bytes) {
  ++units_elsewhere_;
  bytes_elsewhere_ += bytes;
}

std::string DrainProgress::Line(double seconds) const {
  const int64_t units_left = units_total_ - units_done_ - units_failed_ - units_elsewhere_;
  const double rate = static_cast<double>(bytes_done_) / std::max(seconds, 0.001);
  const double bytes_left = static_cast<double>(
      std::max<int64_t>(0, bytes_total_ - bytes_done_ - bytes_failed_ - bytes_elsewhere_));
  std::string eta;
  if (units_left == 0) {
    eta = "0 s";
  } else if (rate > 0) {
    eta = std::to_string(static_cast<int64_t>(bytes_left / rate)) + " s";
  } else {
    eta = "unknown";
  }
  return "drain: " + std::to_string(units_done_) + " done, " + std::to_string(units_failed_) +
         " failed, " +
         (units_elsewhere_ > 0 ? std::to_string(units_elsewhere_) + " by other workers, " : "") +
         std::to_string(units_left) + " left of " + std::to_string(units_total_) + " units, " +
         HumanBytes(static_cast<double>(bytes_done_)) + " of " +
         HumanBytes(static_cast<double>(bytes_total_)) + ", " + HumanBytes(rate) + "/s, ETA " + eta;
}

}  // namespace csm::push
