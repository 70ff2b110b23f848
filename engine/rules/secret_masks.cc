#include "rules/secret_masks.h"

#include <algorithm>

namespace csm::rules {

std::vector<DetailColumns> DetailTables(const RuleSet& rules) {
  std::vector<DetailColumns> tables;
  for (const auto& step : rules.steps) {
    if (step.kind != Step::Kind::kInsertEach) continue;
    DetailColumns columns{step.for_each, step.table, "", ""};
    for (const auto& a : step.values) {
      if (a.value.kind != Operand::Kind::kParameter) continue;
      if (a.value.parameter == "key") columns.key_column = a.column;
      if (a.value.parameter == "value") columns.value_column = a.column;
    }
    if (!columns.key_column.empty() && !columns.value_column.empty()) tables.push_back(columns);
  }
  return tables;
}

std::map<std::string, db::DigestMask> SecretMasks(const RuleSet& rules,
                                                  const RunParameters& params) {
  const std::set<std::string> names = SecretNames(rules, params);
  const std::vector<std::string> keys(names.begin(), names.end());
  // CloudStack keeps the secrets of its image stores there (cloudstack.md §1).
  std::map<std::string, db::DigestMask> masks = {{"image_store_details", {"name", "value", keys}}};
  for (const DetailColumns& columns : DetailTables(rules)) {
    masks[columns.table] = {columns.key_column, columns.value_column, keys};
  }
  return masks;
}

bool MasksKey(const db::DigestMask& mask, const std::string& key) {
  return std::find(mask.keys.begin(), mask.keys.end(), key) != mask.keys.end() ||
         IsSecretName(CloudStackSecretNames(), key);
}

db::Row MaskedRow(const std::map<std::string, db::DigestMask>& masks, const std::string& table,
                  const std::vector<std::string>& columns, const db::Row& row) {
  const auto mask = masks.find(table);
  if (mask == masks.end()) return row;
  auto index = [&](const std::string& column) {
    const auto it = std::find(columns.begin(), columns.end(), column);
    return it == columns.end() || static_cast<size_t>(it - columns.begin()) >= row.size()
               ? std::nullopt
               : std::optional<size_t>(it - columns.begin());
  };
  const std::optional<size_t> value = index(mask->second.value_column);
  if (!value || db::IsNull(row[*value])) return row;
  const std::optional<size_t> key = index(mask->second.key_column);
  if (key && !MasksKey(mask->second, db::ToDisplay(row[*key]))) return row;
  db::Row masked = row;
  masked[*value] = std::string("******");
  return masked;
}

}  // namespace csm::rules
