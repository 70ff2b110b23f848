// Times as csmigrate prints them in reports and JSON: UTC, ISO 8601, with Z.
#pragma once

#include <chrono>
#include <string>

namespace csm {

// `time` in UTC, ISO 8601 with Z, to the second: "2025-01-31T23:59:59Z".
std::string UtcIso8601(std::chrono::system_clock::time_point time);

}  // namespace csm
