// A transfer rate as rclone's --bwlimit writes it: "10M", "512K", "1.5G", "off".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace csm {

// `text` as bytes per second: a decimal number (a fraction allowed: "1.5G") with an optional
// suffix B, K, M, G or T (either case; 1024-based; no suffix = K, as in rclone), rounded down to
// whole bytes; "off" or a rate of 0 is nullopt (no limit). kInvalidArgument naming `flag` and
// `text` for anything else (a sign, an exponent, a rate below one byte per second, a timetable
// or an "UP:DOWN" pair, which csmigrate does not take); `flag` may be "" when the caller names it.
Result<std::optional<int64_t>> ParseByteRate(const std::string& text, const std::string& flag);

}  // namespace csm
