#include "rules/rule_validator.h"

#include <set>

#include "rules/literal_types.h"
#include "rules/secret_masks.h"

namespace csm::rules {
namespace {

class Validator {
 public:
  Validator(const RuleSet& rules, const Catalog& catalog)
      : rules_(rules), catalog_(catalog), secret_tables_(SecretMasks(rules, {})) {
    for (const auto& p : rules.parameters) (p.is_map ? maps_ : scalars_).insert(p.name);
    scalars_.insert({"uuid", "now"});
    for (const auto& d : rules.derived) scalars_.insert(d.name);
  }

  Status Run() {
    for (const auto& d : rules_.derived) {
      for (const auto& op : d.coalesce) CSM_RETURN_IF_ERROR(Parameter(op, "derived " + d.name));
    }
    for (const auto& step : rules_.steps) {
      CSM_RETURN_IF_ERROR(CheckStep(step).WithContext(step.where_defined.ToString() + ": step '" +
                                                      step.name + "'"));
      if (step.kind == Step::Kind::kInsertFrom && !step.one_per.empty()) picked_.insert(step.name);
      if (!step.bind_id.empty()) scalars_.insert(step.bind_id);
    }
    for (const auto& g : rules_.rollback_guards) {
      if (!GuardApplies(g, catalog_)) continue;
      CSM_RETURN_IF_ERROR(Table(g.table));
      CSM_RETURN_IF_ERROR(Table(g.references));
      CSM_RETURN_IF_ERROR(Column(g.table, g.column));
      CSM_RETURN_IF_ERROR(Column(g.table, "id"));
      CSM_RETURN_IF_ERROR(Conditions(g.where, g.table, {}));
    }
    return Status::Ok();
  }

 private:
  Status Table(const std::string& table) const {
    if (table.rfind("csm_", 0) == 0) {
      return Status(ErrorCode::kInvalidRules,
                    "table '" + table + "' belongs to csmigrate itself; rules may not touch it");
    }
    const auto it = catalog_.find(table);
    if (it == catalog_.end() || !it->second.exists()) {
      return Status(ErrorCode::kInvalidRules,
                    "table '" + table +
                        "' does not exist in this database (is it a CloudStack "
                        "database? create one with `csmigrate init`)");
    }
    return Status::Ok();
  }

  Status Column(const std::string& table, const std::string& column) const {
    CSM_RETURN_IF_ERROR(Table(table));
    const db::TableSchema& schema = catalog_.at(table);
    if (schema.Find(column) != nullptr) return Status::Ok();
    std::string names;
    for (const auto& c : schema.columns) names += (names.empty() ? "" : ", ") + c.name;
    return Status(ErrorCode::kInvalidRules,
                  "'" + column + "' is not a column of " + table + " (its columns: " + names + ")");
  }

  Status Parameter(const rules::Operand& op, const std::string& where) const {
    if (op.kind != Operand::Kind::kParameter || scalars_.count(op.parameter)) return Status::Ok();
    std::string known;
    for (const auto& s : scalars_) known += (known.empty() ? "$" : ", $") + s;
    return Status(ErrorCode::kInvalidRules, "line " + std::to_string(op.where.line) + ": $" +
                                                op.parameter + " in " + where +
                                                " is not bound here (known: " + known + ")");
  }

  // Checks a literal, NULL or {add: N} operand against the live type of `column` of `table`
  // (rules/literal_types.h); the column itself is checked before.
  Status Literal(const rules::Operand& op, const std::string& table, const std::string& column,
                 LiteralUse use) const {
    const db::ColumnInfo* info = catalog_.at(table).Find(column);
    return info == nullptr ? Status::Ok() : CheckLiteral(op, table, *info, use);
  }

  // Checks an operand; `aliases` maps rule aliases to the table each stands for.
  Status Operand(const rules::Operand& op, const std::map<std::string, std::string>& aliases,
                 const std::string& where) const {
    if (op.kind == Operand::Kind::kColumn) {
      const auto it = aliases.find(op.alias);
      if (it == aliases.end()) {
        return Status(ErrorCode::kInvalidRules, "line " + std::to_string(op.where.line) + ": '" +
                                                    op.alias + "' is not a row alias here");
      }
      return Column(it->second, op.column);
    }
    return Parameter(op, where);
  }

  Status Conditions(const std::vector<Condition>& conditions, const std::string& table,
                    const std::map<std::string, std::string>& aliases) const {
    for (const auto& c : conditions) {
      CSM_RETURN_IF_ERROR(
          Column(table, c.column).WithContext("line " + std::to_string(c.where.line)));
      switch (c.kind) {
        case Condition::Kind::kEquals:
        case Condition::Kind::kDistinct:
          CSM_RETURN_IF_ERROR(Operand(c.operand, aliases, "a condition"));
          CSM_RETURN_IF_ERROR(Literal(c.operand, table, c.column, LiteralUse::kCompared));
          break;
        case Condition::Kind::kInList:
          for (const auto& op : c.list) {
            CSM_RETURN_IF_ERROR(Operand(op, aliases, "a condition"));
            CSM_RETURN_IF_ERROR(Literal(op, table, c.column, LiteralUse::kCompared));
          }
          break;
        case Condition::Kind::kInSelect:
        case Condition::Kind::kNotInSelect:
          CSM_RETURN_IF_ERROR(Column(c.sub->table, c.sub->column));
          CSM_RETURN_IF_ERROR(Conditions(c.sub->where, c.sub->table, aliases));
          break;
        case Condition::Kind::kPickedBy: {
          if (!picked_.count(c.picked_step)) {
            return Status(ErrorCode::kInvalidRules,
                          "line " + std::to_string(c.where.line) + ": picked_by '" + c.picked_step +
                              "' must name an earlier insert_from step with one_per");
          }
          CSM_RETURN_IF_ERROR(Column(rules_.FindStep(c.picked_step)->table, c.picked_column));
          break;
        }
      }
    }
    return Status::Ok();
  }

  Status Assignments(const std::vector<rules::Assignment>& values, const std::string& table,
                     const std::map<std::string, std::string>& aliases) const {
    for (const auto& a : values) {
      CSM_RETURN_IF_ERROR(
          Column(table, a.column).WithContext("line " + std::to_string(a.value.where.line)));
      if (a.column == "id") {
        return Status(ErrorCode::kInvalidRules,
                      "ids are generated by the database; do not assign id");
      }
      CSM_RETURN_IF_ERROR(Operand(a.value, aliases, "values"));
      CSM_RETURN_IF_ERROR(Literal(a.value, table, a.column, LiteralUse::kStored));
    }
    return Status::Ok();
  }

  // Refuses `what` (update, delete, pin_source), which changes existing rows of `table`, when that
  // table may hold secrets in clear (rules/secret_masks.h): the journal would have to keep the old
  // secret (a before-image) or a digest of it to roll the change back.
  Status NoChangeToSecrets(const std::string& table, const std::string& what) const {
    const auto mask = secret_tables_.find(table);
    if (mask == secret_tables_.end()) return Status::Ok();
    return Status(ErrorCode::kInvalidRules,
                  what + " of " + table + " refused: its rows hold secrets (the " +
                      mask->second.value_column + " of a row whose " + mask->second.key_column +
                      " is secretkey, key, password, ...), and rolling such a change back would "
                      "need the secret kept in csmigrate's journal; rules may only insert into " +
                      table + " (change such rows in CloudStack itself)");
  }

  // Every NOT NULL column without a default must get a value.
  Status Filled(const std::string& table, const std::set<std::string>& assigned) const {
    for (const auto& c : catalog_.at(table).columns) {
      if (c.not_null && !c.has_default && !c.primary_key && !assigned.count(c.name)) {
        return Status(ErrorCode::kInvalidRules, "the insert into " + table +
                                                    " leaves NOT NULL column '" + c.name +
                                                    "' without a value");
      }
    }
    return Status::Ok();
  }

  Status CheckStep(const Step& step) {
    CSM_RETURN_IF_ERROR(Table(step.table));
    std::map<std::string, std::string> aliases;
    if (step.only_if_exists) {
      CSM_RETURN_IF_ERROR(Table(step.only_if_exists->table));
      CSM_RETURN_IF_ERROR(Conditions(step.only_if_exists->where, step.only_if_exists->table, {}));
    }
    std::set<std::string> assigned;
    for (const auto& a : step.values) assigned.insert(a.column);
    switch (step.kind) {
      case Step::Kind::kRequireNone:
        CSM_RETURN_IF_ERROR(MessageColumns(step));
        return Conditions(step.where, step.table, aliases);
      case Step::Kind::kDelete:
        CSM_RETURN_IF_ERROR(NoChangeToSecrets(step.table, "delete"));
        return Conditions(step.where, step.table, aliases);
      case Step::Kind::kUpdate:
        CSM_RETURN_IF_ERROR(NoChangeToSecrets(step.table, "update"));
        CSM_RETURN_IF_ERROR(Conditions(step.where, step.table, aliases));
        return Assignments(step.values, step.table, aliases);
      case Step::Kind::kInsert:
        CSM_RETURN_IF_ERROR(Assignments(step.values, step.table, aliases));
        return Filled(step.table, assigned);
      case Step::Kind::kInsertEach: {
        if (!maps_.count(step.for_each)) {
          return Status(ErrorCode::kInvalidRules,
                        "for_each: $" + step.for_each + " is not a map parameter");
        }
        scalars_.insert({"key", "value"});
        Status s = Assignments(step.values, step.table, aliases);
        scalars_.erase("key");
        scalars_.erase("value");
        CSM_RETURN_IF_ERROR(s);
        return Filled(step.table, assigned);
      }
      case Step::Kind::kInsertFrom:
        return CheckInsertFrom(step, assigned);
      case Step::Kind::kReport: {
        CSM_RETURN_IF_ERROR(MessageColumns(step));
        return CheckSource(step).status();
      }
    }
    return Status::Ok();
  }

  // Every {column} of a require_none or report message is a column of the rows it shows.
  Status MessageColumns(const Step& step) const {
    for (const auto& column : step.message_columns) {
      CSM_RETURN_IF_ERROR(Column(step.table, column).WithContext("message {" + column + "}"));
    }
    return Status::Ok();
  }

  // Checks the rows an insert_from or report step draws from (source, joins, where,
  // unless_exists); returns the aliases in scope (rule alias -> table).
  Result<std::map<std::string, std::string>> CheckSource(const Step& step) const {
    std::map<std::string, std::string> aliases = {{"src", step.table}};
    for (const auto& join : step.joins) {
      CSM_RETURN_IF_ERROR(Table(join.table));
      aliases[join.table] = join.table;
    }
    for (const auto& join : step.joins) {
      for (const auto& [column, operand] : join.on) {
        CSM_RETURN_IF_ERROR(Column(join.table, column));
        CSM_RETURN_IF_ERROR(Operand(operand, aliases, "join on"));
        CSM_RETURN_IF_ERROR(Literal(operand, join.table, column, LiteralUse::kCompared));
      }
      CSM_RETURN_IF_ERROR(Conditions(join.where, join.table, aliases));
    }
    CSM_RETURN_IF_ERROR(Conditions(step.where, step.table, aliases));
    if (step.unless_exists) {
      CSM_RETURN_IF_ERROR(Table(step.unless_exists_table));
      CSM_RETURN_IF_ERROR(Conditions(*step.unless_exists, step.unless_exists_table, aliases));
    }
    return aliases;
  }

  Status CheckInsertFrom(const Step& step, std::set<std::string> assigned) {
    CSM_RETURN_IF_ERROR(Table(step.into));
    CSM_ASSIGN_OR_RETURN(const auto aliases, CheckSource(step));
    if (!step.one_per.empty()) CSM_RETURN_IF_ERROR(Column(step.table, step.one_per));
    for (const auto& column : step.copy) {
      CSM_RETURN_IF_ERROR(Column(step.table, column).WithContext("copy"));
      CSM_RETURN_IF_ERROR(Column(step.into, column).WithContext("copy"));
      if (!assigned.insert(column).second) {
        return Status(ErrorCode::kInvalidRules,
                      "column '" + column + "' is both copied and assigned");
      }
    }
    CSM_RETURN_IF_ERROR(Assignments(step.values, step.into, aliases));
    CSM_RETURN_IF_ERROR(Filled(step.into, assigned));
    for (const auto& a : step.pin_source) {
      CSM_RETURN_IF_ERROR(Column(step.table, a.column));
      CSM_RETURN_IF_ERROR(Literal(a.value, step.table, a.column, LiteralUse::kStored));
    }
    if (!step.pin_source.empty()) CSM_RETURN_IF_ERROR(NoChangeToSecrets(step.table, "pin_source"));
    if (!step.pin_source.empty() && step.one_per.empty()) {
      return Status(ErrorCode::kInvalidRules, "pin_source needs one_per (which rows to pin)");
    }
    return Status::Ok();
  }

  const RuleSet& rules_;
  const Catalog& catalog_;
  std::set<std::string> scalars_, maps_, picked_;
  std::map<std::string, db::DigestMask> secret_tables_;  // tables that may hold secrets
};

void Mention(std::set<std::string>& tables, const std::vector<Condition>& conditions) {
  for (const auto& c : conditions) {
    if (c.sub) {
      tables.insert(c.sub->table);
      Mention(tables, c.sub->where);
    }
  }
}

}  // namespace

Result<Catalog> LoadCatalog(const RuleSet& rules, db::Connection& conn) {
  std::set<std::string> tables;
  for (const auto& step : rules.steps) {
    tables.insert(step.table);
    if (!step.into.empty()) tables.insert(step.into);
    if (!step.unless_exists_table.empty()) tables.insert(step.unless_exists_table);
    for (const auto& j : step.joins) {
      tables.insert(j.table);
      Mention(tables, j.where);
    }
    if (step.only_if_exists) {
      tables.insert(step.only_if_exists->table);
      Mention(tables, step.only_if_exists->where);
    }
    Mention(tables, step.where);
    if (step.unless_exists) Mention(tables, *step.unless_exists);
  }
  for (const auto& g : rules.rollback_guards) tables.insert({g.table, g.references});
  Catalog catalog;
  for (const auto& t : tables) {
    CSM_ASSIGN_OR_RETURN(catalog[t], conn.DescribeTable(t));
  }
  return catalog;
}

Status ValidateRules(const RuleSet& rules, const Catalog& catalog) {
  return Validator(rules, catalog).Run();
}

bool GuardApplies(const RollbackGuard& guard, const Catalog& catalog) {
  if (!guard.optional) return true;
  const auto it = catalog.find(guard.table);
  return it != catalog.end() && it->second.exists();
}

}  // namespace csm::rules
