#include "cli/create_tables.h"

#include <spdlog/spdlog.h>

#include "cli/connect.h"
#include "db/schema_files.h"

namespace csm::cli {

Result<std::pair<std::string, bool>> CreateTables(const Options& o) {
  CSM_ASSIGN_OR_RETURN(Target target, Connect(o, true));
  auto& conn = *target.conn;
  CSM_ASSIGN_OR_RETURN(const bool existed, db::InstallCloudStackTables(conn, o.cloudstack_version));
  if (existed) {
    spdlog::info(
        "{} already has CloudStack's secondary-storage tables: created only what was "
        "missing of them and of csmigrate's tables",
        conn.Describe());
  } else {
    spdlog::info("Created the CloudStack {} secondary-storage tables and csmigrate's tables in {}",
                 o.cloudstack_version, conn.Describe());
  }
  return std::make_pair(conn.Describe(), existed);
}

}  // namespace csm::cli
