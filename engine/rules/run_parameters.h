// The parameters of one run (`--provider`, `--name`, `--url`, `--detail K=V`...), their validation
// against the rule file's declarations, the values derived from them, and the forms in which they
// may be shown or compared (secrets masked, canonical checksum).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "db/value.h"
#include "rules/rule_model.h"

namespace csm::rules {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// What the user gave. Map parameters keep the order given (rows are inserted in that order).
struct RunParameters {
  std::map<std::string, std::optional<std::string>> scalars;
  std::map<std::string, KeyValues> maps;
};

// The values a compiled plan binds: parameters, derived values and values produced while running
// ($new_store). Map parameters stay maps for insert_each.
struct Bindings {
  std::map<std::string, db::Value> scalars;
  std::map<std::string, KeyValues> maps;

  // The value of $name; kInvalidRules if the rule refers to something never bound.
  Result<db::Value> Get(const std::string& name) const;
};

// Checks `params` against the declarations of `rules`: unknown and missing parameters, one_of
// (exact, case-sensitive), the details each provider requires (present and non-empty), duplicate
// detail keys, detail keys that differ from a secret's name only in case. Messages name the
// parameter (--provider, --detail secretkey=...) and never a detail's value.
Status ValidateParameters(const RuleSet& rules, const RunParameters& params);

// The bindings for a run: the parameters, $uuid and $now as given, then the rule's derived values.
Bindings DeriveBindings(const RuleSet& rules, const RunParameters& params, const std::string& uuid,
                        const std::string& now);

// The details CloudStack itself treats as secret (cloudstack.md §1: the S3 `secretkey`, the Swift
// `key`) and `password`: secret whatever a rule file declares.
const std::set<std::string>& CloudStackSecretNames();

// The names of details whose values are secrets: those any provider of `rules` declares in
// secret_details, and always CloudStackSecretNames().
std::set<std::string> SecretNames(const RuleSet& rules);

// Whether a detail named `key` holds a secret, `secrets` being SecretNames(rules): one of
// `secrets` (exactly, case-sensitive), or a name that contains "secret" or "password" in any case
// (db.cloud.password or db.cloud.encrypt.secret given by mistake as a detail).
bool IsSecretName(const std::set<std::string>& secrets, const std::string& key);

// SecretNames(rules) and the detail names of `params` that IsSecretName calls secret: every name
// whose value a run of `params` masks.
std::set<std::string> SecretNames(const RuleSet& rules, const RunParameters& params);

// The parameters as a JSON object text with every secret value (IsSecretName) replaced by
// "******".
std::string MaskedParametersJson(const RuleSet& rules, const RunParameters& params);

// A parameters JSON text as the ledger keeps it (csm_run.params_json), masked again for display:
// in each map parameter, every value whose key IsSecretName(CloudStackSecretNames()) calls secret
// is "******", so that a record an older csmigrate wrote, or one tampered with, shows no secret.
// nullopt when the text is not a JSON object (it is then not shown at all).
std::optional<std::string> RemaskedParametersJson(const std::string& stored_json);

// A checksum identifying the parameters but for their secrets: the SHA-256 of
// MaskedParametersJson in a canonical form (keys sorted, map entries too), so no secret value
// enters it and the checksum stored in the ledger lets no one confirm a guessed secret. Two runs
// with the same checksum were asked the same thing unless their secrets differ: the caller
// compares those another way (apply/applied_secrets.h).
std::string ParametersChecksum(const RuleSet& rules, const RunParameters& params);

// The checksum ParametersChecksum gives, computed from the masked parameters a ledger row keeps
// (csm_run.params_json); "" when that is not JSON. Ledger rows older csmigrates wrote, whose
// params_checksum hashed the secrets too, are recognised and rewritten through it.
std::string MaskedParametersChecksum(const std::string& masked_json);

}  // namespace csm::rules
