// Where csmigrate looks for rules/ and schema/: $CSM_DATA_DIR alone when set, else beside the
// binary, then the build-time default; the first place holding both wins, and when none does the
// error names every place and the fix.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "db/schema_files.h"
#include "test_support.h"

namespace csm::db {
namespace {

namespace fs = std::filesystem;

// Sets or unsets $CSM_DATA_DIR for one test, putting the old value back afterwards.
class DataDirEnvironment {
 public:
  explicit DataDirEnvironment(const std::optional<std::string>& value) {
    if (const char* old = std::getenv("CSM_DATA_DIR")) old_ = old;
    if (value) {
      setenv("CSM_DATA_DIR", value->c_str(), 1);
    } else {
      unsetenv("CSM_DATA_DIR");
    }
  }
  ~DataDirEnvironment() {
    if (old_) {
      setenv("CSM_DATA_DIR", old_->c_str(), 1);
    } else {
      unsetenv("CSM_DATA_DIR");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(DataDirectory, TheFirstPlaceHoldingRulesAndSchemaWins) {
  test::ScratchDir dir;
  fs::create_directories(dir.File("rules-only/rules"));
  fs::create_directories(dir.File("complete/rules"));
  fs::create_directories(dir.File("complete/schema"));
  fs::create_directories(dir.File("also-complete/rules"));
  fs::create_directories(dir.File("also-complete/schema"));
  auto found = FindDataDirectory({{dir.File("missing"), "first"},
                                  {dir.File("rules-only"), "second"},
                                  {dir.File("complete"), "third"},
                                  {dir.File("also-complete"), "fourth"}});
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, dir.File("complete"));
}

TEST(DataDirectory, NothingFoundNamesEveryPlaceAndTheFix) {
  test::ScratchDir dir;
  fs::create_directories(dir.File("schema-only/schema"));
  auto found = FindDataDirectory({{dir.File("nowhere"), "beside the binary /opt/x/bin/csmigrate"},
                                  {dir.File("schema-only"), "the build-time default"}});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), ErrorCode::kNotFound);
  const std::string& message = found.status().message();
  EXPECT_NE(message.find(dir.File("nowhere") + " (beside the binary /opt/x/bin/csmigrate)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(dir.File("schema-only") + " (the build-time default)"), std::string::npos)
      << message;
  EXPECT_NE(message.find("Set CSM_DATA_DIR"), std::string::npos) << message;
  EXPECT_NE(message.find("reinstall csmigrate"), std::string::npos) << message;
}

TEST(DataDirectory, CsmDataDirIsTheOnlyPlaceWhenSet) {
  DataDirEnvironment env(std::string("/somewhere/else"));
  const auto candidates = DataDirectoryCandidates();
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].path, "/somewhere/else");
  EXPECT_EQ(candidates[0].origin, "$CSM_DATA_DIR");
  // Named as the place to look even when it holds nothing: an override is never second-guessed.
  EXPECT_EQ(DataDirectory(), "/somewhere/else");
}

TEST(DataDirectory, UnsetItLooksBesideTheBinaryThenAtTheBuildTimeDefault) {
  DataDirEnvironment env(std::nullopt);
  const auto candidates = DataDirectoryCandidates();
  ASSERT_EQ(candidates.size(), 2u);
  const fs::path binary = fs::read_symlink("/proc/self/exe");
  EXPECT_EQ(candidates[0].path,
            (binary.parent_path() / "../share/csmigrate").lexically_normal().string());
  EXPECT_EQ(candidates[0].origin, "beside the binary " + binary.string());
  EXPECT_EQ(candidates[1].origin, "the build-time default");
  // A test binary has no share/csmigrate beside it: the build-time default (the source tree) is
  // what it finds.
  EXPECT_EQ(DataDirectory(), candidates[1].path);
}

}  // namespace
}  // namespace csm::db
