#include "apply/recorded_guard.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace csm::apply {
namespace {

nlohmann::json ValueJson(const db::Value& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return nullptr;
}

db::Value ValueOf(const nlohmann::json& json) {
  if (json.is_null()) return db::Value{};
  if (json.is_number_integer()) return json.get<int64_t>();
  if (json.is_number_float()) return json.get<double>();
  if (json.is_string()) return json.get<std::string>();
  throw std::invalid_argument("a parameter is " + std::string(json.type_name()) +
                              ", not null, a number or a text");
}

}  // namespace

void to_json(nlohmann::json& json, const RecordedGuard& guard) {
  json = {{"table", guard.table},
          {"references", guard.references},
          {"optional", guard.optional},
          {"sql", guard.sql},
          {"params", nlohmann::json::array()}};
  for (const auto& value : guard.params) json["params"].push_back(ValueJson(value));
}

void from_json(const nlohmann::json& json, RecordedGuard& guard) {
  json.at("table").get_to(guard.table);
  json.at("references").get_to(guard.references);
  json.at("optional").get_to(guard.optional);
  json.at("sql").get_to(guard.sql);
  const nlohmann::json& params = json.at("params");
  if (!params.is_array()) throw std::invalid_argument("\"params\" is not an array");
  guard.params.clear();
  for (const auto& value : params) guard.params.push_back(ValueOf(value));
  if (guard.table.empty() || guard.references.empty() || guard.sql.empty()) {
    throw std::invalid_argument("\"table\", \"references\" or \"sql\" is empty");
  }
  const auto placeholders = std::count(guard.sql.begin(), guard.sql.end(), '?');
  if (static_cast<size_t>(placeholders) != guard.params.size()) {
    throw std::invalid_argument("its query has " + std::to_string(placeholders) +
                                " placeholders for " + std::to_string(guard.params.size()) +
                                " parameters");
  }
}

Result<std::vector<RecordedGuard>> RecordGuards(const rules::CompiledPlan& plan,
                                                const rules::Bindings& bindings, int64_t run_id) {
  std::vector<RecordedGuard> recorded;
  for (const auto& [guard, sql] : plan.guard_checks) {
    CSM_ASSIGN_OR_RETURN(auto params, rules::ResolveParams(sql, bindings, run_id));
    recorded.push_back({guard->table, guard->references, guard->optional, sql.text, params});
  }
  return recorded;
}

}  // namespace csm::apply
