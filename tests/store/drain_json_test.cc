// push --json and drain --json: stdout holds exactly one JSON document at the end, with the counts,
// failures, retire verdicts (drain), who ran and when, and under --dry-run the units it would
// push; a failure before the end prints the error document with the same exit code. Each document
// is checked against docs/schemas/ with Debian's python3-jsonschema when it is installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "push_drain_fixture.h"
#include "store_test_support.h"
#include "test_support.h"

namespace csm::test {
namespace {

using nlohmann::json;

class DrainJson : public PushDrain {
 protected:
  // Converts the cloud to a new bucket of the all-in-one at `url`.
  void ConvertToS3(const std::string& url) {
    const std::string bucket = UniqueName("csm-json");
    CreateContainer(url, bucket);
    Convert(S3Store(url, bucket));
  }

  // Runs `command` with --json and `extra`: its exit code must be `exit_code`, its stdout one JSON
  // document valid against docs/schemas/`schema`, which is returned.
  json RunJson(const std::string& command, std::vector<std::string> extra, int exit_code,
               const std::string& schema) {
    extra.push_back("--json");
    const CommandResult r = Run(command, extra);
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    json document;
    try {
      document = json::parse(r.out);  // throws on anything after the document
    } catch (const json::exception& e) {
      ADD_FAILURE() << "stdout is not one JSON document (" << e.what() << "): " << r.out;
      return json::object();
    }
    EXPECT_TRUE(document.is_object()) << r.out;
    EXPECT_EQ(SchemaErrors(r.out, schema), "") << r.out;
    return document;
  }

  // What python3-jsonschema finds wrong with `text` against docs/schemas/`schema`: "" when it is
  // valid, or when python3-jsonschema is not installed (then the test fails only when
  // $CSM_TEST_REQUIRE_SERVERS asks for every tool).
  std::string SchemaErrors(const std::string& text, const std::string& schema) {
    if (!HaveJsonSchema()) {
      return std::getenv("CSM_TEST_REQUIRE_SERVERS") != nullptr ? "python3-jsonschema missing" : "";
    }
    return JsonSchemaErrors(text, schema, dir_);
  }

  // Checks the fields every push and drain document has that do not depend on the run.
  static void ExpectStamped(const json& d) {
    const std::regex utc("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
    EXPECT_TRUE(
        std::regex_match(d.value("csmigrate_version", ""), std::regex("\\d+\\.\\d+\\.\\d+.*")))
        << d;
    EXPECT_TRUE(std::regex_match(d.value("worker", ""), std::regex(".+:[0-9]+"))) << d;
    EXPECT_TRUE(std::regex_match(d.value("started_at", ""), utc)) << d;
    EXPECT_TRUE(std::regex_match(d.value("finished_at", ""), utc)) << d;
    EXPECT_LE(d.value("started_at", ""), d.value("finished_at", ""));
  }
};

TEST_F(DrainJson, ASuccessfulDrainReportsEveryUnitPushedAndTheStoreRetirable) {
  CSM_REQUIRE_SWIFT(url);
  ConvertToS3(url);
  const json d = RunJson("drain", {"--jobs", "2"}, 0, "drain.schema.json");
  ExpectStamped(d);
  EXPECT_EQ(d["dry_run"], false);
  EXPECT_EQ(d["units_total"], 3);
  EXPECT_EQ(d["units_pushed"], 3);
  EXPECT_EQ(d["units_failed"], 0);
  EXPECT_EQ(d["objects_filled"], 5);
  EXPECT_EQ(d["objects_adopted"], 0);
  EXPECT_EQ(d["bytes_total"], 8600);
  EXPECT_EQ(d["bytes_uploaded"], 8600);
  EXPECT_EQ(d["failures"], json::array());
  EXPECT_EQ(d["retire_verdicts"], json::parse(R"([{"store_id": 1, "retirable": true, "held_by": {},
                "system_templates": 0,
                "detail": "can be retired now: no live row has ref_cnt <> 0"}])"));
  EXPECT_FALSE(d.contains("units"));
  EXPECT_EQ(Pins(), "placeholders 0, staging pins 0, negative 0");

  // Again: nothing left, and the counts say so.
  const json again = RunJson("drain", {}, 0, "drain.schema.json");
  EXPECT_EQ(again["units_total"], 0);
  EXPECT_EQ(again["bytes_uploaded"], 0);
}

TEST_F(DrainJson, ADrainWithAFailedUnitNamesItWithItsErrorAndExits1) {
  CSM_REQUIRE_SWIFT(url);
  ConvertToS3(url);
  std::filesystem::remove(nfs_ + "/volumes/2/41/" + std::string(kVolumeFile));
  const json d = RunJson("drain", {}, 1, "drain.schema.json");
  ExpectStamped(d);
  EXPECT_EQ(d["units_total"], 3);
  EXPECT_EQ(d["units_pushed"], 2);
  EXPECT_EQ(d["units_failed"], 1);
  EXPECT_EQ(d["objects_filled"], 4);
  EXPECT_EQ(d["bytes_uploaded"], 6600);
  ASSERT_EQ(d["failures"].size(), 1u) << d;
  EXPECT_EQ(d["failures"][0]["unit"], "volume 41");
  EXPECT_EQ(d["failures"][0]["error"]["code"], "not_found");
  EXPECT_NE(d["failures"][0]["error"]["message"].get<std::string>().find(
                "no Ready staging copy can be read: the file of staging row #1"),
            std::string::npos)
      << d;
  ASSERT_EQ(d["retire_verdicts"].size(), 1u) << d;
  EXPECT_EQ(d["retire_verdicts"][0]["retirable"], false);
  EXPECT_EQ(d["retire_verdicts"][0]["held_by"], json::parse(R"({"volume_store_ref": 1})"));
  EXPECT_EQ(d["retire_verdicts"][0]["detail"],
            "still held by 1 volume_store_ref rows with ref_cnt <> 0")
      << d;
}

TEST_F(DrainJson, ADryRunListsTheUnitsItWouldPushAndChangesNothing) {
  CSM_REQUIRE_SWIFT(url);
  ConvertToS3(url);
  const json d = RunJson("drain", {"--dry-run"}, 0, "drain.schema.json");
  ExpectStamped(d);
  EXPECT_EQ(d["dry_run"], true);
  EXPECT_EQ(d["units_total"], 3);
  EXPECT_EQ(d["units_pushed"], 0);
  EXPECT_EQ(d["bytes_total"], 8600);
  EXPECT_EQ(d["bytes_uploaded"], 0);
  ASSERT_EQ(d["units"].size(), 3u) << d;
  // Largest first: the snapshot chain, the template, the volume.
  EXPECT_EQ(d["units"][0]["unit"], "snapshots of volume 31 (3)");
  EXPECT_EQ(d["units"][0]["bytes"], 3600);
  ASSERT_EQ(d["units"][0]["items"].size(), 3u);
  EXPECT_EQ(d["units"][0]["items"][2]["source"],
            json::parse(R"({"store_id": 1, "staging_row_id": 13,
                "install_path": "snapshots/2/31/snap-13"})"));
  EXPECT_EQ(d["units"][1]["items"][0]["kind"], "template");
  EXPECT_EQ(d["units"][1]["items"][0]["object_id"], 201);
  EXPECT_EQ(d["units"][1]["items"][0]["object_store_id"], 2);
  EXPECT_EQ(d["units"][2]["unit"], "volume 41");
  EXPECT_EQ(d["retire_verdicts"][0]["retirable"], false);
  EXPECT_EQ(Pins(), "placeholders 5, staging pins 5, negative 0");
}

TEST_F(DrainJson, PushReportsItsObjectAndFailuresAreErrorDocuments) {
  CSM_REQUIRE_SWIFT(url);
  ConvertToS3(url);
  const json d = RunJson("push", {"template", "201"}, 0, "push.schema.json");
  ExpectStamped(d);
  EXPECT_EQ(d["object"], json::parse(R"({"kind": "template", "id": 201})"));
  EXPECT_EQ(d["units_total"], 1);
  EXPECT_EQ(d["units_pushed"], 1);
  EXPECT_EQ(d["objects_filled"], 1);
  EXPECT_EQ(d["bytes_uploaded"], 3000);
  EXPECT_EQ(d["repaired"], json::array());

  const json again = RunJson("push", {"template", "201"}, 0, "push.schema.json");
  EXPECT_EQ(again["units_total"], 0) << "nothing left to push";

  const json unknown = RunJson("push", {"snapshot", "999"}, 6, "error.schema.json");
  EXPECT_EQ(unknown["error"]["code"], "not_found");
  EXPECT_EQ(unknown["error"]["exit_code"], 6);
  EXPECT_EQ(unknown["error"]["message"], "no snapshot with id 999");

  // A unit that fails: the error document, with the unit's exit code.
  std::filesystem::remove(nfs_ + "/volumes/2/41/" + std::string(kVolumeFile));
  const json failed = RunJson("push", {"volume", "41"}, 6, "error.schema.json");
  EXPECT_EQ(failed["error"]["code"], "not_found");
}

TEST_F(DrainJson, APreflightFailureIsTheErrorDocumentWithExit2) {
  CSM_REQUIRE_SWIFT(url);
  const std::string bucket = UniqueName("csm-json");
  CreateContainer(url, bucket);
  Convert({"--provider", "S3", "--detail", "bucket=" + bucket, "--detail", "accesskey=test:tester",
           "--detail", "secretkey=not-the-secret", "--detail", "endpoint=" + url});
  for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"--dry-run"}}) {
    const json d = RunJson("drain", extra, 2, "error.schema.json");
    EXPECT_EQ(d["error"]["code"], "invalid_argument") << d;
    EXPECT_EQ(d["error"]["exit_code"], 2);
    EXPECT_NE(d["error"]["message"].get<std::string>().find("image store 2 (objects, S3)"),
              std::string::npos)
        << d;
  }
  const json usage = RunJson("drain", {"--order", "newest"}, 2, "error.schema.json");
  EXPECT_EQ(usage["error"]["message"], "--order newest: expected largest or oldest");
}

}  // namespace
}  // namespace csm::test
