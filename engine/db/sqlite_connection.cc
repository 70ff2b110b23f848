#include "db/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace csm::db {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr size_t kMaxCachedStatements = 256;  // the engine uses a few dozen; bounds odd callers

// Resets a statement when the scope ends, so that none stays in progress (an unfinished
// statement would keep a read transaction open) whatever path the caller takes.
struct ResetOnExit {
  SQLite::Statement& stmt;
  ~ResetOnExit() {
    try {
      stmt.reset();
    } catch (const std::exception&) {
      // reset() reports the statement's last error again; it was handled where it happened
    }
  }
};

Status SqlError(const std::exception& e, const std::string& sql) {
  std::string shown = sql.size() > 160 ? sql.substr(0, 160) + "..." : sql;
  return Status(ErrorCode::kDatabase, std::string("sqlite: ") + e.what() + " [in: " + shown + "]");
}

void Bind(SQLite::Statement& stmt, const std::vector<Value>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            stmt.bind(index);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            stmt.bind(index, static_cast<int64_t>(v));
          } else if constexpr (std::is_same_v<T, double>) {
            stmt.bind(index, v);
          } else {
            stmt.bind(index, v);
          }
        },
        params[i]);
  }
}

Value ColumnValue(const SQLite::Column& column) {
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

// Turns a declared default ("0", "'Image'", "NULL", "CURRENT_TIMESTAMP") into a value.
Value ParseDefault(const std::string& text) {
  if (text.empty() || text == "NULL") return std::monostate{};
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    std::string inner;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      inner += text[i];
      if (text[i] == '\'' && text[i + 1] == '\'') ++i;
    }
    return inner;
  }
  try {
    size_t used = 0;
    long long n = std::stoll(text, &used);
    if (used == text.size()) return static_cast<int64_t>(n);
  } catch (const std::exception&) {
  }
  return text;
}

// csm_row_digest(v1, v2, ...): FNV-1a (64 bits) over each value's type and bytes, as 16 hex
// digits. The SQLite side of Dialect::RowDigest: SQLite has no hash function of its own, and
// hashing the values directly spares building their JSON text.
void RowDigestFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  uint64_t hash = 14695981039346656037ULL;
  auto mix = [&hash](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      hash ^= bytes[i];
      hash *= 1099511628211ULL;
    }
  };
  for (int i = 0; i < argc; ++i) {
    const int type = sqlite3_value_type(argv[i]);
    const unsigned char tag = static_cast<unsigned char>(type);
    mix(&tag, 1);
    if (type == SQLITE_INTEGER) {
      const sqlite3_int64 value = sqlite3_value_int64(argv[i]);
      mix(&value, sizeof value);
    } else if (type == SQLITE_FLOAT) {
      const double value = sqlite3_value_double(argv[i]);
      mix(&value, sizeof value);
    } else if (type != SQLITE_NULL) {
      const void* data = sqlite3_value_blob(argv[i]);
      const int size = sqlite3_value_bytes(argv[i]);
      mix(&size, sizeof size);  // so that ("ab", "c") and ("a", "bc") differ
      if (size > 0) mix(data, static_cast<size_t>(size));
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  sqlite3_result_text(context, hex, 16, SQLITE_TRANSIENT);
}

}  // namespace

SqliteConnection::SqliteConnection(std::unique_ptr<SQLite::Database> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

SqliteConnection::~SqliteConnection() = default;

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 bool create) {
  if (!create && !std::filesystem::exists(path)) {
    return Status(ErrorCode::kNotFound,
                  "SQLite database " + path +
                      " does not exist (create one with `csmigrate init --db sqlite://" + path +
                      "`)");
  }
  try {
    int flags = SQLite::OPEN_READWRITE | (create ? SQLite::OPEN_CREATE : 0);
    auto db = std::make_unique<SQLite::Database>(path, flags, kBusyTimeoutMs);
    // WAL lets a second csmigrate read the lock row while a long apply writes.
    if (create) db->exec("PRAGMA journal_mode=WAL");
    if (sqlite3_create_function_v2(db->getHandle(), "csm_row_digest", -1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &RowDigestFunction,
                                   nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Status(ErrorCode::kDatabase, "cannot register csm_row_digest on " + path);
    }
    return std::unique_ptr<SqliteConnection>(new SqliteConnection(std::move(db), path));
  } catch (const std::exception& e) {
    return Status(ErrorCode::kDatabase, "cannot open SQLite database " + path + ": " + e.what());
  }
}

SQLite::Statement& SqliteConnection::Prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql)).first;
  }
  it->second->clearBindings();
  return *it->second;
}

Result<int64_t> SqliteConnection::Execute(const std::string& sql,
                                          const std::vector<Value>& params) {
  try {
    SQLite::Statement& stmt = Prepared(sql);
    ResetOnExit reset{stmt};
    Bind(stmt, params);
    return static_cast<int64_t>(stmt.exec());
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
}

Result<int64_t> SqliteConnection::LastInsertId() {
  return static_cast<int64_t>(db_->getLastInsertRowid());
}

Result<QueryResult> SqliteConnection::Query(const std::string& sql,
                                            const std::vector<Value>& params) {
  QueryResult result;
  try {
    SQLite::Statement& stmt = Prepared(sql);
    ResetOnExit reset{stmt};
    Bind(stmt, params);
    for (int i = 0; i < stmt.getColumnCount(); ++i) result.columns.push_back(stmt.getColumnName(i));
    while (stmt.executeStep()) {
      Row row;
      row.reserve(result.columns.size());
      for (int i = 0; i < stmt.getColumnCount(); ++i) row.push_back(ColumnValue(stmt.getColumn(i)));
      result.rows.push_back(std::move(row));
    }
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
  return result;
}

Status SqliteConnection::ForEachRow(const std::string& sql, const std::vector<Value>& params,
                                    const std::function<bool(const Row&)>& on_row) {
  try {
    SQLite::Statement& stmt = Prepared(sql);
    ResetOnExit reset{stmt};
    Bind(stmt, params);
    Row row;
    while (stmt.executeStep()) {
      row.clear();
      for (int i = 0; i < stmt.getColumnCount(); ++i) row.push_back(ColumnValue(stmt.getColumn(i)));
      if (!on_row(row)) break;
    }
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
  return Status::Ok();
}

Status SqliteConnection::ExecuteScript(const std::string& sql) {
  try {
    // A script may change the schema: statements prepared before it are dropped.
    if (sql.rfind("BEGIN", 0) != 0 && sql != "COMMIT" && sql != "ROLLBACK") statements_.clear();
    db_->exec(sql);
  } catch (const std::exception& e) {
    return SqlError(e, sql);
  }
  return Status::Ok();
}

Status SqliteConnection::Begin() {
  return ExecuteScript("BEGIN IMMEDIATE");
}
Status SqliteConnection::Commit() {
  return ExecuteScript("COMMIT");
}
Status SqliteConnection::Rollback() {
  return ExecuteScript("ROLLBACK");
}

Result<bool> SqliteConnection::TryAdvisoryLock(const std::string&) {
  return true;
}

Status SqliteConnection::ReleaseAdvisoryLock(const std::string&) {
  return Status::Ok();
}

Result<TableSchema> SqliteConnection::DescribeTable(const std::string& table) {
  TableSchema schema{table, {}};
  CSM_ASSIGN_OR_RETURN(QueryResult info,
                       Query("SELECT name, type, \"notnull\", dflt_value, pk FROM "
                             "pragma_table_info(?) ORDER BY cid",
                             {table}));
  for (const auto& row : info.rows) {
    ColumnInfo column;
    column.name = std::get<std::string>(row[0]);
    column.declared_type = IsNull(row[1]) ? "" : std::get<std::string>(row[1]);
    column.not_null = std::get<int64_t>(row[2]) != 0;
    column.has_default = !IsNull(row[3]);
    if (column.has_default) column.default_value = ParseDefault(std::get<std::string>(row[3]));
    column.primary_key = std::get<int64_t>(row[4]) != 0;
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

}  // namespace csm::db
