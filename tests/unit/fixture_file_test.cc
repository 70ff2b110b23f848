// A fixture file is read as plain YAML (rules/plain_yaml.h), as a rule file is: an anchor or alias
// (YAML readers expand these differently), a second document, or text that is not UTF-8 is
// refused with the file and the line (exit 2), before any row is read from it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fixture/fixture.h"
#include "test_support.h"

namespace csm::fixture {
namespace {

// Loads a fixture directory whose fixture.yaml holds `text`.
Result<Fixture> LoadText(const test::ScratchDir& dir, const std::string& text) {
  std::ofstream(dir.File("fixture.yaml"), std::ios::binary) << text;
  return LoadFixture(dir.path());
}

TEST(FixtureFile, AnAnchorAnAliasOrASecondDocumentIsRefusedNamingTheLine) {
  test::ScratchDir dir;
  const std::string file = dir.File("fixture.yaml");
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"description: &d [*d]\nafter: {}\n", ":1: an anchor (&name)"},
           {"description: x\nbefore:\n  image_store: &rows\n    - {id: 1}\nafter: *rows\n",
            ":3: an anchor (&name)"},
           {"description: x\nafter: {}\n---\ndescription: y\n", ":3: a second YAML document"}}) {
    const auto loaded = LoadText(dir, text);
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(loaded.status().message().find(file + expected), std::string::npos)
        << loaded.status().message();
  }
}

TEST(FixtureFile, TextThatIsNotUtf8IsRefusedNamingTheLineAndOffset) {
  test::ScratchDir dir;
  const auto loaded = LoadText(
      dir, "description: x\nbefore:\n  image_store:\n    - {id: 1, name: \"\xFF\"}\nafter: {}\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find(dir.File("fixture.yaml") +
                                           ":4: not valid UTF-8 (byte offset 59 of the file)"),
            std::string::npos)
      << loaded.status().message();
}

TEST(FixtureFile, APlainFixtureStillLoads) {
  test::ScratchDir dir;
  const auto loaded = LoadText(
      dir, "description: x\nbefore:\n  image_store:\n    - {id: 1, name: nfs}\nafter: {}\n");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->before.at("image_store").size(), 1u);
}

}  // namespace
}  // namespace csm::fixture
