// A run's record (apply/run_result.h) reads back as apply wrote it, rollback guards included; a
// record of an earlier version (no guards) reads as one without them; damaged guards are the
// run's own damaged record.
#include "apply/run_result.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace csm::apply {
namespace {

RunResult SampleResult() {
  RunResult result;
  result.steps = {{1, "new store", 1, 0}, {2, "template placeholders", 3, 2}};
  result.new_store_id = 7;
  result.image_columns = std::map<std::string, std::vector<std::string>>{
      {"image_store", {"id", "name"}}, {"template_store_ref", {"id", "store_id", "state"}}};
  result.update_columns = {{"template_store_ref", {"id", "state"}}};
  result.after_images = "row_digest_quoted";
  result.digest_masks = {{"image_store_details", {"name", "value", {"secretkey"}}}};
  result.tables = {{"image_store", {1, 0, 0}}, {"template_store_ref", {1, 2, 0}}};
  result.rollback_guards = std::vector<RecordedGuard>{
      {"snapshot_store_ref",
       "image_store",
       false,
       "SELECT r.id FROM t r WHERE r.a = ? AND r.b <> ? AND r.c = ? AND r.d = ?",
       {std::string("image_store"), int64_t{4}, 2.5, db::Value{}}},
      {"upload", "image_store", true, "SELECT 1", {}}};
  return result;
}

TEST(RunResult, ReadsBackAsWritten) {
  const RunResult written = SampleResult();
  const nlohmann::json json = written;
  auto read = ParseRunResult(4, json.dump());
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(nlohmann::json(*read), json);
  ASSERT_TRUE(read->rollback_guards.has_value());
  ASSERT_EQ(read->rollback_guards->size(), 2u);
  const RecordedGuard& guard = read->rollback_guards->at(0);
  EXPECT_EQ(guard.table, "snapshot_store_ref");
  EXPECT_EQ(guard.references, "image_store");
  EXPECT_FALSE(guard.optional);
  EXPECT_EQ(guard.params,
            (std::vector<db::Value>{std::string("image_store"), int64_t{4}, 2.5, db::Value{}}));
  EXPECT_TRUE(read->rollback_guards->at(1).optional);
  EXPECT_EQ(read->new_store_id, 7);
  EXPECT_EQ(read->steps.at(1).pinned, 2);
}

TEST(RunResult, ARecordOfAnEarlierVersionHasNoGuards) {
  nlohmann::json json = SampleResult();
  json.erase("rollback_guards");
  auto read = ParseRunResult(4, json.dump());
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_FALSE(read->rollback_guards.has_value());
}

TEST(RunResult, DamagedGuardsAreTheRunsOwnDamagedRecord) {
  const nlohmann::json good = SampleResult();
  const std::vector<std::pair<nlohmann::json, std::string>> damages = {
      {nlohmann::json::object(), "\"rollback_guards\" is not an array"},
      {nlohmann::json::array({"x"}), "\"rollback_guards\" entry 1 is malformed"},
      {nlohmann::json::array({{{"table", "t"},
                               {"references", "r"},
                               {"optional", false},
                               {"sql", "SELECT ?"},
                               {"params", nlohmann::json::array()}}}),
       "entry 1 is malformed (its query has 1 placeholders for 0 parameters)"},
      {nlohmann::json::array({{{"table", "t"},
                               {"references", "r"},
                               {"optional", "no"},
                               {"sql", "SELECT 1"},
                               {"params", nlohmann::json::array()}}}),
       "entry 1 is malformed"},
  };
  for (const auto& [guards, says] : damages) {
    nlohmann::json json = good;
    json["rollback_guards"] = guards;
    auto read = ParseRunResult(4, json.dump());
    ASSERT_FALSE(read.ok()) << guards.dump();
    EXPECT_EQ(read.status().code(), ErrorCode::kDatabase);
    EXPECT_NE(read.status().message().find("csmigrate's own record of run 4 is damaged: "
                                           "csm_run.result_json"),
              std::string::npos)
        << read.status().message();
    EXPECT_NE(read.status().message().find(says), std::string::npos) << read.status().message();
  }
}

}  // namespace
}  // namespace csm::apply
