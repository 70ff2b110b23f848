// A SQLite Connection that keeps every statement it prepares and reuses it when the same SQL text
// comes again, as a JDBC driver with cachePrepStmts does for CloudStack's DAOs. The per-row
// baseline runs on it, so that it is not charged for re-parsing each of its millions of
// statements (the engine's SqliteConnection prepares every statement afresh, which is right for
// the handful of large statements the engine runs). Benchmark use only: an `on_row` callback of
// ForEachRow must not run the very SQL text that is being iterated (it shares the statement).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "db/connection.h"
#include "db/sqlite_dialect.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace csm::bench {

class CachingSqliteConnection final : public db::Connection {
 public:
  // Opens the existing SQLite database file at `path` (kNotFound when it does not exist), with the
  // same open flags and busy timeout as the engine's connection.
  static Result<std::unique_ptr<CachingSqliteConnection>> Open(const std::string& path);
  ~CachingSqliteConnection() override;

  const db::Dialect& dialect() const override { return dialect_; }
  Result<int64_t> Execute(const std::string& sql, const std::vector<db::Value>& params) override;
  Result<int64_t> LastInsertId() override;
  Result<db::QueryResult> Query(const std::string& sql,
                                const std::vector<db::Value>& params) override;
  Status ForEachRow(const std::string& sql, const std::vector<db::Value>& params,
                    const std::function<bool(const db::Row&)>& on_row) override;
  Status ExecuteScript(const std::string& sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  // SQLite has no advisory locks: always taken (as the engine's SqliteConnection).
  Result<bool> TryAdvisoryLock(const std::string&) override { return true; }
  Status ReleaseAdvisoryLock(const std::string&) override { return Status::Ok(); }
  // Names, declared types, NOT NULL and primary key; default values are not parsed (has_default
  // is set, default_value stays NULL).
  Result<db::TableSchema> DescribeTable(const std::string& table) override;
  std::string Describe() const override { return "sqlite:" + path_; }

  // How many statements were run through Execute/Query/ForEachRow, and how many distinct SQL
  // texts had to be prepared.
  int64_t statements_run() const { return statements_run_; }
  int64_t statements_prepared() const { return static_cast<int64_t>(cache_.size()); }

 private:
  CachingSqliteConnection(std::unique_ptr<SQLite::Database> db, std::string path);

  // The cached statement for `sql`, reset and bound to `params`; throws SQLite::Exception.
  SQLite::Statement& Prepared(const std::string& sql, const std::vector<db::Value>& params);

  std::unique_ptr<SQLite::Database> db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
  std::string path_;
  db::SqliteDialect dialect_;
  int64_t statements_run_ = 0;
};

}  // namespace csm::bench
