// Test seams ship only in the test build (engine/common/test_seam.h): the release binary holds no
// CSM_TEST_ switch, the test build csmigrate-seams holds them all.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "test_support.h"

namespace csm::test {
namespace {

// The CSM_TEST_<NAME> words in the file at `path` (a binary read as bytes).
std::set<std::string> TestSwitches(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string text = bytes.str();
  EXPECT_FALSE(text.empty()) << "cannot read " << path;
  std::set<std::string> found;
  const std::string prefix = "CSM_TEST_";
  for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    auto end = at + prefix.size();
    while (end < text.size() &&
           (std::isupper(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
      ++end;
    }
    found.insert(text.substr(at, end - at));
  }
  return found;
}

TEST(TestSeams, ReleaseBinaryHoldsNoTestSwitch) {
  const std::set<std::string> found = TestSwitches(CSM_BINARY);
  EXPECT_EQ(found, std::set<std::string>{}) << "the release binary " << CSM_BINARY;
}

TEST(TestSeams, TestBuildHoldsTheSwitches) {
  const std::set<std::string> found = TestSwitches(CSM_SEAM_BINARY);
  for (const char* name : {"CSM_TEST_PAUSE", "CSM_TEST_WAIT_BEFORE_LOCK", "CSM_TEST_DRAIN_PAUSE"}) {
    EXPECT_TRUE(found.count(name)) << name << " is not in " << CSM_SEAM_BINARY;
  }
}

}  // namespace
}  // namespace csm::test
