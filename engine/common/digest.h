// Hashes and identifiers the engine generates.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace csm {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// A random (version 4) UUID in CloudStack's lower-case 8-4-4-4-12 form.
std::string RandomUuid();

// The current UTC time as CloudStack stores datetimes: "YYYY-MM-DD HH:MM:SS".
std::string UtcNow();

}  // namespace csm
