#include "apply/column_fit.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "common/text.h"

namespace csm::apply {
namespace {

// The number in the first "(N)" of `type`, or 0.
size_t Parenthesised(const std::string& type) {
  const auto open = type.find('(');
  if (open == std::string::npos) return 0;
  size_t n = 0;
  for (size_t i = open + 1; i < type.size() && std::isdigit(static_cast<unsigned char>(type[i]));
       ++i) {
    n = n * 10 + static_cast<size_t>(type[i] - '0');
    if (n > (size_t{1} << 32)) return 0;  // no such width
  }
  return n;
}

// UTF-8 characters in `text` (bytes that do not continue a character).
size_t Characters(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The position (1-based, in characters) of the first character of `text` past U+FFFF (4 bytes in
// UTF-8), or 0 when there is none.
size_t FirstBeyondBasicPlane(const std::string& text) {
  size_t characters = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++characters;
    if (byte >= 0xF0) return characters;
  }
  return 0;
}

// Whether a column in character set `character_set` holds only characters up to U+FFFF.
bool BasicPlaneOnly(const std::string& character_set) {
  const std::string set = ToLower(character_set);
  return set == "utf8" || set == "utf8mb3";
}

// A parameter as the admin gave it: --name, --detail KEY, or $derived (from --name, --url).
std::string ParameterName(const rules::RuleSet& rules, const std::string& parameter) {
  for (const auto& p : rules.parameters) {
    if (p.name == parameter) return "--" + parameter;
  }
  for (const auto& d : rules.derived) {
    if (d.name != parameter) continue;
    std::string from;
    for (const auto& operand : d.coalesce) {
      if (operand.kind != rules::Operand::Kind::kParameter) continue;
      const bool declared =
          std::any_of(rules.parameters.begin(), rules.parameters.end(),
                      [&](const rules::ParameterSpec& p) { return p.name == operand.parameter; });
      if (declared) from += (from.empty() ? "" : ", ") + std::string("--") + operand.parameter;
    }
    return "$" + parameter + (from.empty() ? "" : " (from " + from + ")");
  }
  return "$" + parameter;
}

// Whether `value` fits `limit`; else what is wrong with it, for "<who> is ...". The length of a
// `secret` value is not told, only that it is too long.
std::string Misfit(const db::Value& value, const ColumnLimit& limit, const std::string& type,
                   bool secret = false) {
  if (db::IsNull(value)) return "";
  if (limit.integer) {
    const auto n = db::AsInteger(value);
    const bool whole = n && (!std::holds_alternative<double>(value) ||
                             static_cast<double>(*n) == std::get<double>(value));
    if (whole && *n >= limit.min && *n <= limit.max) return "";
    return "not a whole number from " + std::to_string(limit.min) + " to " +
           std::to_string(limit.max) + ", as " + type + " needs";
  }
  const std::string text = db::ToDisplay(value);
  if (limit.max_chars > 0 && Characters(text) > limit.max_chars) {
    return (secret
                ? "longer than " + type + " holds (at most " + std::to_string(limit.max_chars) + ")"
                : std::to_string(Characters(text)) + " characters long; " + type +
                      " holds at most " + std::to_string(limit.max_chars));
  }
  if (limit.max_bytes > 0 && text.size() > limit.max_bytes) {
    return (secret ? "longer than " + type + " holds (at most " + std::to_string(limit.max_bytes) +
                         " bytes)"
                   : std::to_string(text.size()) + " bytes long; " + type + " holds at most " +
                         std::to_string(limit.max_bytes) + " bytes");
  }
  if (const size_t beyond = limit.basic_plane_only ? FirstBeyondBasicPlane(text) : 0; beyond > 0) {
    return "not storable in " + type + ", which holds only characters up to U+FFFF (utf8mb3): " +
           (secret ? "it has" : "its character " + std::to_string(beyond) + " is") +
           " one past U+FFFF (an emoji, say)";
  }
  return "";
}

}  // namespace

ColumnLimit LimitOf(const std::string& declared_type, const std::string& dialect) {
  const std::string type = ToLower(declared_type);
  const std::string base = type.substr(0, type.find_first_of("( "));
  ColumnLimit limit;
  if (type.find("char") != std::string::npos) {
    limit.max_chars = Parenthesised(type);
    return limit;
  }
  if (dialect == "mysql") {
    static const std::map<std::string, size_t> kTextBytes = {
        {"tinytext", 255}, {"text", 65535}, {"mediumtext", 16777215}};
    if (auto it = kTextBytes.find(base); it != kTextBytes.end()) {
      limit.max_bytes = it->second;
      return limit;
    }
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  static const std::map<std::string, int64_t> kSignedMax = {
      {"tinyint", 127},       {"smallint", 32767}, {"int2", 32767},
      {"mediumint", 8388607}, {"int", 2147483647}, {"integer", 2147483647},
      {"int4", 2147483647},   {"bigint", kMax},    {"int8", kMax}};
  const auto it = kSignedMax.find(base);
  if (it == kSignedMax.end()) return limit;
  limit.integer = true;
  // SQLite's INTEGER holds 64 bits, whatever it is called: only the names with a size are narrow.
  const bool sqlite_integer = dialect == "sqlite" && base == "integer";
  if (type.find("unsigned") != std::string::npos) {
    limit.min = 0;
    limit.max = it->second == kMax ? kMax : 2 * it->second + 1;
  } else {
    limit.max = sqlite_integer ? kMax : it->second;
    limit.min = -limit.max - 1;
  }
  return limit;
}

Status CheckValuesFitColumns(const rules::RuleSet& rules, const rules::Catalog& catalog,
                             const rules::Bindings& bindings, const std::string& dialect) {
  const std::set<std::string> secrets = rules::SecretNames(rules);
  for (const auto& step : rules.steps) {
    const bool writes =
        step.kind == rules::Step::Kind::kUpdate || step.kind == rules::Step::Kind::kInsert ||
        step.kind == rules::Step::Kind::kInsertEach || step.kind == rules::Step::Kind::kInsertFrom;
    if (!writes) continue;
    const std::string& target =
        step.kind == rules::Step::Kind::kInsertFrom && !step.into.empty() ? step.into : step.table;
    auto check = [&](const std::string& table, const rules::Assignment& a) -> Status {
      if (a.value.kind != rules::Operand::Kind::kParameter) return Status::Ok();
      const auto schema = catalog.find(table);
      if (schema == catalog.end()) return Status::Ok();
      const db::ColumnInfo* column = schema->second.Find(a.column);
      if (column == nullptr) return Status::Ok();
      ColumnLimit limit = LimitOf(column->declared_type, dialect);
      limit.basic_plane_only = BasicPlaneOnly(column->character_set);
      const std::string where = table + "." + a.column + " (" + column->declared_type + ")";
      if (step.kind == rules::Step::Kind::kInsertEach &&
          (a.value.parameter == "key" || a.value.parameter == "value")) {
        const auto map = bindings.maps.find(step.for_each);
        if (map == bindings.maps.end()) return Status::Ok();
        for (const auto& [key, value] : map->second) {
          const bool is_key = a.value.parameter == "key";
          const bool secret = !is_key && rules::IsSecretName(secrets, key);
          const std::string problem = Misfit(is_key ? key : value, limit, where, secret);
          if (problem.empty()) continue;
          const std::string who = is_key ? "the key of --detail " + key
                                         : "--detail " + key + (secret ? " (as stored)" : "");
          return Status(ErrorCode::kInvalidArgument,
                        who + " is " + problem + "; nothing was changed");
        }
        return Status::Ok();
      }
      const auto value = bindings.scalars.find(a.value.parameter);
      if (value == bindings.scalars.end()) return Status::Ok();  // bound during the run ($new_id)
      const std::string problem = Misfit(value->second, limit, where);
      if (problem.empty()) return Status::Ok();
      return Status(ErrorCode::kInvalidArgument, ParameterName(rules, a.value.parameter) + " is " +
                                                     problem + "; nothing was changed");
    };
    for (const auto& a : step.values) CSM_RETURN_IF_ERROR(check(target, a));
    for (const auto& a : step.pin_source) CSM_RETURN_IF_ERROR(check(step.table, a));
  }
  return Status::Ok();
}

}  // namespace csm::apply
