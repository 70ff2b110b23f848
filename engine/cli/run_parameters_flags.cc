#include "cli/run_parameters_flags.h"

#include <set>
#include <string>

#include "cli/common_flags.h"
#include "cli/connect.h"
#include "cli/rules_flag.h"
#include "common/utf8.h"
#include "rules/detail_entries.h"

namespace csm::cli {

void AddRunParameters(CLI::App* cmd, Options& o) {
  AddDb(cmd, o);
  AddRules(cmd, o);
  AddJson(cmd, o);
  cmd->add_option("--provider", o.provider, "Object store provider: exactly S3 or Swift");
  cmd->add_option("--name", o.name, "Name of the new store (default: the URL, else its uuid)");
  cmd->add_option("--url", o.url, "URL of the new store (Swift: the auth URL; S3: optional)");
  cmd->add_option("--detail", o.details,
                  "A store detail KEY=VALUE, repeatable. S3 needs bucket, accesskey, secretkey, "
                  "endpoint (usehttps=true makes the protocol https); Swift needs account, "
                  "username, key");
  cmd->add_option("--details-file", o.details_file,
                  "Read details from a file of KEY=VALUE lines, so secrets stay out of `ps`");
}

Result<rules::RunParameters> Parameters(const Options& o, const rules::RuleSet& rule_set) {
  rules::RunParameters p;
  if (o.provider) p.scalars["provider"] = *o.provider;
  if (o.name) p.scalars["name"] = *o.name;
  if (o.url) p.scalars["url"] = *o.url;
  auto& details = p.maps["details"];
  const std::set<std::string> known = rules::KnownDetailNames(rule_set);
  if (!o.details_file.empty()) {
    CSM_ASSIGN_OR_RETURN(details, rules::ReadDetailsFile(o.details_file, known));
  }
  for (const auto& d : o.details) {
    CSM_ASSIGN_OR_RETURN(auto kv, rules::ParseDetailEntry(d, "--detail", known));
    details.push_back(kv);
  }
  for (const auto& [key, value] : details) {
    CSM_RETURN_IF_ERROR(CheckUtf8(key, "a --detail or --details-file key"));
    CSM_RETURN_IF_ERROR(CheckUtf8(value, "the value of detail " + key));
  }
  return p;
}

}  // namespace csm::cli
