// Checks of the whole command line before a command runs: its text, and the files it names.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.h"
#include "common/output_guard.h"
#include "common/result.h"

namespace csm::cli {

// Every argument given (options and positionals of the commands used), as UTF-8: text in another
// encoding is refused before it can reach the database, a report or a log.
Status CheckArgumentsAreUtf8(const CLI::App& app);

// The environment variables that stand for arguments ($CSM_DB for --db, $CSM_DATA_DIR, and
// $CLOUD_SECRET_KEY for --key-file), as UTF-8, refused as an argument would be (named, never
// shown). The database clients' own passwords (MYSQL_PWD, PGPASSWORD) go to them as bytes.
Status CheckEnvironmentIsUtf8();

// The files this invocation writes (--output, --repair-sql, --log-file) and every file or tree
// it may read, for the output guard.
FileRoles FileRolesOf(const Options& o);

}  // namespace csm::cli
