// The database a command works on: the --db / --db-properties / --key-file options, and the
// connection they name, with how secrets are written there.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "apply/secret_details.h"
#include "cli/options.h"
#include "common/result.h"
#include "db/connection.h"

namespace csm::cli {

// Where CloudStack's management server keeps its database configuration.
inline constexpr const char* kCloudStackDbProperties = "/etc/cloudstack/management/db.properties";

// The database to work on and how secrets are written there: from --db (password from the
// environment or a prompt) or from CloudStack's db.properties (password and secrets from there).
struct Target {
  std::unique_ptr<db::Connection> conn;
  std::optional<apply::SecretEncryption> encryption;
};

// Opens the database the options name: --db, else $CSM_DB, else --db-properties, else
// CloudStack's own db.properties when present (the password from the environment, a prompt or
// db.properties). `create`: a SQLite file may be created. kInvalidArgument when none is named.
Result<Target> Connect(const Options& o, bool create);

// How this command named its database, to repeat in a command it suggests (" --db URL", "
// --db-properties FILE [--key-file FILE]"; "" when it came from $CSM_DB or the default).
std::string DbArguments(const Options& o);

// Adds --db, --db-properties (excluding each other) and --key-file to `cmd`.
void AddDb(CLI::App* cmd, Options& o);

}  // namespace csm::cli
