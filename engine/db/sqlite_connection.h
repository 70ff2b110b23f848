// The embedded default backend: a SQLite database file, opened through SQLiteCpp. Prepared
// statements are kept and reused per SQL text (as a JDBC statement cache does): a caller issuing
// the same statement many times pays for preparing it once.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "db/connection.h"
#include "db/sqlite_dialect.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace csm::db {

class SqliteConnection final : public Connection {
 public:
  // Opens the database file at `path`. With `create` the file is created when missing; otherwise a
  // missing file is a kNotFound error (a typo in --db must not silently create an empty cloud).
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, bool create);
  ~SqliteConnection() override;

  const Dialect& dialect() const override { return dialect_; }
  Result<int64_t> Execute(const std::string& sql, const std::vector<Value>& params) override;
  Result<int64_t> LastInsertId() override;
  Result<QueryResult> Query(const std::string& sql, const std::vector<Value>& params) override;
  Status ForEachRow(const std::string& sql, const std::vector<Value>& params,
                    const std::function<bool(const Row&)>& on_row) override;
  Status ExecuteScript(const std::string& sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  Result<bool> TryAdvisoryLock(const std::string& name) override;
  Status ReleaseAdvisoryLock(const std::string& name) override;
  Result<TableSchema> DescribeTable(const std::string& table) override;
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  SqliteConnection(std::unique_ptr<SQLite::Database> db, std::string path);
  // The prepared statement for `sql`, reset and with no bindings, from the cache or new.
  SQLite::Statement& Prepared(const std::string& sql);

  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
  std::string path_;
  SqliteDialect dialect_;
};

}  // namespace csm::db
