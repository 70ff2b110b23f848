// `csmigrate drain`: push everything that still has a placeholder, and say which staging stores
// can be retired.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the drain command and its options to `app`.
CLI::App* AddDrainCommand(CLI::App& app, Options& o);

// Runs drain with the parsed options; returns 0 when every unit was pushed, 1 when some failed.
int RunDrain(const Options& o);

}  // namespace csm::cli
