// The MySQL / MariaDB backend, through MariaDB Connector/C (Debian default-libmysqlclient-dev).
// Every statement is a server-side prepared statement with bound parameters, prepared once per
// SQL text and reused (one round trip per execution, as with a JDBC statement cache).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "db/connection.h"
#include "db/database_url.h"
#include "db/mysql_dialect.h"

struct st_mysql;
struct st_mysql_stmt;

namespace csm::db {

class MysqlConnection final : public Connection {
 public:
  // Connects to `url` with `password` (may be empty). Errors name host, port and database.
  static Result<std::unique_ptr<MysqlConnection>> Open(const DatabaseUrl& url,
                                                       const std::string& password);
  ~MysqlConnection() override;

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
  std::string Describe() const override { return "mysql:" + where_; }

 private:
  MysqlConnection(st_mysql* mysql, std::string where, bool skip_locked)
      : mysql_(mysql), where_(std::move(where)), dialect_(skip_locked) {}
  // Prepares `sql`, binds `params`, executes; calls `on_row` per result row when given.
  Result<int64_t> Run(
      const std::string& sql, const std::vector<Value>& params,
      const std::function<bool(const Row&, const std::vector<std::string>&)>* on_row);
  Status Error(const std::string& what) const;
  // The prepared statement for `sql`, from the cache or newly prepared.
  Result<st_mysql_stmt*> Prepared(const std::string& sql);
  // Closes and forgets the cached statement for `sql` (after an error its state is unknown).
  void Forget(const std::string& sql);

  st_mysql* mysql_;
  std::unordered_map<std::string, st_mysql_stmt*> statements_;
  std::string where_;
  int64_t last_insert_id_ = 0;
  MysqlDialect dialect_;
};

}  // namespace csm::db
