// The tables init and fixture load create.
#pragma once

#include <string>
#include <utility>

#include "cli/options.h"
#include "common/result.h"

namespace csm::cli {

// Creates CloudStack's tables (of --cloudstack's version) and csmigrate's where missing, and
// logs which; returns the database's description and whether CloudStack's were there already.
Result<std::pair<std::string, bool>> CreateTables(const Options& o);

}  // namespace csm::cli
