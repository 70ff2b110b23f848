#include "apply/run_result.h"

#include <nlohmann/json.hpp>

namespace csm::apply {
namespace {

// `node` as table -> column list; nullopt when it is not an object of non-empty string arrays.
std::optional<std::map<std::string, std::vector<std::string>>> ColumnLists(
    const nlohmann::json& node) {
  if (!node.is_object()) return std::nullopt;
  std::map<std::string, std::vector<std::string>> lists;
  for (const auto& [table, columns] : node.items()) {
    if (!columns.is_array() || columns.empty()) return std::nullopt;
    for (const auto& column : columns) {
      if (!column.is_string() || column.get<std::string>().empty()) return std::nullopt;
      lists[table].push_back(column.get<std::string>());
    }
  }
  return lists;
}

std::optional<int64_t> Count(const nlohmann::json& node, const char* key) {
  if (!node.contains(key)) return int64_t{0};
  const auto& value = node[key];
  if (!value.is_number_integer() || value.get<int64_t>() < 0) return std::nullopt;
  return value.get<int64_t>();
}

}  // namespace

void to_json(nlohmann::json& json, const RunResult& result) {
  json = nlohmann::json::object();
  if (result.image_columns) json["image_columns"] = *result.image_columns;
  json["update_columns"] = result.update_columns;
  // The journal holds digests of the after-images (Dialect::RowDigest), not the images: their form
  // and the masks they were made with.
  json["after_images"] = result.after_images;
  json["digest_masks"] = nlohmann::json::object();
  for (const auto& [table, mask] : result.digest_masks) {
    json["digest_masks"][table] = {
        {"key_column", mask.key_column}, {"value_column", mask.value_column}, {"keys", mask.keys}};
  }
  json["steps"] = nlohmann::json::array();
  for (const auto& s : result.steps) {
    json["steps"].push_back(
        {{"number", s.number}, {"name", s.name}, {"rows", s.rows}, {"pinned", s.pinned}});
  }
  json["tables"] = nlohmann::json::object();
  for (const auto& [table, c] : result.tables) {
    json["tables"][table] = {
        {"inserted", c.inserted}, {"updated", c.updated}, {"deleted", c.deleted}};
  }
  if (result.new_store_id) json["new_store_id"] = *result.new_store_id;
  if (result.rollback_guards) json["rollback_guards"] = *result.rollback_guards;
}

Status DamagedRecord(int64_t run_id, const std::string& column, const std::string& what) {
  return Status(ErrorCode::kDatabase,
                "csmigrate's own record of run " + std::to_string(run_id) +
                    " is damaged: " + column + " " + what +
                    ". This is not a change CloudStack made; nothing was changed. Restore "
                    "csmigrate's tables (csm_*) from a backup taken after the run to roll it back");
}

Result<RunResult> ParseRunResult(int64_t run_id, const std::string& result_json) {
  const std::string column = "csm_run.result_json";
  const auto json = nlohmann::json::parse(result_json, nullptr, false);
  if (json.is_discarded()) return DamagedRecord(run_id, column, "does not parse as JSON");
  if (!json.is_object()) return DamagedRecord(run_id, column, "is not a JSON object");
  RunResult result;
  if (!json.contains("tables") || !json["tables"].is_object()) {
    return DamagedRecord(run_id, column, "has no \"tables\" object");
  }
  for (const auto& [table, counts] : json["tables"].items()) {
    const auto inserted = counts.is_object() ? Count(counts, "inserted") : std::nullopt;
    const auto updated = counts.is_object() ? Count(counts, "updated") : std::nullopt;
    const auto deleted = counts.is_object() ? Count(counts, "deleted") : std::nullopt;
    if (!inserted || !updated || !deleted) {
      return DamagedRecord(run_id, column,
                           "has no whole-number row counts for table '" + table + "'");
    }
    result.tables[table] = {*inserted, *updated, *deleted};
  }
  if (json.contains("image_columns")) {
    result.image_columns = ColumnLists(json["image_columns"]);
    if (!result.image_columns) {
      return DamagedRecord(run_id, column, "\"image_columns\" is not a list of columns per table");
    }
  }
  if (json.contains("update_columns")) {
    auto lists = ColumnLists(json["update_columns"]);
    if (!lists) {
      return DamagedRecord(run_id, column, "\"update_columns\" is not a list of columns per table");
    }
    result.update_columns = std::move(*lists);
  }
  if (json.contains("after_images")) {
    if (!json["after_images"].is_string()) {
      return DamagedRecord(run_id, column, "\"after_images\" is not a text");
    }
    result.after_images = json["after_images"].get<std::string>();
  }
  if (json.contains("digest_masks")) {
    const auto& masks = json["digest_masks"];
    auto text = [](const nlohmann::json& m, const char* key) {
      return m.is_object() && m.contains(key) && m[key].is_string();
    };
    if (!masks.is_object())
      return DamagedRecord(run_id, column, "\"digest_masks\" is not an object");
    for (const auto& [table, m] : masks.items()) {
      if (!text(m, "key_column") || !text(m, "value_column") || !m.contains("keys") ||
          !m["keys"].is_array()) {
        return DamagedRecord(run_id, column, "\"digest_masks\" of " + table + " is malformed");
      }
      db::DigestMask mask{
          m["key_column"].get<std::string>(), m["value_column"].get<std::string>(), {}};
      for (const auto& key : m["keys"]) {
        if (!key.is_string()) {
          return DamagedRecord(run_id, column, "\"digest_masks\" of " + table + " is malformed");
        }
        mask.keys.push_back(key.get<std::string>());
      }
      result.digest_masks[table] = std::move(mask);
    }
  }
  if (json.contains("steps")) {
    const auto& steps = json["steps"];
    if (!steps.is_array()) return DamagedRecord(run_id, column, "\"steps\" is not an array");
    for (const auto& step : steps) {
      const auto rows = step.is_object() ? Count(step, "rows") : std::nullopt;
      const auto pinned = step.is_object() ? Count(step, "pinned") : std::nullopt;
      if (!rows || !pinned || !step.contains("number") || !step["number"].is_number_integer() ||
          !step.contains("name") || !step["name"].is_string()) {
        return DamagedRecord(run_id, column, "\"steps\" holds a malformed step");
      }
      result.steps.push_back(
          {step["number"].get<int>(), step["name"].get<std::string>(), *rows, *pinned});
    }
  }
  if (json.contains("new_store_id")) {
    if (!json["new_store_id"].is_number_integer()) {
      return DamagedRecord(run_id, column, "\"new_store_id\" is not a whole number");
    }
    result.new_store_id = json["new_store_id"].get<int64_t>();
  }
  if (json.contains("rollback_guards")) {
    const auto& guards = json["rollback_guards"];
    if (!guards.is_array()) {
      return DamagedRecord(run_id, column, "\"rollback_guards\" is not an array");
    }
    result.rollback_guards.emplace();
    for (size_t i = 0; i < guards.size(); ++i) {
      try {
        result.rollback_guards->push_back(guards[i].get<RecordedGuard>());
      } catch (const std::exception& e) {
        return DamagedRecord(run_id, column,
                             "\"rollback_guards\" entry " + std::to_string(i + 1) +
                                 " is malformed (" + e.what() + ")");
      }
    }
  }
  return result;
}

}  // namespace csm::apply
