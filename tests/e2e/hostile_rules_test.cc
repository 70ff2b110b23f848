// Rule files an attacker or a careless edit could hand csmigrate: each is refused with exit 3,
// naming the file and line, before anything is written (the database file stays byte-for-byte
// the same).
#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace csm::test {
namespace {

std::string ShippedRules() {
  std::ifstream in(SourceDir() + "/rules/nfs-to-object-store.yaml");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The shipped rule file with `from` replaced by `to` (which must be there).
std::string Edited(const std::string& from, const std::string& to) {
  std::string text = ShippedRules();
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct HostileRules {
  std::string label;
  std::string text;     // the rule file
  std::string message;  // expected on stderr after "rules.yaml:"
};

void PrintTo(const HostileRules& h, std::ostream* os) {
  *os << h.label;
}

class HostileRuleFiles : public ::testing::TestWithParam<HostileRules> {};

TEST_P(HostileRuleFiles, AreRefusedBeforeAnyWrite) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db"), rules = dir.File("rules.yaml");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  std::ofstream(rules) << GetParam().text;
  const std::string digest = FileDigest(db);
  for (const char* command : {"plan", "apply"}) {
    auto args = S3Args(command, db);
    args.insert(args.end(), {"--rules", rules});
    CommandResult r = RunCsmigrate(args);
    EXPECT_EQ(r.exit_code, 3) << command << ": " << r.err;
    EXPECT_NE(r.err.find(rules + ":" + GetParam().message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("TopSecret-9f8e7d"), std::string::npos) << r.err;
  }
  EXPECT_EQ(FileDigest(db), digest);
}

INSTANTIATE_TEST_SUITE_P(
    Files, HostileRuleFiles,
    ::testing::Values(
        HostileRules{"duplicate_key_in_a_step",
                     Edited("    set: {role: ImageCache}\n\n  # C.",
                            "    set: {role: ImageCache}\n    set: {role: Image}\n\n  # C."),
                     "84: the key 'set' is given twice in one mapping ("},
        HostileRules{
            "duplicate_top_level_key",
            Edited("name: nfs-to-object-store\n", "name: nfs-to-object-store\nname: harmless\n"),
            "23: the key 'name' is given twice in one mapping"},
        HostileRules{"no_steps", "name: empty\nsteps: []\n", "2: the rule file has no steps"},
        HostileRules{"empty_one_of", Edited("one_of: [S3, Swift]", "one_of: []"),
                     "29: one_of is empty"},
        HostileRules{"misspelt_secret_detail",
                     Edited("secret_details: [secretkey]", "secret_details: [secretky]"),
                     "37: secret_details of provider 'S3' names 'secretky'"},
        HostileRules{"literal_of_the_wrong_type",
                     Edited("where: {role: Image, removed: null, image_provider_name: {not: NFS}}",
                            "where: {role: Image, removed: null, image_provider_name: {not: NFS}, "
                            "data_center_id: zone-1}"),
                     "50: the text 'zone-1' compared with image_store.data_center_id"}),
    [](const auto& info) { return info.param.label; });

// A rule file far larger than any conversion needs is refused by its size, before it is parsed.
TEST(HostileRuleFile, TooLargeIsRefusedByItsSizeNamingTheLimit) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db"), rules = dir.File("rules.yaml");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  {
    std::ofstream out(rules);
    out << ShippedRules();
    const std::string filler(1023, '#');
    for (int i = 0; i < 2048; ++i) out << filler << "\n";  // 2 MiB more
  }
  const std::string digest = FileDigest(db);
  auto args = S3Args("apply", db);
  args.insert(args.end(), {"--rules", rules});
  CommandResult r = RunCsmigrate(args);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("rule file " + rules + " is 2.0 MiB ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rule files may be at most 1.0 MiB (1048576 bytes)"), std::string::npos)
      << r.err;
  EXPECT_EQ(FileDigest(db), digest);
}

}  // namespace
}  // namespace csm::test
