#include "cli/init_command.h"

#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/create_tables.h"
#include "cli/exit_codes.h"

namespace csm::cli {

CLI::App* AddInitCommand(CLI::App& app, Options& o) {
  auto* init = app.add_subcommand(
      "init", "Create CloudStack's secondary-storage tables and csmigrate's own in a database");
  AddDb(init, o);
  AddJson(init, o);
  init->add_option("--cloudstack", o.cloudstack_version, "Schema version to create: 4.3 or 4.22")
      ->capture_default_str();
  return init;
}

int RunInit(const Options& o) {
  auto created = CreateTables(o);
  if (!created.ok()) return Fail(o, created.status());
  Print(o,
        {{"database", created->first},
         {"cloudstack_schema", o.cloudstack_version},
         {"already_existed", created->second}},
        "");
  return kExitOk;
}

}  // namespace csm::cli
