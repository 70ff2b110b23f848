// The parameters of a conversion run (plan and apply): the options naming the new store and its
// details, and the rules::RunParameters they make.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"
#include "common/result.h"
#include "rules/rule_model.h"
#include "rules/run_parameters.h"

namespace csm::cli {

// Adds --db, --rules, --json, --provider, --name, --url, --detail and --details-file to `cmd`.
void AddRunParameters(CLI::App* cmd, Options& o);

// The run's parameters; the details of --details-file first, then those of --detail, each trimmed
// (rules/detail_entries.h: no error repeats a value). kInvalidArgument for a --name or --url
// holding a control character, or a detail that is not UTF-8.
Result<rules::RunParameters> Parameters(const Options& o, const rules::RuleSet& rule_set);

}  // namespace csm::cli
