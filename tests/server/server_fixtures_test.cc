// Every fixture replays exactly on MariaDB and PostgreSQL, on both the CloudStack 4.3 and 4.22
// table shapes: the same rules and code as on SQLite.
#include <gtest/gtest.h>

#include <filesystem>

#include "fixture/replay.h"
#include "rules/rule_loader.h"
#include "server_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

using Case = std::tuple<std::string, std::string, std::string>;  // backend, version, fixture

class ServerFixture : public ::testing::TestWithParam<Case> {};

TEST_P(ServerFixture, ReplaysExactly) {
  const auto& [backend_name, version, name] = GetParam();
  CSM_REQUIRE_SERVER(backend, backend_name);
  ScratchDatabase db(backend, version);
  auto fixture = fixture::LoadFixture(SourceDir() + "/fixtures/" + name);
  ASSERT_TRUE(fixture.ok()) << fixture.status().message();
  auto rules = rules::LoadRuleFile(SourceDir() + "/rules/nfs-to-object-store.yaml");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  auto report = fixture::Replay(db.conn(), *rules, *fixture);
  ASSERT_TRUE(report.ok()) << report.status().message();
  for (const auto& d : report->differences) {
    ADD_FAILURE() << d.table << " " << d.row << ": " << d.what;
  }
}

INSTANTIATE_TEST_SUITE_P(AllFixtures, ServerFixture,
                         ::testing::Combine(::testing::Values("mysql", "postgresql"),
                                            ::testing::Values("4.3", "4.22"),
                                            ::testing::ValuesIn(FixtureNames())),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param) + "_" +
                                              std::get<1>(info.param) + "_" +
                                              std::get<2>(info.param);
                           for (char& c : name) {
                             if (c == '-' || c == '.') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace csm::test
