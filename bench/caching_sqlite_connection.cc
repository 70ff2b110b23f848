#include "caching_sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <filesystem>

namespace csm::bench {
namespace {

constexpr int kBusyTimeoutMs = 5000;  // as the engine's SqliteConnection

Status SqlError(const std::exception& e, const std::string& sql) {
  const std::string shown = sql.size() > 160 ? sql.substr(0, 160) + "..." : sql;
  return Status(ErrorCode::kDatabase, std::string("sqlite: ") + e.what() + " [in: " + shown + "]");
}

void Bind(SQLite::Statement& stmt, const std::vector<db::Value>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            stmt.bind(index);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            stmt.bind(index, static_cast<int64_t>(v));
          } else {
            stmt.bind(index, v);
          }
        },
        params[i]);
  }
}

db::Value ColumnValue(const SQLite::Column& column) {
  switch (column.getType()) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(column.getInt64());
    case SQLITE_FLOAT:
      return column.getDouble();
    case SQLITE_NULL:
      return std::monostate{};
    default:
      return column.getString();
  }
}

}  // namespace

CachingSqliteConnection::CachingSqliteConnection(std::unique_ptr<SQLite::Database> db,
                                                 std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

CachingSqliteConnection::~CachingSqliteConnection() {
  cache_.clear();  // statements must be finalized before the database closes
}

Result<std::unique_ptr<CachingSqliteConnection>> CachingSqliteConnection::Open(
    const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Status(ErrorCode::kNotFound, "SQLite database " + path + " does not exist");
  }
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE, kBusyTimeoutMs);
    return std::unique_ptr<CachingSqliteConnection>(
        new CachingSqliteConnection(std::move(db), path));
  } catch (const std::exception& e) {
    return Status(ErrorCode::kDatabase, "cannot open SQLite database " + path + ": " + e.what());
  }
}

SQLite::Statement& CachingSqliteConnection::Prepared(const std::string& sql,
                                                     const std::vector<db::Value>& params) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  ++statements_run_;
  Bind(*it->second, params);
  return *it->second;
}

Result<int64_t> CachingSqliteConnection::Execute(const std::string& sql,
                                                 const std::vector<db::Value>& params) {
  try {
    SQLite::Statement& stmt = Prepared(sql, params);
    const int changed = stmt.exec();
    stmt.reset();
    return static_cast<int64_t>(changed);
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
}

Result<int64_t> CachingSqliteConnection::LastInsertId() {
  return static_cast<int64_t>(db_->getLastInsertRowid());
}

Result<db::QueryResult> CachingSqliteConnection::Query(const std::string& sql,
                                                       const std::vector<db::Value>& params) {
  db::QueryResult result;
  Status s = ForEachRow(sql, params, [&](const db::Row& row) {
    result.rows.push_back(row);
    return true;
  });
  if (!s.ok()) return s;
  try {
    SQLite::Statement& stmt = *cache_.at(sql);
    for (int i = 0; i < stmt.getColumnCount(); ++i) result.columns.push_back(stmt.getColumnName(i));
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
  return result;
}

Status CachingSqliteConnection::ForEachRow(const std::string& sql,
                                           const std::vector<db::Value>& params,
                                           const std::function<bool(const db::Row&)>& on_row) {
  try {
    SQLite::Statement& stmt = Prepared(sql, params);
    db::Row row;
    while (stmt.executeStep()) {
      row.clear();
      for (int i = 0; i < stmt.getColumnCount(); ++i) row.push_back(ColumnValue(stmt.getColumn(i)));
      if (!on_row(row)) break;
    }
    stmt.reset();  // releases the read cursor at once, as a finalize would
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
  return Status::Ok();
}

Status CachingSqliteConnection::ExecuteScript(const std::string& sql) {
  try {
    db_->exec(sql);
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
  return Status::Ok();
}

Status CachingSqliteConnection::Begin() {
  return ExecuteScript("BEGIN IMMEDIATE");
}
Status CachingSqliteConnection::Commit() {
  return ExecuteScript("COMMIT");
}
Status CachingSqliteConnection::Rollback() {
  return ExecuteScript("ROLLBACK");
}

Result<db::TableSchema> CachingSqliteConnection::DescribeTable(const std::string& table) {
  db::TableSchema schema{table, {}};
  CSM_ASSIGN_OR_RETURN(db::QueryResult info,
                       Query("SELECT name, type, \"notnull\", dflt_value, pk FROM "
                             "pragma_table_info(?) ORDER BY cid",
                             {table}));
  for (const auto& row : info.rows) {
    db::ColumnInfo column;
    column.name = std::get<std::string>(row[0]);
    column.declared_type = db::IsNull(row[1]) ? "" : std::get<std::string>(row[1]);
    column.not_null = std::get<int64_t>(row[2]) != 0;
    column.has_default = !db::IsNull(row[3]);
    column.primary_key = std::get<int64_t>(row[4]) != 0;
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

}  // namespace csm::bench
