#include "db/mysql_connection.h"

#include <mysql.h>

#include <cstdint>
#include <cstring>
#include <memory>

namespace csm::db {
namespace {

constexpr unsigned kConnectTimeoutSeconds = 10;
constexpr unsigned kReadTimeoutSeconds = 3600;  // a 10^6-row statement can run for minutes

bool IsIntegerType(enum_field_types type) {
  return type == MYSQL_TYPE_TINY || type == MYSQL_TYPE_SHORT || type == MYSQL_TYPE_LONG ||
         type == MYSQL_TYPE_LONGLONG || type == MYSQL_TYPE_INT24 || type == MYSQL_TYPE_YEAR;
}

bool IsFloatType(enum_field_types type) {
  return type == MYSQL_TYPE_FLOAT || type == MYSQL_TYPE_DOUBLE;
}

// Turns a MariaDB column default ("'Image'", "NULL", "0", "current_timestamp()") into a value.
Value ParseDefault(const char* text) {
  if (text == nullptr) return std::monostate{};
  const std::string s = text;
  if (s == "NULL") return std::monostate{};
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') return s.substr(1, s.size() - 2);
  try {
    size_t used = 0;
    const long long n = std::stoll(s, &used);
    if (used == s.size()) return static_cast<int64_t>(n);
  } catch (const std::exception&) {
  }
  return s;
}

// An integer column's value: an int64_t, or for an unsigned value above 2^63-1 (BIGINT UNSIGNED
// holds up to 2^64-1; CloudStack's ref_cnt wraps there) its decimal text, kept exact instead of
// wrapped to a negative number.
Value IntegerValue(std::string text, bool is_unsigned) {
  if (!is_unsigned) return static_cast<int64_t>(std::stoll(text));
  const unsigned long long n = std::stoull(text);
  if (n > static_cast<unsigned long long>(INT64_MAX)) return text;
  return static_cast<int64_t>(n);
}

constexpr size_t kMaxCachedStatements = 256;  // the engine uses a few dozen

// A result set (or a statement's result metadata) owned: mysql_free_result runs when it goes out of
// scope, on every path out, including an exception from the row callback.
struct FreeResult {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using OwnedResult = std::unique_ptr<MYSQL_RES, FreeResult>;

}  // namespace

Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Open(const DatabaseUrl& url,
                                                               const std::string& password) {
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Status(ErrorCode::kDatabase, "mysql: out of memory");
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &kConnectTimeoutSeconds);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &kReadTimeoutSeconds);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // Always TCP, as CloudStack's JDBC driver connects: for "localhost" the client library would
  // take its Unix socket and ignore the port, reaching perhaps another server than the one named.
  const unsigned int tcp = MYSQL_PROTOCOL_TCP;
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &tcp);
  const std::string where = url.host + ":" + std::to_string(url.port) + "/" + url.database;
  if (mysql_real_connect(mysql, url.host.c_str(), url.user.c_str(), password.c_str(),
                         url.database.c_str(), static_cast<unsigned>(url.port), nullptr,
                         CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS) == nullptr) {
    Status s(ErrorCode::kDatabase, "cannot connect to MySQL at " + where + " as '" + url.user +
                                       "': " + mysql_error(mysql) +
                                       " (the password comes from MYSQL_PWD or --db-properties)");
    mysql_close(mysql);
    return s;
  }
  // SKIP LOCKED came with MariaDB 10.6 and MySQL 8.0.1.
  const bool mariadb = std::strstr(mysql_get_server_info(mysql), "MariaDB") != nullptr;
  const unsigned long version = mysql_get_server_version(mysql);
  const bool skip_locked = mariadb ? version >= 100600 : version >= 80001;
  auto conn = std::unique_ptr<MysqlConnection>(new MysqlConnection(mysql, where, skip_locked));
  // CloudStack runs with autocommit; our transactions are explicit. Strict mode makes a value that
  // does not fit (a negative ref_cnt into an unsigned column) an error, never a silent clamp.
  std::string session =
      "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES'), time_zone = '+00:00'";
  // MariaDB (before 11.0) cannot turn the IN subquery of a single-table UPDATE or DELETE into a
  // semi-join. Its cost model then chooses between materialising the subquery once and probing it
  // once per outer row (IN-to-EXISTS); with InnoDB's statistics sampled while a run fills
  // csm_pick, it has been seen to choose probing in an order that costs outer rows x subquery
  // rows (minutes at 10^5 rows, hours at 10^6). Every IN subquery the rule compiler writes is
  // uncorrelated, so materialising is always possible and linear; a correlated subquery still
  // gets IN-to-EXISTS (MariaDB falls back to it). MySQL has no such flag.
  if (mariadb) {
    session += ", optimizer_switch = 'in_to_exists=off'";
  }
  // On a Galera node, reads first wait until the node has applied every write set the cluster
  // committed before them (causal reads): a run applied or a lock taken through another node is
  // seen at once by status, rollback and the next apply.
  CSM_ASSIGN_OR_RETURN(QueryResult wsrep, conn->Query("SHOW VARIABLES LIKE 'wsrep_on'", {}));
  if (!wsrep.rows.empty() && ToDisplay(wsrep.rows[0][1]) == "ON") {
    session += ", wsrep_sync_wait = 1";
  }
  CSM_RETURN_IF_ERROR(conn->ExecuteScript(session));
  return conn;
}

MysqlConnection::~MysqlConnection() {
  for (auto& entry : statements_) mysql_stmt_close(entry.second);
  mysql_close(mysql_);
}

Result<MYSQL_STMT*> MysqlConnection::Prepared(const std::string& sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  if (statements_.size() >= kMaxCachedStatements) {
    for (auto& entry : statements_) mysql_stmt_close(entry.second);
    statements_.clear();
  }
  MYSQL_STMT* stmt = mysql_stmt_init(mysql_);
  if (stmt == nullptr) return Error(sql);
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
    Status s(ErrorCode::kDatabase, std::string("mysql (") + where_ +
                                       "): " + mysql_stmt_error(stmt) +
                                       " [in: " + sql.substr(0, 160) + "]");
    mysql_stmt_close(stmt);
    return s;
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

void MysqlConnection::Forget(const std::string& sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) {
    mysql_stmt_close(it->second);
    statements_.erase(it);
  }
}

Status MysqlConnection::Error(const std::string& what) const {
  std::string shown = what.size() > 160 ? what.substr(0, 160) + "..." : what;
  return Status(ErrorCode::kDatabase, std::string("mysql (") + where_ +
                                          "): " + mysql_error(mysql_) + " [in: " + shown + "]");
}

Result<int64_t> MysqlConnection::Run(
    const std::string& sql, const std::vector<Value>& params,
    const std::function<bool(const Row&, const std::vector<std::string>&)>* on_row) {
  CSM_ASSIGN_OR_RETURN(MYSQL_STMT * stmt, Prepared(sql));
  // Leaves the cached statement ready for its next execution on every path: results freed, a
  // half-read result set reset, and a statement that failed dropped from the cache.
  struct Finish {
    MysqlConnection* conn;
    const std::string& sql;
    MYSQL_STMT* stmt;
    bool failed = true;
    bool partial = false;
    ~Finish() {
      if (failed) {
        conn->Forget(sql);
        return;
      }
      mysql_stmt_free_result(stmt);
      if (partial) mysql_stmt_reset(stmt);
    }
  } finish{this, sql, stmt};
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<long long> ints(params.size());
  std::vector<double> doubles(params.size());
  std::vector<unsigned long> lengths(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    MYSQL_BIND& b = binds[i];
    std::memset(&b, 0, sizeof b);
    if (IsNull(params[i])) {
      b.buffer_type = MYSQL_TYPE_NULL;
    } else if (const auto* n = std::get_if<int64_t>(&params[i])) {
      ints[i] = *n;
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &ints[i];
    } else if (const auto* d = std::get_if<double>(&params[i])) {
      doubles[i] = *d;
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      b.buffer = &doubles[i];
    } else {
      const std::string& s = std::get<std::string>(params[i]);
      lengths[i] = s.size();
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = const_cast<char*>(s.data());
      b.buffer_length = s.size();
      b.length = &lengths[i];
    }
  }
  auto fail = [&]() {
    return Status(ErrorCode::kDatabase, std::string("mysql (") + where_ +
                                            "): " + mysql_stmt_error(stmt) +
                                            " [in: " + sql.substr(0, 160) + "]");
  };
  if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0) return fail();
  if (mysql_stmt_execute(stmt) != 0) return fail();
  last_insert_id_ = static_cast<int64_t>(mysql_stmt_insert_id(stmt));

  const OwnedResult meta(mysql_stmt_result_metadata(stmt));
  if (meta == nullptr) {
    finish.failed = false;
    return static_cast<int64_t>(mysql_stmt_affected_rows(stmt));
  }
  const unsigned columns = mysql_num_fields(meta.get());
  MYSQL_FIELD* fields = mysql_fetch_fields(meta.get());
  std::vector<std::string> names;
  for (unsigned i = 0; i < columns; ++i) names.emplace_back(fields[i].name);
  // Every column is fetched as text, then typed from the field's type.
  std::vector<MYSQL_BIND> out(columns);
  std::vector<std::string> buffers(columns, std::string(256, '\0'));
  std::vector<unsigned long> out_lengths(columns);
  std::vector<my_bool> nulls(columns);
  for (unsigned i = 0; i < columns; ++i) {
    std::memset(&out[i], 0, sizeof out[i]);
    out[i].buffer_type = MYSQL_TYPE_STRING;
    out[i].buffer = buffers[i].data();
    out[i].buffer_length = buffers[i].size();
    out[i].length = &out_lengths[i];
    out[i].is_null = &nulls[i];
  }
  if (mysql_stmt_bind_result(stmt, out.data()) != 0) return fail();
  Row row(columns);
  bool keep_going = true;
  while (keep_going) {
    const int rc = mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) return fail();
    for (unsigned i = 0; i < columns; ++i) {
      if (nulls[i]) {
        row[i] = std::monostate{};
        continue;
      }
      std::string text;
      if (out_lengths[i] > buffers[i].size()) {
        text.resize(out_lengths[i]);
        MYSQL_BIND whole;
        std::memset(&whole, 0, sizeof whole);
        whole.buffer_type = MYSQL_TYPE_STRING;
        whole.buffer = text.data();
        whole.buffer_length = text.size();
        if (mysql_stmt_fetch_column(stmt, &whole, i, 0) != 0) return fail();
      } else {
        text.assign(buffers[i].data(), out_lengths[i]);
      }
      if (IsIntegerType(fields[i].type)) {
        row[i] = IntegerValue(std::move(text), (fields[i].flags & UNSIGNED_FLAG) != 0);
      } else if (IsFloatType(fields[i].type)) {
        row[i] = std::stod(text);
      } else {
        row[i] = std::move(text);
      }
    }
    keep_going = (*on_row)(row, names);
  }
  finish.failed = false;
  finish.partial = !keep_going;
  return int64_t{0};
}

Result<int64_t> MysqlConnection::Execute(const std::string& sql, const std::vector<Value>& params) {
  return Run(sql, params, nullptr);
}

Result<int64_t> MysqlConnection::LastInsertId() {
  return last_insert_id_;
}

Result<QueryResult> MysqlConnection::Query(const std::string& sql,
                                           const std::vector<Value>& params) {
  QueryResult result;
  const std::function<bool(const Row&, const std::vector<std::string>&)> collect =
      [&](const Row& row, const std::vector<std::string>& names) {
        if (result.columns.empty()) result.columns = names;
        result.rows.push_back(row);
        return true;
      };
  CSM_RETURN_IF_ERROR(Run(sql, params, &collect).status());
  return result;
}

Status MysqlConnection::ForEachRow(const std::string& sql, const std::vector<Value>& params,
                                   const std::function<bool(const Row&)>& on_row) {
  const std::function<bool(const Row&, const std::vector<std::string>&)> forward =
      [&](const Row& row, const std::vector<std::string>&) { return on_row(row); };
  return Run(sql, params, &forward).status();
}

Status MysqlConnection::ExecuteScript(const std::string& sql) {
  if (sql.rfind("START TRANSACTION", 0) != 0 && sql != "COMMIT" && sql != "ROLLBACK") {
    // A script may change the schema: statements prepared before it are dropped.
    for (auto& entry : statements_) mysql_stmt_close(entry.second);
    statements_.clear();
  }
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql);
  do {
    const OwnedResult result(mysql_store_result(mysql_));  // a script's results are not read
    if (mysql_errno(mysql_) != 0) return Error(sql);
  } while (mysql_next_result(mysql_) == 0);
  if (mysql_errno(mysql_) != 0) return Error(sql);
  return Status::Ok();
}

Status MysqlConnection::Begin() {
  return ExecuteScript("START TRANSACTION");
}
Status MysqlConnection::Commit() {
  return ExecuteScript("COMMIT");
}
Status MysqlConnection::Rollback() {
  return ExecuteScript("ROLLBACK");
}

// MySQL's lock names are server-wide (PostgreSQL's are per database), so the name carries the
// database's: two clouds on one server do not block each other. Names are limited to 64 bytes.
constexpr const char* kLockName = "LEFT(CONCAT(?, '@', DATABASE()), 64)";

Result<bool> MysqlConnection::TryAdvisoryLock(const std::string& name) {
  CSM_ASSIGN_OR_RETURN(
      int64_t got, QueryInt(*this, std::string("SELECT GET_LOCK(") + kLockName + ", 0)", {name}));
  return got == 1;
}

Status MysqlConnection::ReleaseAdvisoryLock(const std::string& name) {
  return Query(std::string("SELECT RELEASE_LOCK(") + kLockName + ")", {name}).status();
}

Result<TableSchema> MysqlConnection::DescribeTable(const std::string& table) {
  TableSchema schema{table, {}};
  CSM_ASSIGN_OR_RETURN(
      QueryResult info,
      Query("SELECT column_name, column_type, is_nullable, column_default, column_key, "
            "character_set_name FROM information_schema.columns WHERE table_schema = DATABASE() "
            "AND table_name = ? ORDER BY ordinal_position",
            {table}));
  for (const auto& row : info.rows) {
    ColumnInfo column;
    column.name = ToDisplay(row[0]);
    column.declared_type = ToDisplay(row[1]);
    column.not_null = ToDisplay(row[2]) == "NO";
    column.has_default = !IsNull(row[3]) && ToDisplay(row[3]) != "NULL";
    if (column.has_default) column.default_value = ParseDefault(ToDisplay(row[3]).c_str());
    column.primary_key = ToDisplay(row[4]) == "PRI";
    column.character_set = TextOrEmpty(row[5]);
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

}  // namespace csm::db
