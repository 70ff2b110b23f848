// `csmigrate init`: create CloudStack's secondary-storage tables and csmigrate's own.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the init command and its options to `app`.
CLI::App* AddInitCommand(CLI::App& app, Options& o);

// Runs init with the parsed options; returns the exit code.
int RunInit(const Options& o);

}  // namespace csm::cli
