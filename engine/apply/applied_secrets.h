// Whether a run's secrets are those an applied run wrote. The ledger keeps nothing from which a
// secret could be confirmed (rules::ParametersChecksum leaves secrets out), so a repeated apply is
// recognised by its other parameters first and then by its secrets, compared with the detail rows
// the applied run inserted: rows CloudStack itself keeps, encrypted when the installation encrypts
// its secrets (then decrypted here with the installation's secret, never stored anywhere).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apply/secret_details.h"
#include "common/result.h"
#include "db/connection.h"
#include "rules/rule_model.h"
#include "rules/run_parameters.h"

namespace csm::apply {

// How the secrets of `params` compare with those run `run_id` wrote.
struct SecretComparison {
  std::vector<std::string> differing;  // detail names whose stored value is another secret
  std::vector<std::string> missing;    // detail names the run's rows no longer hold
  bool same() const { return differing.empty() && missing.empty(); }
};

// Compares each secret detail of `params` (rules::IsSecretName) with the value of the row of that
// name run `run_id` inserted into its detail table (rules::DetailTables; found through the run's
// journal), as stored or, when `encryption` is given and the stored value decrypts with its
// secret, decrypted. Reads only; the secrets appear in no message.
Result<SecretComparison> CompareAppliedSecrets(db::Connection& conn, const rules::RuleSet& rules,
                                               const rules::RunParameters& params, int64_t run_id,
                                               const std::optional<SecretEncryption>& encryption);

}  // namespace csm::apply
