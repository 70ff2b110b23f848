#include "rules/rule_checksum.h"

#include <nlohmann/json.hpp>

#include "common/digest.h"

namespace csm::rules {
namespace {

using nlohmann::json;

json ValueJson(const db::Value& v) {
  if (db::IsNull(v)) return nullptr;
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}

json OperandJson(const Operand& op) {
  switch (op.kind) {
    case Operand::Kind::kNull:
      return nullptr;
    case Operand::Kind::kLiteral:
      return {{"literal", ValueJson(op.literal)}};
    case Operand::Kind::kParameter:
      return {{"param", op.parameter}};
    case Operand::Kind::kColumn:
      return {{"column", op.alias + "." + op.column}};
    case Operand::Kind::kAdd:
      return {{"add", ValueJson(op.literal)}};
  }
  return nullptr;
}

json ConditionsJson(const std::vector<Condition>& conditions);

json SubSelectJson(const SubSelect& sub) {
  return {{"from", sub.table}, {"select", sub.column}, {"where", ConditionsJson(sub.where)}};
}

json ConditionsJson(const std::vector<Condition>& conditions) {
  json out = json::object();
  for (const auto& c : conditions) {
    switch (c.kind) {
      case Condition::Kind::kEquals:
        out[c.column] = {{"eq", OperandJson(c.operand)}};
        break;
      case Condition::Kind::kDistinct:
        out[c.column] = {{"not", OperandJson(c.operand)}};
        break;
      case Condition::Kind::kInList: {
        json list = json::array();
        for (const auto& op : c.list) list.push_back(OperandJson(op));
        out[c.column] = {{"in", list}};
        break;
      }
      case Condition::Kind::kInSelect:
        out[c.column] = {{"in", SubSelectJson(*c.sub)}};
        break;
      case Condition::Kind::kPickedBy:
        out[c.column] = {{"picked_by", c.picked_step}, {"select", c.picked_column}};
        break;
      case Condition::Kind::kNotInSelect:
        out[c.column] = {{"not_in", SubSelectJson(*c.sub)}};
        break;
    }
  }
  return out;
}

json AssignmentsJson(const std::vector<Assignment>& values) {
  json out = json::object();
  for (const auto& a : values) out[a.column] = OperandJson(a.value);
  return out;
}

}  // namespace

std::string CanonicalForm(const RuleSet& rules) {
  json root;
  root["name"] = rules.name;
  for (const auto& p : rules.parameters) {
    root["parameters"][p.name] = {
        {"required", p.required}, {"map", p.is_map}, {"one_of", p.one_of}};
  }
  for (const auto& p : rules.providers) {
    root["providers"][p.name] = {{"required", p.required_details}, {"secret", p.secret_details}};
  }
  for (const auto& d : rules.derived) {
    json body;
    for (const auto& op : d.coalesce) body["coalesce"].push_back(OperandJson(op));
    for (const auto& [path, value] : d.if_all) body["if"][path] = ValueJson(value);
    if (!d.if_all.empty()) body["then"] = d.then_value, body["else"] = d.else_value;
    root["derived"][d.name] = body;
  }
  json steps = json::array();
  for (const auto& s : rules.steps) {
    json step;
    step["name"] = s.name;
    step["kind"] = static_cast<int>(s.kind);
    step["table"] = s.table;
    step["into"] = s.into;
    step["where"] = ConditionsJson(s.where);
    step["values"] = AssignmentsJson(s.values);
    step["copy"] = s.copy;
    for (const auto& j : s.joins) {
      json on = json::object();
      for (const auto& [column, op] : j.on) on[column] = OperandJson(op);
      step["joins"][j.table] = {{"on", on}, {"where", ConditionsJson(j.where)}};
    }
    step["one_per"] = s.one_per;
    if (s.unless_exists) {
      step["unless_exists"] = {{"from", s.unless_exists_table},
                               {"where", ConditionsJson(*s.unless_exists)}};
    }
    step["pin_source"] = AssignmentsJson(s.pin_source);
    if (s.only_if_exists) step["only_if_exists"] = SubSelectJson(*s.only_if_exists);
    step["bind_id"] = s.bind_id;
    step["for_each"] = s.for_each;
    steps.push_back(step);
  }
  root["steps"] = steps;
  for (const auto& g : rules.rollback_guards) {
    root["rollback_guards"].push_back({{"table", g.table},
                                       {"column", g.column},
                                       {"references", g.references},
                                       {"where", ConditionsJson(g.where)},
                                       {"optional", g.optional}});
  }
  return root.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RuleChecksum(const RuleSet& rules) {
  return Sha256Hex(CanonicalForm(rules));
}

}  // namespace csm::rules
