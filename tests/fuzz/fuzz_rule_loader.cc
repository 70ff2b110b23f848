// Fuzz target: the rule loader (rules/rule_loader.h).
// Feeds: the input as the text of a rule file to LoadRuleText (YAML parsing by yaml-cpp, then the
// loader's own checks of the file's structure).
// Checks: no crash, leak or undefined behaviour; a refusal is kInvalidRules and names the file; a
// loaded rule set loads again from the same text with the same number of steps (the loader keeps
// no state between calls).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_check.h"
#include "rules/rule_loader.h"

using csm::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto loaded = csm::rules::LoadRuleText(text, "fuzz.yaml");
  if (!loaded.ok()) {
    Require(loaded.status().code() == csm::ErrorCode::kInvalidRules);
    Require(loaded.status().message().find("fuzz.yaml") != std::string::npos);
    return 0;
  }
  const auto again = csm::rules::LoadRuleText(text, "fuzz.yaml");
  Require(again.ok() && again.value().steps.size() == loaded.value().steps.size());
  return 0;
}
