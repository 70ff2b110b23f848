// The DDL shipped in schema/<dialect>/: CloudStack's tables (for `init` and tests) and the engine's
// own tables.
#pragma once

#include <string>

#include "common/result.h"
#include "db/connection.h"

namespace csm::db {

// The directory holding rules/ and schema/: $CSM_DATA_DIR if set, else the build-time default.
std::string DataDirectory();

// Runs schema/<dialect>/<name>.sql (e.g. "cloudstack-4.3", "engine") on `conn`.
Status InstallSchemaFile(Connection& conn, const std::string& name);

// Creates the engine's tables when any is missing, and brings tables an earlier csmigrate created
// up to date (schema/<dialect>/engine-*.sql); does not write when they are current. DDL: call it
// outside any data transaction (MySQL commits DDL implicitly).
Status EnsureEngineTables(Connection& conn);

// For plan, inside its open transaction: makes csm_pick usable without DDL that would commit or
// outlive the transaction. Where csmigrate's tables do not exist yet, creates a temporary csm_pick
// for this session (schema/<dialect>/engine-plan.sql); otherwise does nothing.
Status EnsurePickTableForPlan(Connection& conn);

// True when the engine's tables exist (a database csmigrate has never touched has none).
Result<bool> EngineTablesExist(Connection& conn);

}  // namespace csm::db
