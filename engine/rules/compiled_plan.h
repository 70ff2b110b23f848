// A rule file compiled for one SQL dialect: per step, the set-based statements that do its work and
// the fragments the journal needs to record what the step touches.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "db/connection.h"
#include "rules/rule_model.h"
#include "rules/sql.h"

namespace csm::rules {

// The live schema of every table a rule file mentions, by table name.
using Catalog = std::map<std::string, db::TableSchema>;

// An {add: N} a pin makes to an integer column, and the values that column may reach: the
// column's range (literal_types.h) within the 64-bit integers csmigrate reads and writes.
struct PinAddition {
  std::string column;
  std::string declared_type;
  int64_t amount = 0;
  int64_t lowest = 0, highest = 0;
};

struct CompiledStep {
  const Step* step = nullptr;
  int number = 0;  // 1-based position in the rule file

  // require_none: selects the first offending row (all columns), or nothing.
  db::Statement check;
  // only_if_exists: selects 1 when the step should run, 0 when it is skipped.
  db::Statement guard;
  // report: selects the id and the message's columns of every row to report, by id. Read-only.
  db::Statement report;

  // The statements that change data, run in this order: pick (one_per: record the chosen source
  // rows in the pick table), main (the UPDATE / DELETE / INSERT), pin (update of picked sources).
  db::Statement pick;
  db::Statement main;
  db::Statement pin;

  // For the journal. `written_table` is the table `main` writes.
  std::string written_table;
  // update/delete: the rows `main` will touch, as a condition on `written_table` (unaliased).
  db::Statement touched_rows;
  // insert*: the rows `main` inserted, as a condition on `written_table` beyond id > watermark.
  db::Statement inserted_rows;
  // pin: the source table and the condition selecting the rows `pin` touches.
  std::string pinned_table;
  db::Statement pinned_rows;
  // pin: selects the id and the `pin_added` columns (in that order) of every picked row that an
  // {add: N} would carry past `lowest` or `highest`, by id; run after `pick`, before `main`.
  // Empty when the pin adds to no integer column.
  db::Statement pin_overflow;
  std::vector<PinAddition> pin_added;
  // insert with bind_id: the name to bind the new row's id to.
  std::string bind_id;

  // Every statement that changes data, in execution order (for plan output and the floor bench).
  std::vector<const db::Statement*> DataStatements() const;
};

struct CompiledPlan {
  const RuleSet* rules = nullptr;
  std::vector<CompiledStep> steps;
  // Rollback guards: per guard, a query listing ids of rows (of guard.table) that point at rows the
  // run inserted and that the run did not write. Binds the run id.
  std::vector<std::pair<const RollbackGuard*, db::Statement>> guard_checks;
};

}  // namespace csm::rules
