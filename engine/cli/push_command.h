// `csmigrate push KIND ID`: copy one object from its NFS staging store to the object store.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace csm::cli {

// Adds the push command and its options to `app`.
CLI::App* AddPushCommand(CLI::App& app, Options& o);

// Runs push with the parsed options; returns the exit code.
int RunPush(const Options& o);

}  // namespace csm::cli
