// Every nlohmann::json dump in engine/ replaces text that is not UTF-8 instead of throwing
// (an uncaught type_error 316 aborts csmigrate with exit 134): names, file names and details come
// from databases and listings, whatever their encoding.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"

namespace csm::test {
namespace {

namespace fs = std::filesystem;

TEST(JsonDumpGuard, EveryDumpInTheEngineReplacesInvalidUtf8) {
  std::string unsafe;
  int dumps = 0;
  for (const auto& entry : fs::recursive_directory_iterator(SourceDir() + "/engine")) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || !(path.ends_with(".cc") || path.ends_with(".h"))) continue;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (size_t at = source.find(".dump("); at != std::string::npos;
         at = source.find(".dump(", at + 1)) {
      ++dumps;
      // The call's arguments, up to its closing parenthesis.
      size_t end = at + 6;
      for (int depth = 1; end < source.size() && depth > 0; ++end) {
        depth += source[end] == '(' ? 1 : source[end] == ')' ? -1 : 0;
      }
      const std::string call = source.substr(at, end - at);
      if (call.find("error_handler_t::replace") == std::string::npos) {
        unsafe += path.substr(SourceDir().size() + 1) + ": " + call + "\n";
      }
    }
  }
  EXPECT_GT(dumps, 0);
  EXPECT_EQ(unsafe, "") << "dump() throws on text that is not UTF-8: pass "
                           "error_handler_t::replace";
}

TEST(JsonDumpGuard, AReplacingDumpOfInvalidUtf8GivesValidJson) {
  const nlohmann::json value = {{"name", "bad\xFF\x1B[31m"}};
  EXPECT_THROW(static_cast<void>(value.dump()), nlohmann::json::type_error);
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  EXPECT_EQ(text, "{\"name\":\"bad\xEF\xBF\xBD\\u001b[31m\"}");
  EXPECT_TRUE(nlohmann::json::accept(text));
}

}  // namespace
}  // namespace csm::test
