#include "cli/fixture_command.h"

#include <spdlog/spdlog.h>

#include "cli/command_result.h"
#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/create_tables.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/rules_flag.h"
#include "fixture/fixture.h"
#include "fixture/replay.h"

namespace csm::cli {

FixtureCommands AddFixtureCommand(CLI::App& app, Options& o) {
  auto* fixture = app.add_subcommand("fixture", "Work with before/after fixtures (QA)");
  fixture->require_subcommand(1);
  auto* load = fixture->add_subcommand(
      "load", "Create the CloudStack schema and load a fixture's before-rows (a demo database)");
  load->add_option("DIR", o.fixture_dir, "Fixture directory (holding fixture.yaml)")->required();
  AddDb(load, o);
  AddJson(load, o);
  load->add_option("--cloudstack", o.cloudstack_version, "Schema version: 4.3 or 4.22");
  auto* replay = fixture->add_subcommand(
      "replay",
      "Load a fixture into a fresh schema, apply the rules, diff every table against "
      "the expected rows; exit 1 on any difference");
  replay->add_option("DIR", o.fixture_dir, "Fixture directory (holding fixture.yaml)")->required();
  AddDb(replay, o);
  AddRules(replay, o);
  AddJson(replay, o);
  replay->add_option("--cloudstack", o.cloudstack_version, "Schema version: 4.3 or 4.22");
  return {load, replay};
}

int RunFixtureLoad(const Options& o) {
  auto fixture = fixture::LoadFixture(o.fixture_dir);
  if (!fixture.ok()) return Fail(o, fixture.status());
  auto created = CreateTables(o);
  if (!created.ok()) return Fail(o, created.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  if (Status s = fixture::LoadBeforeRows(*target->conn, *fixture); !s.ok()) return Fail(o, s);
  spdlog::info("Loaded the before-rows of {}", o.fixture_dir);
  int64_t rows = 0;
  for (const auto& [table, table_rows] : fixture->before) rows += table_rows.size();
  Print(o, {{"database", created->first}, {"fixture", o.fixture_dir}, {"rows_loaded", rows}}, "");
  return kExitOk;
}

int RunFixtureReplay(const Options& o) {
  auto fixture = fixture::LoadFixture(o.fixture_dir);
  if (!fixture.ok()) return Fail(o, fixture.status());
  auto rules = Rules(o);
  if (!rules.ok()) return Fail(o, rules.status());
  if (auto created = CreateTables(o); !created.ok()) return Fail(o, created.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto report = fixture::Replay(*target->conn, *rules, *fixture);
  if (!report.ok()) return Fail(o, report.status());
  Print(o, ReplayJson(*report), ReplayText(*report));
  return report->ok() ? kExitOk : kExitFindings;
}

}  // namespace csm::cli
