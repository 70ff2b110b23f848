// Fuzz target: Java .properties reading and writing (crypto/java_properties.h).
// Feeds: the input as the bytes of a .properties file to ParseJavaProperties.
// Checks: no crash, leak or undefined behaviour; a refusal is kInvalidArgument naming the source;
// every key and value read is written back by FormatJavaProperty into a line that
// ParseJavaProperties reads as exactly that one key and value, and all those lines together read
// back as the whole map (what csmigrate writes, Java and csmigrate read back unchanged).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "crypto/java_properties.h"
#include "fuzz_check.h"

using csm::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using Values = std::map<std::string, std::string>;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = csm::crypto::ParseJavaProperties(text, "fuzz.properties");
  if (!parsed.ok()) {
    Require(parsed.status().code() == csm::ErrorCode::kInvalidArgument);
    Require(parsed.status().message().find("fuzz.properties") != std::string::npos);
    return 0;
  }
  std::string written;
  for (const auto& [key, value] : parsed.value()) {
    const std::string line = csm::crypto::FormatJavaProperty(key, value);
    const auto one = csm::crypto::ParseJavaProperties(line, "line");
    Require(one.ok() && one.value() == Values{{key, value}});
    written += line;
  }
  const auto all = csm::crypto::ParseJavaProperties(written, "written");
  Require(all.ok() && all.value() == parsed.value());
  return 0;
}
