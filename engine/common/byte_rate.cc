#include "common/byte_rate.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace csm {
namespace {

// The multiplier of a rate's suffix, or 0 when `suffix` is not one.
double SuffixBytes(char suffix) {
  switch (std::toupper(static_cast<unsigned char>(suffix))) {
    case 'B':
      return 1;
    case 'K':
      return 1024.0;
    case 'M':
      return 1024.0 * 1024;
    case 'G':
      return 1024.0 * 1024 * 1024;
    case 'T':
      return 1024.0 * 1024 * 1024 * 1024;
    default:
      return 0;
  }
}

// Whether `text` is digits with at most one '.', and at least one digit.
bool IsDecimal(const std::string& text) {
  bool digit = false;
  bool dot = false;
  for (const char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

}  // namespace

Result<std::optional<int64_t>> ParseByteRate(const std::string& text, const std::string& flag) {
  const auto refuse = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidArgument,
                  (flag.empty() ? "" : flag + " ") + "'" + text + "' " + why +
                      ": give bytes per second as a number with an optional suffix B, K, M, G "
                      "or T (1024-based; no suffix = K), e.g. 10M, 512K, 1.5G, or off");
  };
  if (text == "off" || text == "OFF" || text == "Off") return std::optional<int64_t>();
  std::string number = text;
  double unit = 1024;  // rclone's: a bare number is KiB/s
  if (!number.empty() && !std::isdigit(static_cast<unsigned char>(number.back())) &&
      number.back() != '.') {
    unit = SuffixBytes(number.back());
    if (unit == 0) return refuse("has an unknown suffix");
    number.pop_back();
  }
  if (!IsDecimal(number)) return refuse("is not a rate");
  double value = 0;
  std::from_chars(number.data(), number.data() + number.size(), value);  // checked above
  const double bytes = value * unit;
  if (bytes == 0) return std::optional<int64_t>();
  if (bytes < 1) return refuse("is less than one byte per second");
  if (bytes > 1e18) return refuse("is too large");
  return std::optional<int64_t>(static_cast<int64_t>(std::floor(bytes)));
}

}  // namespace csm
