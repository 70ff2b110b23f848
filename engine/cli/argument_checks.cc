#include "cli/argument_checks.h"

#include <cstdlib>
#include <string>

#include "cli/connect.h"
#include "common/utf8.h"
#include "crypto/db_properties.h"
#include "db/database_url.h"
#include "db/schema_files.h"

namespace csm::cli {

Status CheckArgumentsAreUtf8(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& value : option->results()) {
      CSM_RETURN_IF_ERROR(CheckUtf8(value, option->get_name()));
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    CSM_RETURN_IF_ERROR(CheckArgumentsAreUtf8(*sub));
  }
  return Status::Ok();
}

Status CheckEnvironmentIsUtf8() {
  for (const char* name : {"CSM_DB", "CSM_DATA_DIR", "CLOUD_SECRET_KEY"}) {
    if (const char* value = std::getenv(name); value != nullptr) {
      CSM_RETURN_IF_ERROR(CheckUtf8(value, std::string("$") + name));
    }
  }
  return Status::Ok();
}

FileRoles FileRolesOf(const Options& o) {
  FileRoles roles;
  roles.outputs = {
      {"--output", o.output}, {"--repair-sql", o.repair_sql}, {"--log-file", o.log.file}};
  const char* env = std::getenv("CSM_DB");
  const std::string db_url = !o.db_url.empty() ? o.db_url : env != nullptr ? env : "";
  const std::string db_option = !o.db_url.empty() ? "--db" : "$CSM_DB";
  if (auto url = db::ParseDatabaseUrl(db_url); url.ok() && url->scheme == "sqlite") {
    // SQLite also reads its journal and write-ahead log beside the file.
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      roles.inputs.push_back({db_option + " (SQLite database)", url->path + suffix});
    }
  }
  roles.inputs.push_back(
      {"--db-properties", o.db_properties.empty() ? kCloudStackDbProperties : o.db_properties});
  roles.inputs.push_back(
      {"--key-file", o.key_file.empty() ? std::string(crypto::kDefaultKeyFile) : o.key_file});
  roles.inputs.push_back({"--rules", o.rules_path});
  roles.inputs.push_back({"--details-file", o.details_file});
  roles.input_trees.push_back({"fixture DIR", o.fixture_dir});
  for (const std::string& root : o.nfs_roots) {
    roles.input_trees.push_back({"--nfs-root", root.substr(root.find('=') + 1)});
  }
  if (auto data = db::FindDataDirectory(db::DataDirectoryCandidates()); data.ok()) {
    roles.input_trees.push_back({"the data directory", *data + "/rules"});
    roles.input_trees.push_back({"the data directory", *data + "/schema"});
  }
  return roles;
}

}  // namespace csm::cli
