#include "db/schema_files.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "db/engine_tables.h"

namespace csm::db {

std::string DataDirectory() {
  const char* env = std::getenv("CSM_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : CSM_DATA_DIR;
}

Status InstallSchemaFile(Connection& conn, const std::string& name) {
  const std::string path =
      DataDirectory() + "/schema/" + conn.dialect().name() + "/" + name + ".sql";
  std::ifstream in(path);
  if (!in) {
    return Status(
        ErrorCode::kNotFound,
        "schema file " + path + " not found (set CSM_DATA_DIR to the csmigrate source tree)");
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

Status EnsurePickTableForPlan(Connection& conn) {
  CSM_ASSIGN_OR_RETURN(TableSchema pick, conn.DescribeTable(kPickTable));
  if (pick.exists()) return Status::Ok();
  return InstallSchemaFile(conn, "engine-plan");
}

}  // namespace csm::db
