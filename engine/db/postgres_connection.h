// The PostgreSQL backend, through libpqxx. Statements are written with `?` placeholders like every
// other backend's; this class numbers them ($1, $2, ...) and types integer and float values.
#pragma once

#include <memory>
#include <pqxx/connection>
#include <string>

#include "db/connection.h"
#include "db/database_url.h"
#include "db/postgres_dialect.h"

namespace csm::db {

class PostgresConnection final : public Connection {
 public:
  // Connects to `url` with `password` (may be empty: libpq then tries ~/.pgpass).
  static Result<std::unique_ptr<PostgresConnection>> Open(const DatabaseUrl& url,
                                                          const std::string& password);
  ~PostgresConnection() override;

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
  std::string Describe() const override { return "postgresql:" + where_; }

 private:
  PostgresConnection(std::unique_ptr<pqxx::connection> conn, std::string where);

  std::unique_ptr<pqxx::connection> conn_;
  std::string where_;
  PostgresDialect dialect_;
};

}  // namespace csm::db
