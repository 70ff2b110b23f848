// `csmigrate reconcile`: what the database says each store holds against what it lists.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the reconcile command and its options to `app`.
CLI::App* AddReconcileCommand(CLI::App& app, Options& o);

// Runs reconcile with the parsed options; returns 0 (clean), 1 (findings) or 2 (could not
// complete).
int RunReconcile(const Options& o);

}  // namespace csm::cli
