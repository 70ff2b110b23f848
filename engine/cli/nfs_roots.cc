#include "cli/nfs_roots.h"

#include <utility>

#include "db/value.h"

namespace csm::cli {
namespace {

// Splits "KEY=VALUE" into its parts; the value may contain '='.
Result<std::pair<std::string, std::string>> KeyValue(const std::string& text,
                                                     const std::string& origin) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status(ErrorCode::kInvalidArgument,
                  origin + ": expected KEY=VALUE, got '" + text.substr(0, text.find('=')) + "'");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace

Result<std::map<int64_t, std::string>> NfsRoots(const Options& o) {
  std::map<int64_t, std::string> roots;
  for (const auto& text : o.nfs_roots) {
    CSM_ASSIGN_OR_RETURN(auto pair, KeyValue(text, "--nfs-root"));
    auto id = db::AsInteger(pair.first);
    if (!id || *id <= 0) {
      return Status(ErrorCode::kInvalidArgument, "--nfs-root " + text + ": expected STORE_ID=PATH");
    }
    if (const auto [given, inserted] = roots.emplace(*id, pair.second); !inserted) {
      return Status(ErrorCode::kInvalidArgument,
                    "--nfs-root is given twice for store " + std::to_string(*id) + " (" +
                        given->second + " and " + pair.second + "); give each store's export once");
    }
  }
  return roots;
}

}  // namespace csm::cli
