// Reads a rule file into a RuleSet, rejecting malformed YAML and unknown keys with the file, the
// line and what was expected. It checks the file's own structure only; whether tables and columns
// exist is the validator's job (it needs the live schema).
#pragma once

#include <string>

#include "common/result.h"
#include "rules/rule_model.h"

namespace csm::rules {

// Loads the rule file at `path`. Errors are kInvalidRules (or kNotFound for a missing file).
Result<RuleSet> LoadRuleFile(const std::string& path);

// Loads rules from `text`, reporting positions as `file_name`:line.
Result<RuleSet> LoadRuleText(const std::string& text, const std::string& file_name);

}  // namespace csm::rules
