// The rule file a command applies: the --rules option, else the shipped rule file.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"
#include "common/result.h"
#include "rules/rule_model.h"

namespace csm::cli {

// Adds --rules FILE to `cmd`.
void AddRules(CLI::App* cmd, Options& o);

// Loads --rules, else rules/nfs-to-object-store.yaml of the data directory; when no data directory
// has it, the error names every place looked at.
Result<rules::RuleSet> Rules(const Options& o);

}  // namespace csm::cli
