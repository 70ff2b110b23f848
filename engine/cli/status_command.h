// `csmigrate status`: the runs, their state and what each changed.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the status command and its options to `app`.
CLI::App* AddStatusCommand(CLI::App& app, Options& o);

// Runs status with the parsed options; returns the exit code.
int RunStatus(const Options& o);

}  // namespace csm::cli
