// `csmigrate fixture load DIR` and `csmigrate fixture replay DIR`: before/after fixtures (QA).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// The fixture command's subcommands.
struct FixtureCommands {
  CLI::App* load;
  CLI::App* replay;
};

// Adds the fixture command, its load and replay subcommands and their options to `app`.
FixtureCommands AddFixtureCommand(CLI::App& app, Options& o);

// Runs fixture load with the parsed options; returns the exit code.
int RunFixtureLoad(const Options& o);

// Runs fixture replay with the parsed options; returns 1 on any difference.
int RunFixtureReplay(const Options& o);

}  // namespace csm::cli
