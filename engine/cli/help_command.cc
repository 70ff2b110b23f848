#include "cli/help_command.h"

#include <iostream>

#include "cli/command_names.h"
#include "cli/exit_codes.h"
#include "cli/secret_arguments.h"
#include "common/closest_word.h"
#include "common/printable_text.h"

namespace csm::cli {

CLI::App* AddHelpCommand(CLI::App& app, Options& o) {
  auto* help = app.add_subcommand("help", "Show the help of csmigrate, or of one command");
  help->add_option("COMMAND", o.help_topic, "The command (e.g. apply, drain, fixture)");
  return help;
}

int ShowHelp(const CLI::App& app, const std::string& topic) {
  if (topic.empty()) {
    // Not app.help(): after parsing it shows the selected command's, here help's own.
    std::cout << app.get_formatter()->make_help(&app, "", CLI::AppFormatMode::Normal);
    return kExitOk;
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == topic) {
      std::cout << sub->help();
      return kExitOk;
    }
  }
  const auto closest = ClosestWord(topic, CommandNames(app));
  std::cerr << "csmigrate: error: unknown command '" << PrintableText(WithoutSecretArguments(topic))
            << "'" << (closest ? ": did you mean '" + *closest + "'?" : std::string()) << "\n";
  return kExitUsage;
}

}  // namespace csm::cli
