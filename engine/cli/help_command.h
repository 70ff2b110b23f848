// `csmigrate help [COMMAND]`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/options.h"

namespace csm::cli {

// Adds the help command (its COMMAND into o.help_topic) to `app`.
CLI::App* AddHelpCommand(CLI::App& app, Options& o);

// `csmigrate help [COMMAND]`: the help on stdout, exit 0; an unknown COMMAND is exit 2.
int ShowHelp(const CLI::App& app, const std::string& topic);

}  // namespace csm::cli
