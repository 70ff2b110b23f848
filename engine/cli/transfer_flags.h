// What push and drain share: their transfer options and the runner options they make.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/connect.h"
#include "cli/options.h"
#include "common/result.h"
#include "push/push_runner.h"

namespace csm::cli {

// Adds --nfs-root, --multipart-threshold, --bwlimit, --stall-timeout and --json to `cmd`.
void AddTransferOptions(CLI::App* cmd, Options& o);

// The store access and the runner's options: --nfs-root, --multipart-threshold (kInvalidArgument
// below 1 MiB), --bwlimit (one rate limiter for every transfer; kInvalidArgument naming the flag
// and the value when it is not a rate), --stall-timeout, --jobs, progress unless --quiet, and the
// secret encryption of `target`.
Result<push::RunnerOptions> RunnerOptionsFor(const Options& o, const Target& target);

}  // namespace csm::cli
