// The one interface every backend implements. Statements are written with `?` placeholders and
// their values bound, never spliced; the SQL text itself comes from a Dialect, so the engine above
// this layer never needs to know which backend it talks to.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/dialect.h"
#include "db/value.h"

namespace csm::db {

// One column of a live table, as introspected.
struct ColumnInfo {
  std::string name;
  std::string declared_type;  // as the backend reports it, e.g. "VARCHAR(255)", "bigint unsigned"
  bool not_null = false;
  bool has_default = false;
  Value default_value;  // meaningful when has_default
  bool primary_key = false;
  // The character set of a MySQL text column ("utf8mb3", "utf8", "utf8mb4", ...); empty where the
  // backend has no per-column one (SQLite, PostgreSQL: text holds any character).
  std::string character_set;
};

// The live shape of a table; empty `columns` means the table does not exist.
struct TableSchema {
  std::string name;
  std::vector<ColumnInfo> columns;

  bool exists() const { return !columns.empty(); }
  const ColumnInfo* Find(const std::string& column) const;
  std::vector<std::string> ColumnNames() const;
};

// The rows a query returned, fully materialised. For large results use Connection::ForEachRow.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // The SQL dialect of this backend.
  virtual const Dialect& dialect() const = 0;

  // Runs one statement with bound `params`; returns the number of rows it changed.
  virtual Result<int64_t> Execute(const std::string& sql,
                                  const std::vector<Value>& params = {}) = 0;

  // The id the last successful INSERT on this connection generated.
  virtual Result<int64_t> LastInsertId() = 0;

  // Runs a query and returns every row. Meant for small results (counts, ledger rows, samples).
  virtual Result<QueryResult> Query(const std::string& sql,
                                    const std::vector<Value>& params = {}) = 0;

  // Streams a query's rows to `on_row` one at a time, in the order the query gives; stops early
  // (returning ok) when `on_row` returns false. Memory stays bounded whatever the row count.
  virtual Status ForEachRow(const std::string& sql, const std::vector<Value>& params,
                            const std::function<bool(const Row&)>& on_row) = 0;

  // Runs a script of several statements (DDL from schema/), with no parameters.
  virtual Status ExecuteScript(const std::string& sql) = 0;

  // Transactions. Begin starts a write transaction (SQLite: BEGIN IMMEDIATE). Rollback never fails
  // silently: an error there is reported, though the backend will have discarded the work anyway.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Takes the server's session-level advisory lock `name` without waiting: true when taken, false
  // when another session holds it. The server releases it if this process dies, so it cannot go
  // stale. SQLite has no such lock (its own write lock and the lease row serve) and returns true.
  virtual Result<bool> TryAdvisoryLock(const std::string& name) = 0;
  // Releases the advisory lock `name` taken by this connection.
  virtual Status ReleaseAdvisoryLock(const std::string& name) = 0;

  // The live shape of `table` (columns empty when it does not exist).
  virtual Result<TableSchema> DescribeTable(const std::string& table) = 0;

  // Who this connection is, for lock holders and the ledger: "sqlite:/path", "mysql:host:port/db".
  virtual std::string Describe() const = 0;
};

// Refreshes the planner's statistics of `table` inside the open transaction where the backend
// needs that after a work table was filled (Dialect::RefreshStatistics); otherwise does nothing.
Status RefreshStatistics(Connection& conn, const std::string& table);

// Runs `sql` and returns the single integer it yields (COUNT, MAX, ...); NULL becomes `if_null`.
Result<int64_t> QueryInt(Connection& conn, const std::string& sql,
                         const std::vector<Value>& params = {}, int64_t if_null = 0);

}  // namespace csm::db
