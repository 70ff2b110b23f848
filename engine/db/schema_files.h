// The data files csmigrate ships (rules/ and schema/<dialect>/), where they are found, and the DDL
// in schema/<dialect>/: CloudStack's tables (for `init` and tests) and the engine's own tables.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"

namespace csm::db {

// A place that may hold rules/ and schema/, and why it is looked at ("$CSM_DATA_DIR", ...).
struct DataDirectoryCandidate {
  std::string path;
  std::string origin;
};

// Where csmigrate looks for its data, in order: $CSM_DATA_DIR alone when it is set (an override
// is never second-guessed); else ../share/csmigrate beside the running binary (/proc/self/exe, so
// an installed csmigrate finds its data from any working directory), then the build-time default
// (the source tree, for a binary run from its build directory).
std::vector<DataDirectoryCandidate> DataDirectoryCandidates();

// The first of `candidates` holding both rules/ and schema/. When none does: kNotFound naming
// every place looked at and how to fix it (reinstall, or set CSM_DATA_DIR).
Result<std::string> FindDataDirectory(const std::vector<DataDirectoryCandidate>& candidates);

// The directory holding rules/ and schema/, for building default paths: FindDataDirectory's
// answer, else the first candidate (a file under it is then reported missing where it is opened;
// FindDataDirectory says why).
std::string DataDirectory();

// Runs schema/<dialect>/<name>.sql (e.g. "cloudstack-4.3", "engine") on `conn`. kNotFound, naming
// every place looked at, when no data directory is found.
Status InstallSchemaFile(Connection& conn, const std::string& name);

// Creates the engine's tables when any is missing, and brings tables an earlier csmigrate created
// up to date (schema/<dialect>/engine-*.sql); does not write when they are current. DDL: call it
// outside any data transaction (MySQL commits DDL implicitly).
Status EnsureEngineTables(Connection& conn);

// For plan, inside its open transaction: makes csm_pick usable without DDL that would commit or
// outlive the transaction. Where csmigrate's tables do not exist yet, creates a temporary csm_pick
// for this session (schema/<dialect>/engine-plan.sql); otherwise does nothing.
Status EnsurePickTableForPlan(Connection& conn);

// Creates CloudStack's secondary-storage tables of `cloudstack_version` ("4.3" or "4.22":
// schema/<dialect>/cloudstack-<version>.sql) and the engine's tables, where missing (init and
// fixture load). Returns whether CloudStack's tables were there already (image_store exists).
// kInvalidArgument for another version. DDL: outside any data transaction.
Result<bool> InstallCloudStackTables(Connection& conn, const std::string& cloudstack_version);

// Creates drain's work board (csm_claim, csm_worker: schema/<dialect>/engine-drain.sql) when it is
// missing. Safe when several workers start at once (a creation that loses the race to another is
// not an error once the tables exist). DDL: outside any data transaction.
Status EnsureDrainTables(Connection& conn);

// True when drain's work board exists (no drain or push has uploaded through csmigrate yet).
Result<bool> DrainTablesExist(Connection& conn);

// True when the engine's tables exist (a database csmigrate has never touched has none).
Result<bool> EngineTablesExist(Connection& conn);

}  // namespace csm::db
