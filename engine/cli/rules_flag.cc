#include "cli/rules_flag.h"

#include <string>

#include "db/schema_files.h"
#include "rules/rule_loader.h"

namespace csm::cli {

void AddRules(CLI::App* cmd, Options& o) {
  cmd->add_option("--rules", o.rules_path,
                  "Rule file (default: rules/nfs-to-object-store.yaml under $CSM_DATA_DIR or the "
                  "install's data directory)");
}

Result<rules::RuleSet> Rules(const Options& o) {
  if (!o.rules_path.empty()) return rules::LoadRuleFile(o.rules_path);
  // The shipped rule file; when no data directory has it, the error names every place looked at.
  CSM_ASSIGN_OR_RETURN(const std::string data,
                       db::FindDataDirectory(db::DataDirectoryCandidates()));
  return rules::LoadRuleFile(data + "/rules/nfs-to-object-store.yaml");
}

}  // namespace csm::cli
