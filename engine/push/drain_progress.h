// How far a push or drain is, for its progress bar and log lines (after gh-ost: counts, bytes,
// rate, ETA): only units that were uploaded, verified and recorded count as done; failed units
// are counted apart, and the bytes, rate and ETA come from the done units alone, so a drain whose
// units all fail never looks finished.
#pragma once

#include <cstdint>
#include <string>

namespace csm::push {

class DrainProgress {
 public:
  // Progress over `units_total` units holding `bytes_total` bytes, none finished yet.
  DrainProgress(int64_t units_total, int64_t bytes_total);

  // A unit of `bytes` bytes was verified and recorded.
  void Done(int64_t bytes);
  // A unit of `bytes` bytes failed: it is no longer left, and its bytes never count as moved.
  void Failed(int64_t bytes);
  // A unit of `bytes` bytes was finished by another worker: no longer left, not this one's rate.
  void Elsewhere(int64_t bytes);

  // "drain: 2 done, 1 failed, 0 left of 3 units, 4.9 KiB of 8.4 KiB, 1.2 KiB/s, ETA 0 s" after
  // `seconds` of work (", 3 by other workers" after "failed" once there are such): the rate is the
  // done units' bytes over that time, the ETA the bytes of the units left at that rate ("ETA
  // unknown" while nothing is done and units are left).
  std::string Line(double seconds) const;

 private:
  int64_t units_total_;
  int64_t bytes_total_;
  int64_t units_done_ = 0;
  int64_t units_failed_ = 0;
  int64_t bytes_done_ = 0;
  int64_t bytes_failed_ = 0;
  int64_t units_elsewhere_ = 0;
  int64_t bytes_elsewhere_ = 0;
};

}  // namespace csm::push
