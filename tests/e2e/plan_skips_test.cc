// The csmigrate binary on SQLite: plan and apply list each template the conversion leaves alone,
// and why (the rule file's report steps), and those steps write and journal nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace csm::test {
namespace {

class PlanSkips : public ::testing::Test {
 protected:
  // fixtures/ref-cnt-copied (templates 202 Allocated and 203 Creating2 have no Ready staging
  // copy), plus a SYSTEM template 3 and a removed template 206, each with a Ready staging copy.
  void SetUp() override {
    db_ = dir_.File("cloud.db");
    CreateCloudDb(db_, SourceDir() + "/fixtures/ref-cnt-copied");
    ExecSql(db_,
            "CREATE TEMP TABLE t AS SELECT * FROM vm_template WHERE id = 201;"
            "UPDATE t SET id = 3, type = 'SYSTEM', name = 'SystemVM Template (KVM)', "
            "unique_name = 'routing-3', uuid = 'a0000000-0000-4000-8000-000000000003';"
            "INSERT INTO vm_template SELECT * FROM t;"
            "UPDATE t SET id = 206, type = 'USER', name = 'retired-web', unique_name = 'u206', "
            "uuid = 'a0000000-0000-4000-8000-000000000206', cross_zones = 1, "
            "removed = '2013-11-20 10:00:00';"
            "INSERT INTO vm_template SELECT * FROM t;"
            "CREATE TEMP TABLE r AS SELECT * FROM template_store_ref WHERE id = 1;"
            "UPDATE r SET id = 10, template_id = 3, ref_cnt = 0;"
            "INSERT INTO template_store_ref SELECT * FROM r;"
            "UPDATE r SET id = 11, template_id = 206;"
            "INSERT INTO template_store_ref SELECT * FROM r;");
  }

  std::vector<std::string> Args(const std::string& command, bool json) {
    auto args = S3Args(command, db_);
    if (json) args.push_back("--json");
    return args;
  }

  ScratchDir dir_;
  std::string db_;
};

// "step name|table|id|message" of every entry of a run's "skipped" array.
std::vector<std::string> Skipped(const nlohmann::json& run) {
  std::vector<std::string> out;
  for (const auto& s : run["skipped"]) {
    out.push_back(s["step_name"].get<std::string>() + "|" + s["table"].get<std::string>() + "|" +
                  std::to_string(s["row"]["id"].get<int64_t>()) + "|" +
                  s["message"].get<std::string>());
  }
  return out;
}

const std::vector<std::string> kExpectedSkips = {
    "removed templates|vm_template|206|template 206 'retired-web' was removed (2013-11-20 "
    "10:00:00): no placeholder, no pin, no zone rows; CloudStack never copies or releases a "
    "removed template, so its staging copies stay as they are",
    "templates without a Ready staging copy|template_store_ref|2|template 202: staging copy 2 on "
    "store 1 is Allocated/NOT_DOWNLOADED and the template has no Ready/DOWNLOADED staging copy: "
    "no placeholder, no pin, no cross-zone change (CloudStack's sync would delete a placeholder "
    "copied from such a row, and never release its pin)",
    "templates without a Ready staging copy|template_store_ref|3|template 203: staging copy 3 on "
    "store 1 is Creating2/DOWNLOAD_IN_PROGRESS and the template has no Ready/DOWNLOADED staging "
    "copy: no placeholder, no pin, no cross-zone change (CloudStack's sync would delete a "
    "placeholder copied from such a row, and never release its pin)",
    "system templates|vm_template|3|template 3 'SystemVM Template (KVM)' is a SYSTEM template: no "
    "placeholder, as in CloudStack (its sync downloads system templates to the new store "
    "itself); `csmigrate drain` pushes it from a Ready staging copy",
};

TEST_F(PlanSkips, PlanListsEachKindOfSkipAndWritesNothing) {
  const std::string digest = FileDigest(db_);
  CommandResult text = RunCsmigrate(Args("plan", false));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const auto& expected : kExpectedSkips) {
    const std::string message = expected.substr(expected.rfind('|') + 1);
    EXPECT_NE(text.out.find("skipped: " + message + "\n"), std::string::npos)
        << message << "\n in:\n"
        << text.out;
  }
  EXPECT_NE(text.out.find("report  templates without a Ready staging copy        2 skipped"),
            std::string::npos)
      << text.out;

  CommandResult json = RunCsmigrate(Args("plan", true));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto plan = nlohmann::json::parse(json.out);
  EXPECT_EQ(Skipped(plan), kExpectedSkips);
  const auto& not_ready = plan["skipped"][1]["row"];
  EXPECT_EQ(not_ready["template_id"], 202);
  EXPECT_EQ(not_ready["store_id"], 1);
  EXPECT_EQ(not_ready["state"], "Allocated");
  EXPECT_EQ(not_ready["download_state"], "NOT_DOWNLOADED");
  for (const auto& step : plan["steps"]) {
    if (step["kind"] != "report") continue;
    EXPECT_EQ(step["rows"], 0) << step.dump();
    ASSERT_EQ(step["sql"].size(), 1u) << step.dump();
    EXPECT_EQ(step["sql"][0].get<std::string>().rfind("SELECT ", 0), 0u) << step.dump();
  }
  EXPECT_EQ(FileDigest(db_), digest) << "plan wrote to the database";
}

TEST_F(PlanSkips, ApplyListsTheSameSkipsJournalsNoneAndRollsBackExactly) {
  const std::string before = DumpDatabase(db_);
  CommandResult r = RunCsmigrate(Args("apply", true));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto run = nlohmann::json::parse(r.out);
  EXPECT_EQ(Skipped(run), kExpectedSkips);

  // Nothing skipped was written: no placeholder, pin or zone row for 3, 202, 203 or 206.
  EXPECT_EQ(Cell(db_,
                 "SELECT COUNT(*) FROM template_store_ref WHERE store_id = 3 AND template_id IN "
                 "(3, 202, 203, 206)"),
            "0");
  EXPECT_EQ(Cell(db_, "SELECT SUM(ref_cnt) FROM template_store_ref WHERE id IN (2, 3, 10, 11)"),
            "0");
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM template_zone_ref WHERE template_id = 206"), "0");
  EXPECT_EQ(Cell(db_, "SELECT SUM(cross_zones) FROM vm_template WHERE id IN (202, 203)"), "0");

  // The report steps journaled nothing.
  std::string report_steps;
  for (const auto& step : run["steps"]) {
    if (step["kind"] != "report") continue;
    report_steps += (report_steps.empty() ? "" : ", ") + std::to_string(step["number"].get<int>());
  }
  ASSERT_FALSE(report_steps.empty());
  EXPECT_EQ(Cell(db_, "SELECT COUNT(*) FROM csm_journal WHERE step_no IN (" + report_steps + ")"),
            "0");

  // A re-run is recognised and changes nothing.
  const std::string after = DumpDatabase(db_, true);
  CommandResult again = RunCsmigrate(Args("apply", false));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
  EXPECT_EQ(DumpDatabase(db_, true), after);

  CommandResult rolled = RunCsmigrate({"rollback", "--db", "sqlite://" + db_, "1"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(DumpDatabase(db_), before);
}

TEST_F(PlanSkips, ApplyTextEndsWithTheSkippedRows) {
  CommandResult r = RunCsmigrate(Args("apply", false));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string last = kExpectedSkips.back().substr(kExpectedSkips.back().rfind('|') + 1);
  EXPECT_NE(r.out.find("Changes: "), std::string::npos) << r.out;
  const auto at = r.out.find("skipped: " + last + "\n");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_EQ(at + std::string("skipped: " + last + "\n").size(), r.out.size()) << r.out;
}

}  // namespace
}  // namespace csm::test
