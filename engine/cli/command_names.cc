#include "cli/command_names.h"

#include <algorithm>

#include "common/closest_word.h"

namespace csm::cli {

std::vector<std::string> CommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv) {
  const std::vector<std::string> names = CommandNames(app);
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--log-format" || word == "--log-file") {
      ++i;
      continue;
    }
    if (word.starts_with("-")) continue;
    if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
    const auto closest = ClosestWord(word, names);
    return "unknown command '" + word + "'" +
           (closest ? ": did you mean '" + *closest + "'?" : std::string()) +
           " (csmigrate help lists the commands)";
  }
  return std::nullopt;
}

}  // namespace csm::cli
