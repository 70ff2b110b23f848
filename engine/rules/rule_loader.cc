#include "rules/rule_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/closest_word.h"
#include "common/human_bytes.h"
#include "rules/plain_yaml.h"
#include "rules/run_parameters.h"

namespace csm::rules {
namespace {

// Parses one file; every error is thrown as LoadError and turned into a Status at the top.
struct LoadError {
  std::string message;
};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  RuleSet Load(const YAML::Node& root) {
    RuleSet rules;
    rules.file = file_;
    RefuseDuplicateKeys(root);
    ExpectMap(root, "the rule file");
    CheckKeys(
        root, "the rule file",
        {"name", "description", "parameters", "providers", "derived", "steps", "rollback_guards"});
    rules.name = RequireScalar(root, "name", "the rule file");
    if (root["description"]) rules.description = Scalar(root["description"], "description");
    if (root["parameters"]) rules.parameters = Parameters(root["parameters"]);
    if (root["providers"]) rules.providers = Providers(root["providers"]);
    if (root["derived"]) rules.derived = DerivedValues(root["derived"]);
    const YAML::Node steps = Require(root, "steps", "the rule file");
    ExpectSequence(steps, "steps");
    if (steps.size() == 0) {
      Fail(steps,
           "the rule file has no steps: it would change nothing and still be recorded as "
           "a run; give at least one step");
    }
    std::set<std::string> names;
    for (const auto& node : steps) {
      Step step = ParseStep(node);
      if (!names.insert(step.name).second) {
        Fail(node, "two steps are named '" + step.name + "'; step names must be unique");
      }
      rules.steps.push_back(std::move(step));
    }
    if (root["rollback_guards"]) rules.rollback_guards = Guards(root["rollback_guards"]);
    return rules;
  }

 private:
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const {
    throw LoadError{file_ + ":" + std::to_string(node.Mark().line + 1) + ": " + message};
  }

  SourceLocation Where(const YAML::Node& node) const { return {file_, node.Mark().line + 1}; }

  std::string Line(const YAML::Node& node) const { return std::to_string(node.Mark().line + 1); }

  // YAML readers disagree on a mapping that repeats a key (yaml-cpp and this loader keep the
  // first, many others the last), so a reviewer could read another rule than the one that runs:
  // any repeated key, in any mapping at any depth, is refused with both lines.
  void RefuseDuplicateKeys(const YAML::Node& node) const {
    if (node.IsSequence()) {
      for (const auto& item : node) RefuseDuplicateKeys(item);
      return;
    }
    if (!node.IsMap()) return;
    std::map<std::string, YAML::Node> seen;
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) {
        const auto [first, inserted] = seen.emplace(entry.first.Scalar(), entry.first);
        if (!inserted) {
          Fail(entry.first, "the key '" + entry.first.Scalar() +
                                "' is given twice in one mapping (" + file_ + ":" +
                                Line(first->second) + " and " + file_ + ":" + Line(entry.first) +
                                "); YAML readers disagree on which one counts, "
                                "so give it once");
        }
      }
      RefuseDuplicateKeys(entry.second);
    }
  }

  void ExpectMap(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) Fail(node, what + " must be a mapping (key: value)");
  }
  void ExpectSequence(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) Fail(node, what + " must be a list");
  }

  void CheckKeys(const YAML::Node& map, const std::string& what,
                 const std::vector<std::string>& allowed) const {
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (!known) {
        std::string expected;
        for (const auto& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
        Fail(entry.first,
             "unknown key '" + key + "' in " + what + "; expected one of: " + expected);
      }
    }
  }

  YAML::Node Require(const YAML::Node& map, const std::string& key, const std::string& what) const {
    const YAML::Node node = map[key];
    if (!node) Fail(map, what + " needs '" + key + "'");
    return node;
  }

  std::string Scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) Fail(node, what + " must be a single value");
    return node.Scalar();
  }

  std::string RequireScalar(const YAML::Node& map, const std::string& key,
                            const std::string& what) const {
    return Scalar(Require(map, key, what), what + ": " + key);
  }

  // A non-empty list of single values: an empty one would make the check or copy it stands for
  // vacuous (one_of: [] would accept anything).
  std::vector<std::string> ScalarList(const YAML::Node& node, const std::string& what) const {
    ExpectSequence(node, what);
    RefuseEmpty(node, what);
    std::vector<std::string> items;
    for (const auto& item : node) items.push_back(Scalar(item, what));
    return items;
  }

  void RefuseEmpty(const YAML::Node& node, const std::string& what) const {
    if (node.size() == 0) {
      Fail(node, what +
                     " is empty, which would check or do nothing; list at least one value, or "
                     "leave it out");
    }
  }

  static bool IsIdentifier(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    }
    return !std::isdigit(static_cast<unsigned char>(s[0]));
  }

  // A value in a rule. `aliases` are the row aliases in scope: "alias.column" refers to a column
  // only when alias is one of them, so literals like "10.0.0.1" stay literals.
  Operand ParseOperand(const YAML::Node& node, const std::set<std::string>& aliases,
                       bool allow_add) const {
    Operand op;
    op.where = Where(node);
    if (node.IsNull()) {
      op.kind = Operand::Kind::kNull;
      return op;
    }
    if (node.IsMap()) {
      if (allow_add && node.size() == 1 && node["add"]) {
        op.kind = Operand::Kind::kAdd;
        op.literal = static_cast<int64_t>(ParseInt(node["add"], "add"));
        return op;
      }
      Fail(node, allow_add ? "expected a value, $parameter, alias.column or {add: N}"
                           : "expected a value, $parameter or alias.column");
    }
    const std::string text = Scalar(node, "a value");
    const bool plain = node.Tag() != "!";
    if (plain && text.size() > 1 && text[0] == '$') {
      op.kind = Operand::Kind::kParameter;
      op.parameter = text.substr(1);
      return op;
    }
    const auto dot = text.find('.');
    if (plain && dot != std::string::npos && aliases.count(text.substr(0, dot)) &&
        IsIdentifier(text.substr(dot + 1))) {
      op.kind = Operand::Kind::kColumn;
      op.alias = text.substr(0, dot);
      op.column = text.substr(dot + 1);
      return op;
    }
    op.kind = Operand::Kind::kLiteral;
    op.literal = text;
    if (plain) {
      try {
        size_t used = 0;
        const long long n = std::stoll(text, &used);
        if (used == text.size()) op.literal = static_cast<int64_t>(n);
      } catch (const std::exception&) {
      }
    }
    return op;
  }

  long long ParseInt(const YAML::Node& node, const std::string& what) const {
    const std::string text = Scalar(node, what);
    try {
      size_t used = 0;
      const long long n = std::stoll(text, &used);
      if (used == text.size()) return n;
    } catch (const std::exception&) {
    }
    Fail(node, what + " must be an integer, got '" + text + "'");
  }

  std::vector<Condition> ParseWhere(const YAML::Node& node, const std::set<std::string>& aliases,
                                    const std::string& what) const {
    ExpectMap(node, what);
    std::vector<Condition> conditions;
    for (const auto& entry : node) {
      Condition c;
      c.column = entry.first.as<std::string>();
      c.where = Where(entry.first);
      if (!IsIdentifier(c.column)) Fail(entry.first, "'" + c.column + "' is not a column name");
      const YAML::Node value = entry.second;
      if (value.IsMap()) {
        CheckKeys(value, "the condition on '" + c.column + "'",
                  {"not", "in", "not_in", "picked_by", "select"});
        int tests = 0;
        for (const char* test : {"not", "in", "not_in", "picked_by"}) tests += value[test] ? 1 : 0;
        if (tests > 1) {
          Fail(value, "the condition on '" + c.column +
                          "' has more than one of not, in, not_in and picked_by; write one per "
                          "column");
        }
        if (value["not"]) {
          c.kind = Condition::Kind::kDistinct;
          c.operand = ParseOperand(value["not"], aliases, false);
        } else if (value["in"] && value["in"].IsSequence()) {
          RefuseEmpty(value["in"], "the condition on '" + c.column + "': in");
          c.kind = Condition::Kind::kInList;
          for (const auto& item : value["in"]) c.list.push_back(ParseOperand(item, aliases, false));
        } else if (value["in"]) {
          c.kind = Condition::Kind::kInSelect;
          c.sub = std::make_shared<SubSelect>(ParseSubSelect(value["in"], aliases, true));
        } else if (value["not_in"]) {
          c.kind = Condition::Kind::kNotInSelect;
          c.sub = std::make_shared<SubSelect>(ParseSubSelect(value["not_in"], aliases, true));
        } else if (value["picked_by"]) {
          c.kind = Condition::Kind::kPickedBy;
          c.picked_step = Scalar(value["picked_by"], "picked_by");
          c.picked_column = RequireScalar(value, "select", "picked_by");
        } else {
          Fail(value, "the condition on '" + c.column + "' needs not, in, not_in or picked_by");
        }
        if (value["select"] && c.kind != Condition::Kind::kPickedBy) {
          Fail(value["select"],
               "'select' belongs inside 'in: {from: ...}' or 'not_in: {from: ...}', or with "
               "'picked_by'");
        }
      } else if (value.IsSequence()) {
        Fail(value, "a list is not a condition; write {in: [...]}");
      } else {
        c.kind = Condition::Kind::kEquals;
        c.operand = ParseOperand(value, aliases, false);
      }
      conditions.push_back(std::move(c));
    }
    return conditions;
  }

  // The identifiers written as {name} in `message`, each once, in order of first appearance.
  static std::vector<std::string> MessageColumns(const std::string& message) {
    std::vector<std::string> columns;
    for (auto open = message.find('{'); open != std::string::npos;
         open = message.find('{', open + 1)) {
      const auto close = message.find('}', open);
      if (close == std::string::npos) break;
      const std::string name = message.substr(open + 1, close - open - 1);
      if (IsIdentifier(name) && std::find(columns.begin(), columns.end(), name) == columns.end()) {
        columns.push_back(name);
      }
    }
    return columns;
  }

  SubSelect ParseSubSelect(const YAML::Node& node, const std::set<std::string>& aliases,
                           bool needs_select) const {
    ExpectMap(node, "a sub-select");
    CheckKeys(node, "a sub-select",
              needs_select ? std::vector<std::string>{"from", "select", "where"}
                           : std::vector<std::string>{"from", "where"});
    SubSelect sub;
    sub.table = RequireScalar(node, "from", "a sub-select");
    if (needs_select) sub.column = RequireScalar(node, "select", "a sub-select");
    if (node["where"]) sub.where = ParseWhere(node["where"], aliases, "the sub-select's where");
    return sub;
  }

  std::vector<Assignment> ParseAssignments(const YAML::Node& node,
                                           const std::set<std::string>& aliases, bool allow_add,
                                           std::vector<std::string>* copy) const {
    ExpectMap(node, "values");
    std::vector<Assignment> assignments;
    for (const auto& entry : node) {
      const std::string column = entry.first.as<std::string>();
      if (column == "copy" && copy != nullptr) {
        *copy = ScalarList(entry.second, "copy");
        continue;
      }
      if (!IsIdentifier(column)) Fail(entry.first, "'" + column + "' is not a column name");
      assignments.push_back({column, ParseOperand(entry.second, aliases, allow_add)});
    }
    return assignments;
  }

  Step ParseStep(const YAML::Node& node) {
    ExpectMap(node, "a step");
    Step step;
    step.where_defined = Where(node);
    step.name = RequireScalar(node, "name", "a step");
    const std::string what = "step '" + step.name + "'";
    struct KindKey {
      const char* key;
      Step::Kind kind;
      std::vector<std::string> allowed;
    };
    const std::vector<KindKey> kinds = {
        {"require_none", Step::Kind::kRequireNone, {"name", "require_none", "where", "message"}},
        {"update", Step::Kind::kUpdate, {"name", "update", "where", "set", "only_if_exists"}},
        {"delete", Step::Kind::kDelete, {"name", "delete", "where", "only_if_exists"}},
        {"insert", Step::Kind::kInsert, {"name", "insert", "values", "bind_id"}},
        {"insert_each", Step::Kind::kInsertEach, {"name", "insert_each", "for_each", "values"}},
        {"insert_from",
         Step::Kind::kInsertFrom,
         {"name", "insert_from", "into", "join", "where", "one_per", "unless_exists", "values",
          "pin_source"}},
        {"report",
         Step::Kind::kReport,
         {"name", "report", "join", "where", "unless_exists", "message"}},
    };
    const KindKey* kind = nullptr;
    for (const auto& k : kinds) {
      if (node[k.key]) {
        if (kind != nullptr) {
          Fail(node, what + " has both '" + kind->key + "' and '" + k.key + "'; one kind per step");
        }
        kind = &k;
      }
    }
    if (kind == nullptr) {
      Fail(node, what +
                     " needs a kind: require_none, update, delete, insert, insert_each, "
                     "insert_from or report");
    }
    CheckKeys(node, what, kind->allowed);
    step.kind = kind->kind;
    step.table = Scalar(node[kind->key], what + ": " + kind->key);

    std::set<std::string> aliases = {"src"};
    if (step.kind == Step::Kind::kInsertFrom) {
      step.into = node["into"] ? Scalar(node["into"], "into") : step.table;
    }
    if (step.kind == Step::Kind::kInsertFrom || step.kind == Step::Kind::kReport) {
      if (node["join"]) {
        ExpectMap(node["join"], "join");
        for (const auto& entry : node["join"]) {
          Join join;
          join.table = entry.first.as<std::string>();
          aliases.insert(join.table);
        }
        for (const auto& entry : node["join"]) {
          Join join;
          join.table = entry.first.as<std::string>();
          ExpectMap(entry.second, "join of " + join.table);
          CheckKeys(entry.second, "join of " + join.table, {"on", "where"});
          if (entry.second["on"]) {
            ExpectMap(entry.second["on"], "on");
            for (const auto& on : entry.second["on"]) {
              join.on.emplace_back(on.first.as<std::string>(),
                                   ParseOperand(on.second, aliases, false));
            }
          }
          if (entry.second["where"]) {
            join.where = ParseWhere(entry.second["where"], aliases, "join where");
          }
          step.joins.push_back(std::move(join));
        }
      }
      if (node["one_per"]) step.one_per = Scalar(node["one_per"], "one_per");
      if (node["unless_exists"]) {
        const YAML::Node unless = node["unless_exists"];
        ExpectMap(unless, "unless_exists");
        CheckKeys(unless, "unless_exists", {"from", "where"});
        const std::string& target = step.into.empty() ? step.table : step.into;
        step.unless_exists_table = unless["from"] ? Scalar(unless["from"], "from") : target;
        step.unless_exists =
            ParseWhere(Require(unless, "where", "unless_exists"), aliases, "unless_exists where");
      }
      if (node["pin_source"]) {
        step.pin_source = ParseAssignments(node["pin_source"], {}, true, nullptr);
      }
    }
    if (node["where"]) step.where = ParseWhere(node["where"], aliases, what + ": where");
    if (node["only_if_exists"]) {
      step.only_if_exists = ParseSubSelect(node["only_if_exists"], aliases, false);
    }
    if (node["set"]) step.values = ParseAssignments(node["set"], aliases, true, nullptr);
    if (node["values"]) {
      step.values = ParseAssignments(node["values"], aliases, false,
                                     step.kind == Step::Kind::kInsertFrom ? &step.copy : nullptr);
    }
    if (node["message"]) {
      step.message = Scalar(node["message"], "message");
      step.message_columns = MessageColumns(step.message);
    }
    if (node["bind_id"]) step.bind_id = Scalar(node["bind_id"], "bind_id");
    if (node["for_each"]) {
      const std::string param = Scalar(node["for_each"], "for_each");
      if (param.size() < 2 || param[0] != '$') {
        Fail(node["for_each"], "for_each must name a map parameter, like $details");
      }
      step.for_each = param.substr(1);
    }

    switch (step.kind) {
      case Step::Kind::kRequireNone:
        if (step.message.empty()) Fail(node, what + " needs a 'message' for the user");
        break;
      case Step::Kind::kUpdate:
        if (step.values.empty()) Fail(node, what + " needs 'set'");
        if (step.where.empty())
          Fail(node, what + " needs 'where' (an update of a whole table is refused)");
        break;
      case Step::Kind::kDelete:
        if (step.where.empty())
          Fail(node, what + " needs 'where' (a delete of a whole table is refused)");
        break;
      case Step::Kind::kInsert:
        if (step.values.empty()) Fail(node, what + " needs 'values'");
        break;
      case Step::Kind::kInsertEach:
        if (step.for_each.empty() || step.values.empty()) {
          Fail(node, what + " needs 'for_each' and 'values'");
        }
        break;
      case Step::Kind::kInsertFrom:
        if (step.values.empty() && step.copy.empty()) Fail(node, what + " needs 'values'");
        if (!step.pin_source.empty() && step.into != step.table && step.one_per.empty()) {
          Fail(node, what + ": pin_source needs one_per");
        }
        break;
      case Step::Kind::kReport:
        if (step.message.empty()) Fail(node, what + " needs a 'message' for each row it reports");
        break;
    }
    return step;
  }

  std::vector<ParameterSpec> Parameters(const YAML::Node& node) const {
    ExpectMap(node, "parameters");
    RefuseEmpty(node, "parameters");
    std::vector<ParameterSpec> specs;
    for (const auto& entry : node) {
      ParameterSpec spec;
      spec.name = entry.first.as<std::string>();
      const YAML::Node body = entry.second;
      if (!body.IsNull()) {
        ExpectMap(body, "parameter '" + spec.name + "'");
        CheckKeys(body, "parameter '" + spec.name + "'", {"required", "one_of", "map"});
        if (body["required"]) spec.required = body["required"].as<bool>();
        if (body["map"]) spec.is_map = body["map"].as<bool>();
        if (body["one_of"]) spec.one_of = ScalarList(body["one_of"], "one_of");
      }
      specs.push_back(std::move(spec));
    }
    return specs;
  }

  std::vector<ProviderSpec> Providers(const YAML::Node& node) const {
    ExpectMap(node, "providers");
    RefuseEmpty(node, "providers");
    std::vector<ProviderSpec> specs;
    for (const auto& entry : node) {
      ProviderSpec spec;
      spec.name = entry.first.as<std::string>();
      ExpectMap(entry.second, "provider '" + spec.name + "'");
      CheckKeys(entry.second, "provider '" + spec.name + "'",
                {"required_details", "secret_details"});
      if (entry.second["required_details"]) {
        spec.required_details = ScalarList(entry.second["required_details"], "required_details");
      }
      if (entry.second["secret_details"]) {
        spec.secret_details = ScalarList(entry.second["secret_details"], "secret_details");
        CheckSecretDetails(entry.second["secret_details"], spec);
      }
      specs.push_back(std::move(spec));
    }
    return specs;
  }

  // Each secret_details entry must name a detail the provider requires or one CloudStack keeps
  // secret: a misspelt entry would leave the real secret unmasked in the ledger and `status`.
  void CheckSecretDetails(const YAML::Node& list, const ProviderSpec& spec) const {
    std::vector<std::string> valid = spec.required_details;
    for (const auto& name : CloudStackSecretNames()) {
      if (std::find(valid.begin(), valid.end(), name) == valid.end()) valid.push_back(name);
    }
    for (size_t i = 0; i < spec.secret_details.size(); ++i) {
      const std::string& name = spec.secret_details[i];
      if (std::find(valid.begin(), valid.end(), name) != valid.end()) continue;
      const auto closest = ClosestWord(name, valid);
      std::string all;
      for (const auto& v : valid) all += (all.empty() ? "" : ", ") + v;
      Fail(list[i], "secret_details of provider '" + spec.name + "' names '" + name +
                        "', which is neither one of its required_details nor a detail CloudStack "
                        "keeps secret" +
                        (closest ? "; did you mean '" + *closest + "'?" : "") + " (valid: " + all +
                        ")");
    }
  }

  std::vector<Derived> DerivedValues(const YAML::Node& node) const {
    ExpectMap(node, "derived");
    RefuseEmpty(node, "derived");
    std::vector<Derived> values;
    for (const auto& entry : node) {
      Derived d;
      d.name = entry.first.as<std::string>();
      const YAML::Node body = entry.second;
      ExpectMap(body, "derived value '" + d.name + "'");
      if (body["coalesce"]) {
        CheckKeys(body, "derived value '" + d.name + "'", {"coalesce"});
        ExpectSequence(body["coalesce"], "coalesce");
        RefuseEmpty(body["coalesce"], "derived value '" + d.name + "': coalesce");
        for (const auto& item : body["coalesce"])
          d.coalesce.push_back(ParseOperand(item, {}, false));
      } else if (body["if"]) {
        CheckKeys(body, "derived value '" + d.name + "'", {"if", "then", "else"});
        ExpectMap(body["if"], "if");
        RefuseEmpty(body["if"], "derived value '" + d.name + "': if");
        for (const auto& test : body["if"]) {
          const std::string path = test.first.as<std::string>();
          if (path.size() < 2 || path[0] != '$') Fail(test.first, "an 'if' tests $parameters");
          d.if_all.emplace_back(path.substr(1), Scalar(test.second, "if"));
        }
        d.then_value = RequireScalar(body, "then", "if");
        d.else_value = RequireScalar(body, "else", "if");
      } else {
        Fail(body, "derived value '" + d.name + "' needs 'coalesce' or 'if'");
      }
      values.push_back(std::move(d));
    }
    return values;
  }

  std::vector<RollbackGuard> Guards(const YAML::Node& node) const {
    ExpectSequence(node, "rollback_guards");
    RefuseEmpty(node, "rollback_guards");
    std::vector<RollbackGuard> guards;
    for (const auto& item : node) {
      ExpectMap(item, "a rollback guard");
      CheckKeys(item, "a rollback guard", {"table", "column", "references", "where", "optional"});
      RollbackGuard g;
      g.table = RequireScalar(item, "table", "a rollback guard");
      g.column = RequireScalar(item, "column", "a rollback guard");
      g.references = RequireScalar(item, "references", "a rollback guard");
      if (item["where"]) g.where = ParseWhere(item["where"], {}, "rollback guard where");
      if (item["optional"]) g.optional = item["optional"].as<bool>();
      guards.push_back(std::move(g));
    }
    return guards;
  }

  std::string file_;
};

}  // namespace

const Step* RuleSet::FindStep(const std::string& step_name) const {
  for (const auto& s : steps) {
    if (s.name == step_name) return &s;
  }
  return nullptr;
}

const ProviderSpec* RuleSet::FindProvider(const std::string& provider) const {
  for (const auto& p : providers) {
    if (p.name == provider) return &p;
  }
  return nullptr;
}

Result<RuleSet> LoadRuleText(const std::string& text, const std::string& file_name) {
  CSM_RETURN_IF_ERROR(CheckPlainYaml(text, file_name, ErrorCode::kInvalidRules));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status(ErrorCode::kInvalidRules,
                  file_name + ":" + std::to_string(e.mark.line + 1) + ": malformed YAML: " + e.msg);
  }
  try {
    return Loader(file_name).Load(root);
  } catch (const LoadError& e) {
    return Status(ErrorCode::kInvalidRules, e.message);
  } catch (const YAML::Exception& e) {
    return Status(ErrorCode::kInvalidRules,
                  file_name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<RuleSet> LoadRuleFile(const std::string& path) {
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return Status(ErrorCode::kInvalidArgument,
                  "rule file " + path + " is a directory; give the rule file itself");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, "cannot read rule file " + path);
  auto too_large = [&](const std::string& size) {
    return Status(ErrorCode::kInvalidRules,
                  "rule file " + path + " is " + size + "; rule files may be at most " +
                      HumanBytes(kMaxRuleFileBytes) + " (" + std::to_string(kMaxRuleFileBytes) +
                      " bytes), far more than any conversion needs: is it the right file?");
  };
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxRuleFileBytes) {
    return too_large(HumanBytes(static_cast<double>(size)) + " (" + std::to_string(size) +
                     " bytes)");
  }
  // Read at most one byte past the limit whatever the file is (a pipe has no size).
  std::string text(kMaxRuleFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxRuleFileBytes) return too_large("larger than that");
  return LoadRuleText(text, path);
}

}  // namespace csm::rules
