// `csmigrate plan` and `csmigrate apply`: one run function, plan writing nothing.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the plan command and its options to `app`.
CLI::App* AddPlanCommand(CLI::App& app, Options& o);

// Adds the apply command and its options to `app`.
CLI::App* AddApplyCommand(CLI::App& app, Options& o);

// Runs plan (`is_plan`) or apply with the parsed options; returns the exit code.
int RunPlanOrApply(const Options& o, bool is_plan);

}  // namespace csm::cli
