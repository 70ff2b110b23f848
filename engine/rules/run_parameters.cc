#include "rules/run_parameters.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/digest.h"
#include "common/text.h"

namespace csm::rules {
namespace {

// Reads $name or $map.key from the user's parameters; nullopt when absent or NULL.
std::optional<std::string> Lookup(const RunParameters& params, const std::string& path) {
  const auto dot = path.find('.');
  if (dot != std::string::npos) {
    const auto map = params.maps.find(path.substr(0, dot));
    if (map == params.maps.end()) return std::nullopt;
    for (const auto& [key, value] : map->second) {
      if (key == path.substr(dot + 1)) return value;
    }
    return std::nullopt;
  }
  const auto it = params.scalars.find(path);
  return it == params.scalars.end() ? std::nullopt : it->second;
}

}  // namespace

Result<db::Value> Bindings::Get(const std::string& name) const {
  const auto it = scalars.find(name);
  if (it == scalars.end()) {
    return Status(ErrorCode::kInvalidRules, "$" + name + " is not bound at this point of the run");
  }
  return it->second;
}

Status ValidateParameters(const RuleSet& rules, const RunParameters& params) {
  const std::set<std::string> secrets = SecretNames(rules);
  for (const auto& scalar : params.scalars) {
    const std::string& name = scalar.first;  // clang 14's lambdas cannot capture a binding
    const auto spec = std::find_if(rules.parameters.begin(), rules.parameters.end(),
                                   [&](const ParameterSpec& p) { return p.name == name; });
    if (spec == rules.parameters.end() || spec->is_map) {
      return Status(ErrorCode::kInvalidArgument,
                    "--" + name + " is not a parameter of rules '" + rules.name + "'");
    }
  }
  for (const auto& spec : rules.parameters) {
    if (spec.is_map) {
      const auto it = params.maps.find(spec.name);
      if (it == params.maps.end()) continue;
      std::set<std::string> seen;
      for (const auto& [key, value] : it->second) {
        if (key.empty()) {
          return Status(ErrorCode::kInvalidArgument,
                        "--detail needs KEY=VALUE; an entry has an empty key");
        }
        if (!seen.insert(key).second) {
          return Status(ErrorCode::kInvalidArgument,
                        "--detail " + key + " is given twice; give each detail once");
        }
        // CloudStack reads its secret details by their exact names; a variant in case would be
        // stored as an ordinary detail, its secret unmasked and unencrypted.
        for (const auto& secret : secrets) {
          if (key != secret && ToLower(key) == ToLower(secret)) {
            return Status(ErrorCode::kInvalidArgument,
                          "--detail " + key + ": CloudStack only reads the secret detail '" +
                              secret + "' (case-sensitive); give it as " + secret + "=VALUE");
          }
        }
      }
      continue;
    }
    const std::optional<std::string> value = Lookup(params, spec.name);
    if (spec.required && (!value || value->empty())) {
      return Status(ErrorCode::kInvalidArgument, "--" + spec.name + " is required");
    }
    if (value && !spec.one_of.empty() &&
        std::find(spec.one_of.begin(), spec.one_of.end(), *value) == spec.one_of.end()) {
      std::string allowed;
      for (const auto& a : spec.one_of) allowed += (allowed.empty() ? "" : ", ") + a;
      return Status(ErrorCode::kInvalidArgument,
                    "--" + spec.name + " '" + *value +
                        "' is not accepted; expected exactly one of: " + allowed +
                        " (case-sensitive)");
    }
  }
  const std::optional<std::string> provider = Lookup(params, "provider");
  if (provider) {
    if (const ProviderSpec* spec = rules.FindProvider(*provider)) {
      for (const auto& key : spec->required_details) {
        const std::optional<std::string> value = Lookup(params, "details." + key);
        if (!value || value->empty()) {
          return Status(
              ErrorCode::kInvalidArgument, "provider " + *provider + " needs --detail " + key +
                                               "=VALUE (required: " +
                                               [&] {
                                                 std::string all;
                                                 for (const auto& k : spec->required_details) {
                                                   all += (all.empty() ? "" : ", ") + k;
                                                 }
                                                 return all;
                                               }() +
                                               ")");
        }
      }
    }
  }
  return Status::Ok();
}

Bindings DeriveBindings(const RuleSet& rules, const RunParameters& params, const std::string& uuid,
                        const std::string& now) {
  Bindings b;
  for (const auto& spec : rules.parameters) {
    if (spec.is_map) {
      const auto it = params.maps.find(spec.name);
      b.maps[spec.name] = it == params.maps.end() ? KeyValues{} : it->second;
      continue;
    }
    const std::optional<std::string> value = Lookup(params, spec.name);
    b.scalars[spec.name] = value ? db::Value(*value) : db::Value();
  }
  b.scalars["uuid"] = uuid;
  b.scalars["now"] = now;
  for (const auto& d : rules.derived) {
    db::Value result;
    if (!d.coalesce.empty()) {
      for (const auto& op : d.coalesce) {
        db::Value candidate;
        if (op.kind == Operand::Kind::kParameter) {
          const auto it = b.scalars.find(op.parameter);
          if (it != b.scalars.end()) candidate = it->second;
        } else if (op.kind == Operand::Kind::kLiteral) {
          candidate = op.literal;
        }
        const auto* text = std::get_if<std::string>(&candidate);
        if (!db::IsNull(candidate) && !(text && text->empty())) {
          result = candidate;
          break;
        }
      }
    } else {
      bool all = true;
      for (const auto& [path, expected] : d.if_all) {
        const std::optional<std::string> value = Lookup(params, path);
        const std::string wanted = db::ToDisplay(expected);
        // Booleans compare as Java's Boolean.parseBoolean does: case-insensitively.
        const bool boolean = ToLower(wanted) == "true" || ToLower(wanted) == "false";
        all = all && value && (boolean ? ToLower(*value) == ToLower(wanted) : *value == wanted);
      }
      result = all ? d.then_value : d.else_value;
    }
    b.scalars[d.name] = result;
  }
  return b;
}

const std::set<std::string>& CloudStackSecretNames() {
  static const std::set<std::string> kNames = {"secretkey", "key", "password"};
  return kNames;
}

std::set<std::string> SecretNames(const RuleSet& rules) {
  std::set<std::string> names = CloudStackSecretNames();
  for (const auto& p : rules.providers)
    names.insert(p.secret_details.begin(), p.secret_details.end());
  return names;
}

bool IsSecretName(const std::set<std::string>& secrets, const std::string& key) {
  const std::string lower = ToLower(key);
  return secrets.count(key) > 0 || lower.find("secret") != std::string::npos ||
         lower.find("password") != std::string::npos;
}

std::set<std::string> SecretNames(const RuleSet& rules, const RunParameters& params) {
  std::set<std::string> names = SecretNames(rules);
  for (const auto& [map, entries] : params.maps) {
    for (const auto& [key, value] : entries) {
      if (IsSecretName(names, key)) names.insert(key);
    }
  }
  return names;
}

std::string MaskedParametersJson(const RuleSet& rules, const RunParameters& params) {
  const std::set<std::string> secrets = SecretNames(rules);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] : params.scalars) {
    out[name] = value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
  }
  for (const auto& [name, entries] : params.maps) {
    nlohmann::ordered_json map = nlohmann::ordered_json::object();
    for (const auto& [key, value] : entries) {
      map[key] = IsSecretName(secrets, key) ? "******" : value;
    }
    out[name] = map;
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> RemaskedParametersJson(const std::string& stored_json) {
  auto parsed = nlohmann::ordered_json::parse(stored_json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  for (auto& [name, value] : parsed.items()) {
    if (!value.is_object()) continue;
    for (auto& [key, entry] : value.items()) {
      if (IsSecretName(CloudStackSecretNames(), key)) entry = "******";
    }
  }
  return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string MaskedParametersChecksum(const std::string& masked_json) {
  const auto parsed = nlohmann::json::parse(masked_json, nullptr, false);  // std::map: sorted keys
  return parsed.is_discarded()
             ? ""
             : Sha256Hex(parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string ParametersChecksum(const RuleSet& rules, const RunParameters& params) {
  return MaskedParametersChecksum(MaskedParametersJson(rules, params));
}

}  // namespace csm::rules
