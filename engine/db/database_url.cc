#include "db/database_url.h"

#include <cstdlib>

#include "db/mysql_connection.h"
#include "db/postgres_connection.h"
#include "db/sqlite_connection.h"

namespace csm::db {
namespace {

constexpr const char* kForms =
    "expected sqlite:///path/to/cloud.db, mysql://user@host:port/cloud or "
    "postgresql://user@host:port/cloud";

}  // namespace

std::string DatabaseUrl::ToString() const {
  if (scheme == "sqlite") return "sqlite://" + path;
  return scheme + "://" + user + "@" + host + ":" + std::to_string(port) + "/" + database;
}

Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url) {
  const auto sep = url.find("://");
  if (sep == std::string::npos) {
    return Status(ErrorCode::kInvalidArgument, "--db '" + url + "' is not a URL: " + kForms);
  }
  DatabaseUrl parsed;
  parsed.scheme = url.substr(0, sep);
  std::string rest = url.substr(sep + 3);
  if (parsed.scheme == "sqlite") {
    if (rest.empty()) {
      return Status(ErrorCode::kInvalidArgument, "--db '" + url + "' names no file: " + kForms);
    }
    parsed.path = rest;
    return parsed;
  }
  if (parsed.scheme == "postgres") parsed.scheme = "postgresql";
  if (parsed.scheme != "mysql" && parsed.scheme != "postgresql") {
    return Status(ErrorCode::kInvalidArgument,
                  "--db scheme '" + parsed.scheme + "' is not supported: " + kForms);
  }
  const auto at = rest.find('@');
  if (at != std::string::npos) {
    parsed.user = rest.substr(0, at);
    if (parsed.user.find(':') != std::string::npos) {
      return Status(ErrorCode::kInvalidArgument,
                    "--db must not carry a password (it would be visible to every user in `ps`); "
                    "give it in the environment (MYSQL_PWD / PGPASSWORD) or with --db-properties");
    }
    rest = rest.substr(at + 1);
  }
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 == rest.size()) {
    return Status(ErrorCode::kInvalidArgument, "--db '" + url + "' names no database: " + kForms);
  }
  parsed.database = rest.substr(slash + 1);
  std::string host_port = rest.substr(0, slash);
  const auto colon = host_port.rfind(':');
  parsed.port = parsed.scheme == "mysql" ? 3306 : 5432;
  if (colon != std::string::npos) {
    try {
      parsed.port = std::stoi(host_port.substr(colon + 1));
    } catch (const std::exception&) {
      return Status(ErrorCode::kInvalidArgument, "--db '" + url + "' has a bad port: " + kForms);
    }
    host_port = host_port.substr(0, colon);
  }
  parsed.host = host_port.empty() ? "127.0.0.1" : host_port;
  return parsed;
}

std::string PasswordFromEnvironment(const DatabaseUrl& url) {
  for (const char* name : {"CSM_DB_PASSWORD", url.scheme == "mysql" ? "MYSQL_PWD" : "PGPASSWORD"}) {
    if (const char* value = std::getenv(name); value != nullptr) return value;
  }
  return "";
}

Result<std::unique_ptr<Connection>> OpenDatabase(const DatabaseUrl& url, bool create,
                                                 const std::string& password) {
  if (url.scheme == "sqlite") {
    CSM_ASSIGN_OR_RETURN(auto conn, SqliteConnection::Open(url.path, create));
    return std::unique_ptr<Connection>(std::move(conn));
  }
  if (url.scheme == "mysql") {
    CSM_ASSIGN_OR_RETURN(auto conn, MysqlConnection::Open(url, password));
    return std::unique_ptr<Connection>(std::move(conn));
  }
  CSM_ASSIGN_OR_RETURN(auto conn, PostgresConnection::Open(url, password));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace csm::db
