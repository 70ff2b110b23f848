#include "db/postgres_connection.h"

#include <pqxx/pqxx>

namespace csm::db {
namespace {

constexpr int kFetchRows = 10000;

// PostgreSQL type OIDs (pg_type.h) the engine reads as numbers.
constexpr pqxx::oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701;

// `sql` with each `?` replaced by $n, integer and float values cast so that PostgreSQL never
// reads them as text (a parameter in a SELECT list has no other type to go by).
std::string Number(const std::string& sql, const std::vector<Value>& params) {
  std::string out;
  size_t n = 0;
  for (char c : sql) {
    if (c != '?') {
      out += c;
      continue;
    }
    const Value& v = params.at(n++);
    out += "$" + std::to_string(n);
    if (std::holds_alternative<int64_t>(v)) out += "::bigint";
    if (std::holds_alternative<double>(v)) out += "::float8";
  }
  return out;
}

// The parameter texts (nullptr for NULL), kept alive by `storage`.
std::vector<const char*> Texts(const std::vector<Value>& params,
                               std::vector<std::string>& storage) {
  storage.clear();
  storage.reserve(params.size());
  std::vector<const char*> texts;
  for (const auto& v : params) {
    if (IsNull(v)) {
      storage.emplace_back();
      texts.push_back(nullptr);
    } else {
      storage.push_back(ToDisplay(v));
      texts.push_back(storage.back().c_str());
    }
  }
  return texts;
}

Row ToRow(const pqxx::row& r) {
  Row row;
  row.reserve(r.size());
  for (const auto& f : r) {
    if (f.is_null()) {
      row.emplace_back(std::monostate{});
    } else if (f.type() == kBool) {
      row.emplace_back(static_cast<int64_t>(f.c_str()[0] == 't' ? 1 : 0));
    } else if (f.type() == kInt8 || f.type() == kInt2 || f.type() == kInt4) {
      row.emplace_back(static_cast<int64_t>(std::stoll(f.c_str())));
    } else if (f.type() == kFloat4 || f.type() == kFloat8) {
      row.emplace_back(std::stod(f.c_str()));
    } else {
      row.emplace_back(std::string(f.c_str(), f.size()));
    }
  }
  return row;
}

Status SqlError(const std::string& where, const std::exception& e, const std::string& sql) {
  std::string message = e.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Status(ErrorCode::kDatabase, "postgresql (" + where + "): " + message +
                                          " [in: " + sql.substr(0, 160) +
                                          (sql.size() > 160 ? "..." : "") + "]");
}

// Turns a column default ("0", "'Image'::character varying", "NULL::bigint") into a value.
Value ParseDefault(std::string text) {
  if (text.rfind("NULL", 0) == 0) return std::monostate{};
  if (!text.empty() && text.front() == '\'') {
    const auto end = text.find("'::");
    return text.substr(1, (end == std::string::npos ? text.size() - 1 : end) - 1);
  }
  try {
    size_t used = 0;
    const long long n = std::stoll(text, &used);
    if (used == text.size()) return static_cast<int64_t>(n);
  } catch (const std::exception&) {
  }
  return text;
}

std::string Quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

PostgresConnection::PostgresConnection(std::unique_ptr<pqxx::connection> conn, std::string where)
    : conn_(std::move(conn)), where_(std::move(where)) {}

PostgresConnection::~PostgresConnection() = default;

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const DatabaseUrl& url,
                                                                     const std::string& password) {
  const std::string where = url.host + ":" + std::to_string(url.port) + "/" + url.database;
  std::string info = "host=" + Quoted(url.host) + " port=" + std::to_string(url.port) +
                     " dbname=" + Quoted(url.database) + " connect_timeout=10" +
                     " options='-c timezone=UTC'";
  if (!url.user.empty()) info += " user=" + Quoted(url.user);
  if (!password.empty()) info += " password=" + Quoted(password);
  try {
    auto conn = std::make_unique<pqxx::connection>(info);
    return std::unique_ptr<PostgresConnection>(new PostgresConnection(std::move(conn), where));
  } catch (const std::exception& e) {
    std::string message = e.what();
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status(ErrorCode::kDatabase, "cannot connect to PostgreSQL at " + where + " as '" +
                                            url.user + "': " + message +
                                            " (the password comes from PGPASSWORD or "
                                            "--db-properties)");
  }
}

Result<int64_t> PostgresConnection::Execute(const std::string& sql,
                                            const std::vector<Value>& params) {
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<std::string> storage;
    const auto texts = Texts(params, storage);
    const pqxx::result r =
        tx.exec_params(Number(sql, params), pqxx::prepare::make_dynamic_params(texts));
    return static_cast<int64_t>(r.affected_rows());
  } catch (const std::exception& e) {
    return SqlError(where_, e, sql);
  }
}

Result<int64_t> PostgresConnection::LastInsertId() {
  return QueryInt(*this, "SELECT lastval()");
}

Result<QueryResult> PostgresConnection::Query(const std::string& sql,
                                              const std::vector<Value>& params) {
  QueryResult result;
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<std::string> storage;
    const auto texts = Texts(params, storage);
    const pqxx::result r =
        tx.exec_params(Number(sql, params), pqxx::prepare::make_dynamic_params(texts));
    for (pqxx::row::size_type i = 0; i < r.columns(); ++i)
      result.columns.push_back(r.column_name(i));
    for (const auto& row : r) result.rows.push_back(ToRow(row));
  } catch (const std::exception& e) {
    return SqlError(where_, e, sql);
  }
  return result;
}

// A cursor WITH HOLD works inside and outside a transaction; rows come kFetchRows at a time.
Status PostgresConnection::ForEachRow(const std::string& sql, const std::vector<Value>& params,
                                      const std::function<bool(const Row&)>& on_row) {
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<std::string> storage;
    const auto texts = Texts(params, storage);
    tx.exec_params("DECLARE csm_rows NO SCROLL CURSOR WITH HOLD FOR " + Number(sql, params),
                   pqxx::prepare::make_dynamic_params(texts));
    bool more = true;
    while (more) {
      const pqxx::result chunk =
          tx.exec("FETCH FORWARD " + std::to_string(kFetchRows) + " FROM csm_rows");
      for (const auto& row : chunk) {
        if (!on_row(ToRow(row))) {
          more = false;
          break;
        }
      }
      if (chunk.size() < static_cast<size_t>(kFetchRows)) more = false;
    }
    tx.exec("CLOSE csm_rows");
  } catch (const std::exception& e) {
    return SqlError(where_, e, sql);
  }
  return Status::Ok();
}

Status PostgresConnection::ExecuteScript(const std::string& sql) {
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec(sql);
  } catch (const std::exception& e) {
    return SqlError(where_, e, sql);
  }
  return Status::Ok();
}

Status PostgresConnection::Begin() {
  return ExecuteScript("BEGIN");
}
Status PostgresConnection::Commit() {
  return ExecuteScript("COMMIT");
}
Status PostgresConnection::Rollback() {
  return ExecuteScript("ROLLBACK");
}

Result<bool> PostgresConnection::TryAdvisoryLock(const std::string& name) {
  CSM_ASSIGN_OR_RETURN(int64_t got,
                       QueryInt(*this, "SELECT pg_try_advisory_lock(hashtext(?))", {name}));
  return got == 1;
}

Status PostgresConnection::ReleaseAdvisoryLock(const std::string& name) {
  return Query("SELECT pg_advisory_unlock(hashtext(?))", {name}).status();
}

Result<TableSchema> PostgresConnection::DescribeTable(const std::string& table) {
  TableSchema schema{table, {}};
  CSM_ASSIGN_OR_RETURN(
      QueryResult info,
      Query("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), COALESCE(i.indisprimary, false) "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
            "AND a.attnum = ANY(i.indkey) "
            "WHERE c.relname = ? AND n.nspname = current_schema() AND c.relkind = 'r' "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            {table}));
  for (const auto& row : info.rows) {
    ColumnInfo column;
    column.name = ToDisplay(row[0]);
    column.declared_type = ToDisplay(row[1]);
    column.not_null = ToDisplay(row[2]) == "1";
    column.primary_key = ToDisplay(row[4]) == "1";
    column.has_default = !IsNull(row[3]) && !column.primary_key;
    if (column.has_default) column.default_value = ParseDefault(ToDisplay(row[3]));
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

}  // namespace csm::db
