#include "cli/create_tables.h"

#include <spdlog/spdlog.h>

#include "cli/connect.h"
#include "db/schema_files.h"

namespace csm::cli {

Result<std::pair<std::string, bool>> CreateTables(const Options& o) {
  if (o.cloudstack_version != "4.3" && o.cloudstack_version != "4.22") {
    return Status(ErrorCode::kInvalidArgument, "--cloudstack must be 4.3 or 4.22");
  }
  CSM_ASSIGN_OR_RETURN(Target target, Connect(o, true));
  auto& conn = *target.conn;
  CSM_ASSIGN_OR_RETURN(db::TableSchema existing, conn.DescribeTable("image_store"));
  CSM_RETURN_IF_ERROR(db::InstallSchemaFile(conn, "cloudstack-" + o.cloudstack_version));
  CSM_RETURN_IF_ERROR(db::EnsureEngineTables(conn));
  if (existing.exists()) {
    spdlog::info(
        "{} already has CloudStack's secondary-storage tables: created only what was "
        "missing of them and of csmigrate's tables",
        conn.Describe());
  } else {
    spdlog::info("Created the CloudStack {} secondary-storage tables and csmigrate's tables in {}",
                 o.cloudstack_version, conn.Describe());
  }
  return std::make_pair(conn.Describe(), existing.exists());
}

}  // namespace csm::cli
