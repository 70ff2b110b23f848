// The names of csmigrate's commands, and what to say about a word that is none of them.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace csm::cli {

// The names of `app`'s commands.
std::vector<std::string> CommandNames(const CLI::App& app);

// When the first word that is not an option (or a global option's value) is no command: what to
// say, naming the closest command.
std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv);

}  // namespace csm::cli
