#include "db/schema_files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "db/engine_tables.h"

namespace csm::db {

std::vector<DataDirectoryCandidate> DataDirectoryCandidates() {
  const char* env = std::getenv("CSM_DATA_DIR");
  if (env != nullptr && *env != '\0') return {{env, "$CSM_DATA_DIR"}};
  std::vector<DataDirectoryCandidate> candidates;
  std::error_code ec;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(
        {(binary.parent_path() / CSM_DATA_DIR_FROM_BINARY).lexically_normal().string(),
         "beside the binary " + binary.string()});
  }
  candidates.push_back({CSM_DATA_DIR, "the build-time default"});
  return candidates;
}

Result<std::string> FindDataDirectory(const std::vector<DataDirectoryCandidate>& candidates) {
  std::string looked;
  for (const auto& candidate : candidates) {
    std::error_code ec;
    const std::filesystem::path dir = candidate.path;
    if (std::filesystem::is_directory(dir / "rules", ec) &&
        std::filesystem::is_directory(dir / "schema", ec)) {
      return candidate.path;
    }
    looked += (looked.empty() ? "" : ", ") + candidate.path + " (" + candidate.origin + ")";
  }
  return Status(
      ErrorCode::kNotFound,
      "csmigrate's data files (rules/ and schema/) are in none of the places it looked: " + looked +
          ". Set CSM_DATA_DIR to the directory holding them (an installed csmigrate keeps "
          "them in PREFIX/share/csmigrate; the source tree has them), or reinstall "
          "csmigrate so that they are in " CSM_DATA_DIR_FROM_BINARY " beside its binary");
}

std::string DataDirectory() {
  const auto candidates = DataDirectoryCandidates();
  auto found = FindDataDirectory(candidates);
  return found.ok() ? *found : candidates.front().path;
}

Status InstallSchemaFile(Connection& conn, const std::string& name) {
  CSM_ASSIGN_OR_RETURN(const std::string data, FindDataDirectory(DataDirectoryCandidates()));
  const std::string path = data + "/schema/" + conn.dialect().name() + "/" + name + ".sql";
  std::ifstream in(path);
  if (!in) {
    return Status(ErrorCode::kNotFound,
                  "schema file " + path + " not found: csmigrate's data in " + data +
                      " is incomplete; reinstall csmigrate, or set CSM_DATA_DIR to a complete "
                      "copy of rules/ and schema/");
  }
  std::stringstream text;
  text << in.rdbuf();
  return conn.ExecuteScript(text.str()).WithContext(path);
}

Result<bool> EngineTablesExist(Connection& conn) {
  for (const char* table : {kRunTable, kJournalTable, kAfterTable, kPickTable, kLockTable}) {
    CSM_ASSIGN_OR_RETURN(TableSchema schema, conn.DescribeTable(table));
    if (!schema.exists()) return false;
  }
  return true;
}

Status EnsureEngineTables(Connection& conn) {
  CSM_ASSIGN_OR_RETURN(bool exist, EngineTablesExist(conn));
  if (!exist) return InstallSchemaFile(conn, "engine");
  // Engine tables made by an earlier csmigrate: add what engine.sql has gained since.
  CSM_ASSIGN_OR_RETURN(TableSchema journal, conn.DescribeTable(kJournalTable));
  if (journal.Find("after_image") == nullptr) {
    CSM_RETURN_IF_ERROR(InstallSchemaFile(conn, "engine-journal-after-image"));
  }
  return Status::Ok();
}

Result<bool> InstallCloudStackTables(Connection& conn, const std::string& cloudstack_version) {
  if (cloudstack_version != "4.3" && cloudstack_version != "4.22") {
    return Status(ErrorCode::kInvalidArgument, "--cloudstack must be 4.3 or 4.22");
  }
  CSM_ASSIGN_OR_RETURN(TableSchema existing, conn.DescribeTable("image_store"));
  CSM_RETURN_IF_ERROR(InstallSchemaFile(conn, "cloudstack-" + cloudstack_version));
  CSM_RETURN_IF_ERROR(EnsureEngineTables(conn));
  return existing.exists();
}

Result<bool> DrainTablesExist(Connection& conn) {
  for (const char* table : {kClaimTable, kWorkerTable}) {
    CSM_ASSIGN_OR_RETURN(TableSchema schema, conn.DescribeTable(table));
    if (!schema.exists()) return false;
  }
  return true;
}

Status EnsureDrainTables(Connection& conn) {
  CSM_ASSIGN_OR_RETURN(bool exist, DrainTablesExist(conn));
  if (exist) return Status::Ok();
  Status installed = InstallSchemaFile(conn, "engine-drain");
  if (installed.ok()) return installed;
  // Another worker may have created them at the same moment (PostgreSQL's catalog then refuses
  // the second CREATE ... IF NOT EXISTS with a duplicate key).
  CSM_ASSIGN_OR_RETURN(exist, DrainTablesExist(conn));
  return exist ? Status::Ok() : installed;
}

Status EnsurePickTableForPlan(Connection& conn) {
  CSM_ASSIGN_OR_RETURN(TableSchema pick, conn.DescribeTable(kPickTable));
  if (pick.exists()) return Status::Ok();
  return InstallSchemaFile(conn, "engine-plan");
}

}  // namespace csm::db
