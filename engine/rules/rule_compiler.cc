#include "rules/rule_compiler.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <set>

#include "common/text.h"
#include "db/engine_tables.h"
#include "rules/literal_types.h"
#include "rules/rule_validator.h"

namespace csm::rules {
namespace {

class Compiler {
 public:
  Compiler(const RuleSet& rules, const Catalog& catalog, const db::Dialect& dialect,
           const Bindings& bindings)
      : rules_(rules), catalog_(catalog), d_(dialect), bindings_(bindings) {}

  CompiledPlan Run() {
    CompiledPlan plan;
    plan.rules = &rules_;
    int number = 0;
    for (const auto& step : rules_.steps) {
      CompiledStep compiled;
      compiled.step = &step;
      compiled.number = ++number;
      numbers_[step.name] = number;
      CompileStep(step, compiled);
      plan.steps.push_back(std::move(compiled));
    }
    for (const auto& guard : rules_.rollback_guards) {
      if (GuardApplies(guard, catalog_)) plan.guard_checks.emplace_back(&guard, Guard(guard));
    }
    return plan;
  }

 private:
  std::string Q(const std::string& name) const { return d_.Quote(name); }
  std::string Col(const std::string& alias, const std::string& column) const {
    return alias + "." + Q(column);
  }
  std::string NewAlias(const std::string& stem) { return stem + std::to_string(++alias_counter_); }

  // The SQL for an operand. `aliases` maps rule aliases (src, joined table names) to SQL aliases.
  db::Statement Operand(const rules::Operand& op,
                        const std::map<std::string, std::string>& aliases) const {
    db::Statement sql;
    switch (op.kind) {
      case Operand::Kind::kNull:
        return sql.Append("NULL");
      case Operand::Kind::kLiteral:
        return sql.Bind(op.literal);
      case Operand::Kind::kParameter:
        return sql.Bind({db::StatementParam::Kind::kBinding, {}, op.parameter, false});
      case Operand::Kind::kColumn: {
        const auto it = aliases.find(op.alias);
        assert(it != aliases.end());  // the validator checked every alias
        return sql.Append(Col(it->second, op.column));
      }
      case Operand::Kind::kAdd:
        break;
    }
    assert(false && "kAdd is only valid in an assignment");
    return sql;
  }

  // The declared type of `column` of `table` as the backend reports it ("" when unknown).
  std::string DeclaredType(const std::string& table, const std::string& column) const {
    const auto it = catalog_.find(table);
    if (it == catalog_.end()) return "";
    const db::ColumnInfo* info = it->second.Find(column);
    return info == nullptr ? "" : info->declared_type;
  }

  // True when `column` of `table` holds text (compared case-sensitively).
  bool IsText(const std::string& table, const std::string& column) const {
    const std::string type = ToUpper(DeclaredType(table, column));
    return type.find("CHAR") != std::string::npos || type.find("TEXT") != std::string::npos;
  }

  // The conjunction of `conditions` on rows of `table` aliased `alias` ("1 = 1" when empty).
  db::Statement Where(const std::vector<Condition>& conditions, const std::string& alias,
                      const std::string& table, const std::map<std::string, std::string>& aliases) {
    db::Statement sql;
    if (conditions.empty()) return sql.Append("1 = 1");
    for (size_t i = 0; i < conditions.size(); ++i) {
      if (i > 0) sql.Append(" AND ");
      sql.Append(Condition(conditions[i], alias, table, aliases));
    }
    return sql;
  }

  db::Statement Condition(const rules::Condition& c, const std::string& alias,
                          const std::string& table,
                          const std::map<std::string, std::string>& aliases) {
    db::Statement sql;
    const std::string lhs = Col(alias, c.column);
    const bool text = IsText(table, c.column);
    switch (c.kind) {
      case Condition::Kind::kEquals: {
        if (c.operand.kind == Operand::Kind::kNull) return sql.Append(lhs + " IS NULL");
        const db::Statement rhs = Operand(c.operand, aliases);
        db::Statement eq;
        eq.params = rhs.params;
        eq.text = d_.Equals(lhs, rhs.text, text);
        return eq;
      }
      case Condition::Kind::kDistinct: {
        const db::Statement rhs = Operand(c.operand, aliases);
        db::Statement ne;
        ne.params = rhs.params;
        ne.text = d_.DistinctFrom(lhs, rhs.text, text);
        return ne;
      }
      case Condition::Kind::kInList: {
        sql.Append(lhs + " IN (");
        for (size_t i = 0; i < c.list.size(); ++i) {
          if (i > 0) sql.Append(", ");
          sql.Append(Operand(c.list[i], aliases));
        }
        return sql.Append(")");
      }
      case Condition::Kind::kInSelect: {
        const std::string sub = NewAlias("s");
        sql.Append(lhs + " IN (SELECT " + Col(sub, c.sub->column) + " FROM " + Q(c.sub->table) +
                   " " + sub + " WHERE ");
        sql.Append(Where(c.sub->where, sub, c.sub->table, aliases));
        return sql.Append(")");
      }
      case Condition::Kind::kNotInSelect: {
        // NOT EXISTS rather than NOT IN: a NULL in the sub-select must not hide every row.
        const std::string sub = NewAlias("s");
        sql.Append("NOT EXISTS (SELECT 1 FROM " + Q(c.sub->table) + " " + sub + " WHERE " +
                   d_.Equals(Col(sub, c.sub->column), lhs, IsText(c.sub->table, c.sub->column)) +
                   " AND ");
        sql.Append(Where(c.sub->where, sub, c.sub->table, aliases));
        return sql.Append(")");
      }
      case Condition::Kind::kPickedBy: {
        const Step* picked = rules_.FindStep(c.picked_step);
        assert(picked != nullptr);
        const std::string sub = NewAlias("s");
        const std::string pick = NewAlias("p");
        sql.Append(lhs + " IN (SELECT " + Col(sub, c.picked_column) + " FROM " + Q(picked->table) +
                   " " + sub + " JOIN " + db::kPickTable + " " + pick + " ON " + pick +
                   ".src_id = " + sub + ".id WHERE " + pick + ".run_id = ");
        sql.BindRunId();
        sql.Append(" AND " + pick + ".step_no = ");
        sql.Bind(static_cast<int64_t>(numbers_.at(c.picked_step)));
        return sql.Append(")");
      }
    }
    return sql;
  }

  // `column = value` for SET, with {add: N} as COALESCE(column, 0) + N.
  db::Statement Assignment(const rules::Assignment& a,
                           const std::map<std::string, std::string>& aliases) {
    db::Statement sql;
    sql.Append(Q(a.column) + " = ");
    if (a.value.kind == Operand::Kind::kAdd) {
      sql.Append("COALESCE(" + Q(a.column) + ", 0) + ");
      return sql.Bind(a.value.literal);
    }
    return sql.Append(Operand(a.value, aliases));
  }

  // Conditions identifying rows an insert into `table` wrote: its constant and parameter
  // assignments.
  db::Statement Identity(const std::vector<rules::Assignment>& values, const std::string& table) {
    const std::string alias = Q(table);
    db::Statement sql;
    for (const auto& a : values) {
      if (a.value.kind == Operand::Kind::kColumn) continue;
      if (!sql.empty()) sql.Append(" AND ");
      if (a.value.kind == Operand::Kind::kNull) {
        sql.Append(Col(alias, a.column) + " IS NULL");
        continue;
      }
      const db::Statement rhs = Operand(a.value, {});
      sql.Append("NOT (" +
                 d_.DistinctFrom(Col(alias, a.column), rhs.text, IsText(table, a.column)) + ")");
      sql.params.insert(sql.params.end(), rhs.params.begin(), rhs.params.end());
    }
    return sql.empty() ? sql.Append("1 = 1") : sql;
  }

  void CompileStep(const Step& step, CompiledStep& out) {
    const std::string table = Q(step.table);
    const std::map<std::string, std::string> no_aliases;
    if (step.only_if_exists) {
      const std::string alias = NewAlias("g");
      out.guard.Append("SELECT EXISTS (SELECT 1 FROM " + Q(step.only_if_exists->table) + " " +
                       alias + " WHERE ");
      out.guard
          .Append(Where(step.only_if_exists->where, alias, step.only_if_exists->table, no_aliases))
          .Append(")");
    }
    switch (step.kind) {
      case Step::Kind::kRequireNone: {
        out.check.Append("SELECT * FROM " + table + " WHERE ");
        out.check.Append(Where(step.where, table, step.table, no_aliases));
        out.check.Append(" ORDER BY " + table + ".id LIMIT 1");
        return;
      }
      case Step::Kind::kUpdate: {
        out.written_table = step.table;
        out.touched_rows = Where(step.where, table, step.table, no_aliases);
        out.main.Append("UPDATE " + table + " SET ");
        for (size_t i = 0; i < step.values.size(); ++i) {
          if (i > 0) out.main.Append(", ");
          out.main.Append(Assignment(step.values[i], no_aliases));
        }
        out.main.Append(" WHERE ").Append(out.touched_rows);
        return;
      }
      case Step::Kind::kDelete: {
        out.written_table = step.table;
        out.touched_rows = Where(step.where, table, step.table, no_aliases);
        out.main.Append("DELETE FROM " + table + " WHERE ").Append(out.touched_rows);
        return;
      }
      case Step::Kind::kInsert: {
        out.written_table = step.table;
        out.bind_id = step.bind_id;
        out.main.Append("INSERT INTO " + table + " (");
        db::Statement values;
        for (size_t i = 0; i < step.values.size(); ++i) {
          if (i > 0) {
            out.main.Append(", ");
            values.Append(", ");
          }
          out.main.Append(Q(step.values[i].column));
          values.Append(Operand(step.values[i].value, no_aliases));
        }
        out.main.Append(") VALUES (").Append(values).Append(")");
        out.inserted_rows = Identity(step.values, step.table);
        return;
      }
      case Step::Kind::kInsertEach:
        CompileInsertEach(step, out);
        return;
      case Step::Kind::kInsertFrom:
        CompileInsertFrom(step, out);
        return;
      case Step::Kind::kReport:
        CompileReport(step, out);
        return;
    }
  }

  // The rows an insert_from or report step draws from: `from` is " FROM source src JOIN ...",
  // `filter` the step's where and unless_exists, `aliases` the rule aliases in scope.
  struct Source {
    std::map<std::string, std::string> aliases;
    db::Statement from, filter;
  };

  Source CompileSource(const Step& step) {
    Source s;
    s.aliases = {{"src", "src"}};
    for (const auto& join : step.joins) s.aliases[join.table] = "j_" + join.table;
    s.from.Append(" FROM " + Q(step.table) + " src");
    for (const auto& join : step.joins) {
      const std::string alias = s.aliases.at(join.table);
      s.from.Append(" JOIN " + Q(join.table) + " " + alias + " ON ");
      std::vector<rules::Condition> on;
      for (const auto& [column, operand] : join.on) {
        rules::Condition c;
        c.kind = Condition::Kind::kEquals;
        c.column = column;
        c.operand = operand;
        on.push_back(c);
      }
      on.insert(on.end(), join.where.begin(), join.where.end());
      s.from.Append(Where(on, alias, join.table, s.aliases));
    }
    s.filter = Where(step.where, "src", step.table, s.aliases);
    if (step.unless_exists) {
      s.filter.Append(" AND NOT EXISTS (SELECT 1 FROM " + Q(step.unless_exists_table) +
                      " dst WHERE ");
      s.filter.Append(Where(*step.unless_exists, "dst", step.unless_exists_table, s.aliases))
          .Append(")");
    }
    return s;
  }

  // SELECT of the id and the message's columns of every source row, by id.
  void CompileReport(const Step& step, CompiledStep& out) {
    const Source source = CompileSource(step);
    std::vector<std::string> columns = {"id"};
    for (const auto& c : step.message_columns) {
      if (c != "id") columns.push_back(c);
    }
    out.report.Append("SELECT ");
    for (size_t i = 0; i < columns.size(); ++i) {
      out.report.Append((i > 0 ? ", " : "") + Col("src", columns[i]) + " AS " + Q(columns[i]));
    }
    out.report.Append(source.from).Append(" WHERE ").Append(source.filter);
    out.report.Append(" ORDER BY src.id");
  }

  // One multi-row INSERT ... VALUES with a row per map entry; $key and $value are the entry's.
  void CompileInsertEach(const Step& step, CompiledStep& out) {
    const std::string table = Q(step.table);
    const std::set<std::string> secrets = SecretNames(rules_);
    out.written_table = step.table;
    const auto map = bindings_.maps.find(step.for_each);
    const KeyValues entries = map == bindings_.maps.end() ? KeyValues{} : map->second;
    if (entries.empty()) return;  // nothing to insert: the step is a no-op
    out.main.Append("INSERT INTO " + table + " (");
    for (size_t i = 0; i < step.values.size(); ++i) {
      out.main.Append((i > 0 ? ", " : "") + Q(step.values[i].column));
    }
    out.main.Append(") VALUES ");
    for (size_t row = 0; row < entries.size(); ++row) {
      const auto& [key, value] = entries[row];
      out.main.Append(row > 0 ? ", (" : "(");
      for (size_t i = 0; i < step.values.size(); ++i) {
        if (i > 0) out.main.Append(", ");
        const rules::Operand& op = step.values[i].value;
        if (op.kind == Operand::Kind::kParameter && op.parameter == "key") {
          out.main.Bind(key);
        } else if (op.kind == Operand::Kind::kParameter && op.parameter == "value") {
          out.main.Bind({db::StatementParam::Kind::kValue, value, "", IsSecretName(secrets, key)});
        } else {
          out.main.Append(Operand(op, {}));
        }
      }
      out.main.Append(")");
    }
    std::vector<rules::Assignment> constant;
    for (const auto& a : step.values) {
      const bool per_entry = a.value.kind == Operand::Kind::kParameter &&
                             (a.value.parameter == "key" || a.value.parameter == "value");
      if (!per_entry) constant.push_back(a);
    }
    out.inserted_rows = Identity(constant, step.table);
  }

  void CompileInsertFrom(const Step& step, CompiledStep& out) {
    const std::string source = Q(step.table);
    const std::string target = Q(step.into);
    out.written_table = step.into;
    const Source drawn = CompileSource(step);
    const std::map<std::string, std::string>& aliases = drawn.aliases;
    const db::Statement& from = drawn.from;
    const db::Statement& filter = drawn.filter;

    // The target columns and the expressions that fill them.
    std::vector<std::string> columns;
    db::Statement exprs;
    for (const auto& column : step.copy) {
      columns.push_back(column);
      exprs.Append((exprs.empty() ? "" : ", ") + Col("src", column));
    }
    for (const auto& a : step.values) {
      columns.push_back(a.column);
      if (!exprs.empty()) exprs.Append(", ");
      db::Statement value = Operand(a.value, aliases);
      if (a.value.kind != Operand::Kind::kColumn) {
        value.text = d_.Typed(value.text, DeclaredType(step.into, a.column));
      }
      exprs.Append(value);
    }
    std::string column_list;
    for (const auto& c : columns) column_list += (column_list.empty() ? "" : ", ") + Q(c);

    std::string order = " ORDER BY src.id";
    for (const auto& join : step.joins) order += ", " + aliases.at(join.table) + ".id";

    out.main.Append("INSERT INTO " + target + " (" + column_list + ") SELECT ").Append(exprs);
    if (step.one_per.empty()) {
      out.main.Append(from).Append(" WHERE ").Append(filter).Append(order);
    } else {
      // Pick the lowest-id source row per one_per value, then insert from the picked rows only.
      const int64_t number = numbers_.at(step.name);
      out.pick.Append(std::string("INSERT INTO ") + db::kPickTable +
                      " (run_id, step_no, src_id) SELECT ");
      out.pick.BindRunId().Append(", ").Bind(number).Append(", MIN(src.id)");
      out.pick.Append(from).Append(" WHERE ").Append(filter);
      out.pick.Append(" GROUP BY " + Col("src", step.one_per));
      out.main.Append(from);
      out.main.Append(std::string(" JOIN ") + db::kPickTable + " pk ON pk.src_id = src.id" +
                      " WHERE pk.run_id = ");
      out.main.BindRunId().Append(" AND pk.step_no = ").Bind(number).Append(order);

      db::Statement picked;
      picked.Append(Q("id") + " IN (SELECT src_id FROM " + db::kPickTable + " WHERE run_id = ");
      picked.BindRunId().Append(" AND step_no = ").Bind(number).Append(")");
      if (!step.pin_source.empty()) {
        out.pinned_table = step.table;
        out.pinned_rows = picked;
        out.pin.Append("UPDATE " + source + " SET ");
        for (size_t i = 0; i < step.pin_source.size(); ++i) {
          if (i > 0) out.pin.Append(", ");
          out.pin.Append(Assignment(step.pin_source[i], {}));
        }
        out.pin.Append(" WHERE ").Append(picked);
        CompilePinOverflow(step, picked, out);
      }
    }
    out.inserted_rows = Identity(step.values, step.into);
  }

  // The query that finds the picked rows whose {add: N} pin would leave their integer column's
  // range (CompiledStep::pin_overflow): one statement, the limits bound.
  void CompilePinOverflow(const Step& step, const db::Statement& picked, CompiledStep& out) {
    db::Statement outside;
    for (const auto& a : step.pin_source) {
      const auto* amount = std::get_if<int64_t>(&a.value.literal);
      const std::string type = DeclaredType(step.table, a.column);
      if (a.value.kind != Operand::Kind::kAdd || amount == nullptr || *amount == 0 ||
          ClassOf(type) != ColumnClass::kInteger) {
        continue;
      }
      const IntegerRange range = IntegerRangeOf(type);
      PinAddition added{a.column, type, *amount,
                        static_cast<int64_t>(std::max<__int128>(range.min, INT64_MIN)),
                        static_cast<int64_t>(std::min<__int128>(range.max, INT64_MAX))};
      // The bound is computed here, so that the query itself adds nothing and cannot overflow.
      const __int128 bound = *amount > 0 ? static_cast<__int128>(added.highest) - *amount
                                         : static_cast<__int128>(added.lowest) - *amount;
      outside.Append(std::string(outside.empty() ? "" : " OR "));
      outside.Append("COALESCE(" + Q(a.column) + ", 0) " + (*amount > 0 ? ">" : "<") + " ");
      outside.Bind(static_cast<int64_t>(bound));
      out.pin_added.push_back(std::move(added));
    }
    if (out.pin_added.empty()) return;
    out.pin_overflow.Append("SELECT " + Q("id"));
    for (const auto& added : out.pin_added) out.pin_overflow.Append(", " + Q(added.column));
    out.pin_overflow.Append(" FROM " + Q(step.table) + " WHERE ").Append(picked);
    out.pin_overflow.Append(" AND (").Append(outside).Append(") ORDER BY " + Q("id"));
  }

  db::Statement Guard(const RollbackGuard& guard) {
    db::Statement sql;
    const std::string table = Q(guard.table);
    sql.Append("SELECT r.id FROM " + table + " r JOIN " + db::kJournalTable +
               " ji ON ji.row_id = r." + Q(guard.column) + " AND ji.table_name = ");
    sql.Bind(guard.references).Append(" AND ji.op = 'I' AND ji.run_id = ");
    sql.BindRunId();
    sql.Append(" WHERE ").Append(Where(guard.where, "r", guard.table, {}));
    sql.Append(std::string(" AND NOT EXISTS (SELECT 1 FROM ") + db::kJournalTable +
               " jr WHERE jr.run_id = ji.run_id AND jr.table_name = ");
    sql.Bind(guard.table).Append(" AND jr.row_id = r.id) ORDER BY r.id");
    return sql;
  }

  const RuleSet& rules_;
  const Catalog& catalog_;
  const db::Dialect& d_;
  const Bindings& bindings_;
  std::map<std::string, int> numbers_;
  int alias_counter_ = 0;
};

}  // namespace

std::vector<const db::Statement*> CompiledStep::DataStatements() const {
  std::vector<const db::Statement*> statements;
  for (const db::Statement* s : {&pick, &main, &pin}) {
    if (!s->empty()) statements.push_back(s);
  }
  return statements;
}

CompiledPlan Compile(const RuleSet& rules, const Catalog& catalog, const db::Dialect& dialect,
                     const Bindings& bindings) {
  return Compiler(rules, catalog, dialect, bindings).Run();
}

}  // namespace csm::rules
