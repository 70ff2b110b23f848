// The identity of a rule file's meaning, independent of its bytes: comments, key order,
// descriptions, messages and formatting do not change it; any change to what a step does does.
#pragma once

#include <string>

#include "rules/rule_model.h"

namespace csm::rules {

// The canonical form of `rules` as JSON text (sorted keys; no positions, descriptions, messages).
std::string CanonicalForm(const RuleSet& rules);

// SHA-256 (hex) of CanonicalForm(rules).
std::string RuleChecksum(const RuleSet& rules);

}  // namespace csm::rules
