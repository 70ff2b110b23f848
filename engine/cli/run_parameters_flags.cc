#include "cli/run_parameters_flags.h"

#include <optional>
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

namespace {

// Ok when `value` of `flag` holds no control character: a store's name or URL with a line break,
// a NUL or an escape sequence is no name CloudStack can show or use.
Status CheckNoControlCharacters(const std::optional<std::string>& value, const std::string& flag) {
  if (!value) return Status::Ok();
  for (size_t i = 0; i < value->size(); ++i) {
    const auto c = static_cast<unsigned char>((*value)[i]);
    if (c < 0x20 || c == 0x7F) {
      return Status(ErrorCode::kInvalidArgument,
                    flag + " holds a control character at byte offset " + std::to_string(i) +
                        " (a line break, a NUL, an escape sequence); give it as plain text");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<rules::RunParameters> Parameters(const Options& o, const rules::RuleSet& rule_set) {
  CSM_RETURN_IF_ERROR(CheckNoControlCharacters(o.name, "--name"));
  CSM_RETURN_IF_ERROR(CheckNoControlCharacters(o.url, "--url"));
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
