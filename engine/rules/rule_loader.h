// Reads a rule file into a RuleSet, rejecting malformed YAML and unknown keys with the file, the
// line and what was expected. It checks the file's own structure only; whether tables and columns
// exist is the validator's job (it needs the live schema).
#pragma once

#include <cstddef>
#include <string>

#include "common/result.h"
#include "rules/rule_model.h"

namespace csm::rules {

// The largest rule file accepted: 1 MiB (the shipped one is about 11 KiB). A larger file is
// refused by its size, before it is parsed (a YAML parser takes many times a file's size).
inline constexpr size_t kMaxRuleFileBytes = 1024 * 1024;

// Loads the rule file at `path`. Errors are kInvalidRules (or kNotFound for a missing file), among
// them a file larger than kMaxRuleFileBytes, text that is not UTF-8 or uses YAML beyond plain
// mappings, lists and values (rules/plain_yaml.h), a mapping that repeats a key, an empty list and
// a file with no steps.
Result<RuleSet> LoadRuleFile(const std::string& path);

// Loads rules from `text`, reporting positions as `file_name`:line.
Result<RuleSet> LoadRuleText(const std::string& text, const std::string& file_name);

}  // namespace csm::rules
