// The parsed form of a rule file (rules/*.yaml). The loader builds it, the validator checks it
// against the live schema, the compiler turns each step into SQL. Every node remembers the line
// it came from so that errors can point at it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/value.h"

namespace csm::rules {

// Where a node came from, for error messages: "rules/x.yaml:42".
struct SourceLocation {
  std::string file;
  int line = 0;
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

// A value in a rule: a literal, NULL, a run parameter ($name) or a column of a row in scope
// (alias.column). `{add: N}` appears only in assignments.
struct Operand {
  enum class Kind { kLiteral, kNull, kParameter, kColumn, kAdd };
  Kind kind = Kind::kNull;
  db::Value literal;      // kLiteral; the amount for kAdd
  std::string parameter;  // kParameter: name without '$'
  std::string alias;      // kColumn: "src", a joined table's name, ...
  std::string column;     // kColumn
  SourceLocation where;
};

struct Condition;

// A sub-select producing one column: {in: {from: T, select: C, where: {...}}} (also not_in).
struct SubSelect {
  std::string table;
  std::string column;
  std::vector<Condition> where;
};

// One `column: ...` entry of a where map. All entries of a map are ANDed.
struct Condition {
  enum class Kind {
    kEquals,       // column = operand (IS NULL for null)
    kDistinct,     // {not: X}
    kInList,       // {in: [a, b]}
    kInSelect,     // {in: {from: ...}}
    kPickedBy,     // {picked_by: STEP, select: C}
    kNotInSelect,  // {not_in: {from: ...}}: no sub-select row has the value (NULL: none has)
  };
  Kind kind = Kind::kEquals;
  std::string column;
  Operand operand;                 // kEquals, kDistinct
  std::vector<Operand> list;       // kInList
  std::shared_ptr<SubSelect> sub;  // kInSelect, kNotInSelect
  std::string picked_step;         // kPickedBy
  std::string picked_column;       // kPickedBy
  SourceLocation where;
};

// A table joined to the source of an insert_from: `on` pairs (joined column = operand) and filters.
// No `on` means a cross join (every row of the joined table).
struct Join {
  std::string table;
  std::vector<std::pair<std::string, Operand>> on;
  std::vector<Condition> where;
};

// column := operand.
struct Assignment {
  std::string column;
  Operand value;
};

struct Step {
  enum class Kind {
    kRequireNone,  // precondition: no row of `table` matches `where`
    kUpdate,       // UPDATE table SET ... WHERE ...
    kDelete,       // DELETE FROM table WHERE ...
    kInsert,       // one row of constants and parameters
    kInsertEach,   // one row per entry of a map parameter
    kInsertFrom,   // INSERT INTO target SELECT ... FROM source [JOIN ...] WHERE ...
    kReport,       // read-only: lists rows of `table` (join, where, unless_exists as in
                   // insert_from), each shown with `message`
  };
  Kind kind = Kind::kUpdate;
  std::string name;
  SourceLocation where_defined;
  std::string table;  // the table the step reads (insert_from, report: the source) or writes
  std::string into;   // insert_from: the target (defaults to `table`)
  std::vector<Condition> where;
  std::vector<Assignment> values;  // set / values
  std::vector<std::string> copy;   // insert_from: columns copied from src unchanged
  std::vector<Join> joins;         // insert_from, report
  std::string one_per;             // insert_from: keep the lowest-id source row per value of this
  std::optional<std::vector<Condition>> unless_exists;  // insert_from, report: alias dst
  std::string unless_exists_table;          // defaults to the target (report: the source)
  std::vector<Assignment> pin_source;       // insert_from: update of picked sources
  std::optional<SubSelect> only_if_exists;  // guard: run only if a row matches
  std::string message;  // require_none, report: shown to the user, per row found
  // require_none, report: the columns `message` names as {column}, in order of first appearance.
  std::vector<std::string> message_columns;
  std::string bind_id;   // insert: the new row's id becomes parameter $bind_id
  std::string for_each;  // insert_each: the map parameter
};

// Declared run parameter.
struct ParameterSpec {
  std::string name;
  bool required = false;
  bool is_map = false;
  std::vector<std::string> one_of;
};

// Per-provider requirements on the `details` map.
struct ProviderSpec {
  std::string name;
  std::vector<std::string> required_details;
  std::vector<std::string> secret_details;
};

// A derived value: coalesce of operands, or if/then/else on parameter tests.
struct Derived {
  std::string name;
  std::vector<Operand> coalesce;
  std::vector<std::pair<std::string, db::Value>> if_all;  // parameter path -> expected value
  std::string then_value, else_value;
};

// A rollback guard: rows of `table` whose `column` points at a row of `references` inserted by
// the run, and not written by the run itself, make rollback refuse. An `optional` guard is
// skipped on a database without `table` (a table CloudStack has but `init`'s schema does not).
struct RollbackGuard {
  std::string table, column, references;
  std::vector<Condition> where;
  bool optional = false;
};

struct RuleSet {
  std::string name;
  std::string description;
  std::string file;
  std::vector<ParameterSpec> parameters;
  std::vector<ProviderSpec> providers;
  std::vector<Derived> derived;
  std::vector<Step> steps;
  std::vector<RollbackGuard> rollback_guards;

  const Step* FindStep(const std::string& name) const;
  const ProviderSpec* FindProvider(const std::string& name) const;
};

}  // namespace csm::rules
