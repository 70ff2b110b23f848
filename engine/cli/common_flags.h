// Flags and checks several commands share: --json, --lock-wait, --stall-timeout, whole-number
// arguments.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>

#include "cli/options.h"

namespace csm::cli {

// Accepts only a plain decimal number in [min, max] (common/whole_number.h): CLI11's own
// conversion reads '' as 0, clamps a number too large and takes hex or exponents.
CLI::Validator WholeNumber(int64_t min, int64_t max = std::numeric_limits<int64_t>::max());

// Adds --json (machine-readable JSON on stdout) to `cmd`.
void AddJson(CLI::App* cmd, Options& o);

// Adds --lock-wait (seconds to wait for another apply or rollback holding the lock) to `cmd`.
void AddLockWait(CLI::App* cmd, Options& o);

// Adds --stall-timeout (seconds an object-store request may go without moving a byte) to `cmd`.
void AddStallTimeout(CLI::App* cmd, Options& o);

}  // namespace csm::cli
