// `csmigrate rollback RUN`: the exact undo of a run from its journal.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the rollback command and its options to `app`.
CLI::App* AddRollbackCommand(CLI::App& app, Options& o);

// Runs rollback with the parsed options; returns the exit code.
int RunRollback(const Options& o);

}  // namespace csm::cli
