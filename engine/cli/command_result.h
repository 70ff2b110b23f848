// How a command ends: its result on stdout (JSON with --json, else text), or its failure on
// stderr (and as a JSON error document with --json) mapped to an exit code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/options.h"
#include "common/result.h"

namespace csm::cli {

// Reports a failure: on stderr for people; with --json also the error document on stdout.
// Returns the exit code.
int Fail(const Options& o, const Status& s);

// The command's result: the JSON document with --json, else the text for people.
void Print(const Options& o, const nlohmann::ordered_json& json, const std::string& text);

}  // namespace csm::cli
