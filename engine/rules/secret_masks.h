// Where secrets may sit in clear in CloudStack's tables, and the masks that keep them from being
// shown or confirmed: a detail table holds one row per detail, a key column naming the detail and
// a value column holding its value; the value of a row whose key is a secret name is masked. The
// same masks serve the journal's digests (db::DigestMask: the value digested as NULL) and every
// place a row of such a table is shown (plan and apply messages, reported rows, fixture
// differences: the value shown as "******").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "db/dialect.h"
#include "db/value.h"
#include "rules/rule_model.h"
#include "rules/run_parameters.h"

namespace csm::rules {

// Where an insert_each step writes the entries of a map parameter (`map`, e.g. "details"): the
// table, the column that receives $key and the column that receives $value.
struct DetailColumns {
  std::string map, table, key_column, value_column;
};

// The detail tables of `rules`: one per insert_each step that assigns both $key and $value.
std::vector<DetailColumns> DetailTables(const RuleSet& rules);

// Per table that holds detail rows, the mask of its secret values: CloudStack's
// image_store_details (name, value) whatever the rule file says, and every detail table of
// `rules`; each masks the values of rows whose key is one of SecretNames(rules, params).
std::map<std::string, db::DigestMask> SecretMasks(const RuleSet& rules,
                                                  const RunParameters& params);

// Whether `mask` hides the value of a row whose key column holds `key`: one of its keys, or a name
// IsSecretName calls secret.
bool MasksKey(const db::DigestMask& mask, const std::string& key);

// `row` of `table` (its columns named by `columns`, in order) as it may be shown: when `masks`
// has a mask for `table` and the row holds its value column, that value is "******" if the row's
// key is a secret (MasksKey) or the row does not hold the key column (which secret it is cannot
// be told). NULL stays NULL.
db::Row MaskedRow(const std::map<std::string, db::DigestMask>& masks, const std::string& table,
                  const std::vector<std::string>& columns, const db::Row& row);

}  // namespace csm::rules
