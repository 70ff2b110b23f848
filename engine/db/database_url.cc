#include "db/database_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "common/uri.h"
#include "common/utf8.h"
#include "db/mysql_connection.h"
#include "db/postgres_connection.h"
#include "db/sqlite_connection.h"

namespace csm::db {
namespace {

constexpr const char* kForms =
    "expected sqlite:///path/to/cloud.db, mysql://user@host:port/cloud or "
    "postgresql://user@host:port/cloud (user and database percent-encoded where needed, an IPv6 "
    "host in brackets: mysql://user@[::1]:3306/cloud)";

// `url` as an error may show it, whatever shape it has (a URL that does not parse is shown too):
// what may be a password is replaced by "***": from the first ':' of what may be the user part
// (after
// "://", or from the start when there is none) to the last '@'; so is a query or fragment after
// the host (libpq takes ?password=...). The mask may hide more than the password; never less.
std::string Shown(const std::string& url) {
  std::string shown = url;
  size_t host = 0;
  if (const auto at = shown.rfind('@'); at != std::string::npos) {
    const auto sep = shown.find("://");
    const size_t start = sep != std::string::npos && sep < at ? sep + 3 : 0;
    if (const auto colon = shown.find(':', start); colon < at) {
      shown = shown.substr(0, colon + 1) + "***" + shown.substr(at);
    }
    host = shown.rfind('@');
  }
  if (const auto query = shown.find_first_of("?#", host); query != std::string::npos) {
    shown = shown.substr(0, query) + "?***";
  }
  return shown;
}

// One part of a parsed URL, percent-decoded; "" when the URL has none.
class ParsedUrl {
 public:
  ParsedUrl() : handle_(curl_url()) {}
  ~ParsedUrl() { curl_url_cleanup(handle_); }
  ParsedUrl(const ParsedUrl&) = delete;
  ParsedUrl& operator=(const ParsedUrl&) = delete;

  // Parses `url`, whatever its scheme; what libcurl finds wrong with it, else CURLUE_OK.
  CURLUcode Set(const std::string& url) {
    if (handle_ == nullptr) return CURLUE_OUT_OF_MEMORY;
    return curl_url_set(handle_, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  }

  // The part, decoded when `decode`; nullopt when absent (or not decodable: a %00).
  std::optional<std::string> Get(CURLUPart part, bool decode = true) const {
    char* text = nullptr;
    if (curl_url_get(handle_, part, &text, decode ? CURLU_URLDECODE : 0) != CURLUE_OK) {
      return std::nullopt;
    }
    std::string value = text;
    curl_free(text);
    return value;
  }

 private:
  CURLU* handle_;
};

// Whether the host of the server URL `url` is written with a '%' outside an IPv6 literal.
bool HostIsEncoded(const std::string& url) {
  const size_t start = std::min(url.find_first_not_of('/', url.find("://") + 3), url.size());
  const size_t end = url.find_first_of("/?#", start);  // curl skips a third slash, and more
  const std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  const size_t at = authority.rfind('@');
  const std::string host_port = at == std::string::npos ? authority : authority.substr(at + 1);
  return !host_port.starts_with('[') && host_port.find('%') != std::string::npos;
}

// "[::1]" as the client libraries take it: "::1".
std::string WithoutBrackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

Result<DatabaseUrl> ParseServerUrl(const std::string& url, DatabaseUrl parsed) {
  auto bad = [&](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, "--db '" + Shown(url) + "' " + what + ": " + kForms);
  };
  ParsedUrl parts;
  if (CURLUcode code = parts.Set(url); code != CURLUE_OK) {
    return bad(std::string("is not a valid URL (") + curl_url_strerror(code) + ")");
  }
  if (parts.Get(CURLUPART_PASSWORD, false)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--db must not carry a password (it would be visible to every user in `ps`); "
                  "give it in the environment (MYSQL_PWD / PGPASSWORD) or with --db-properties");
  }
  if (parts.Get(CURLUPART_QUERY, false) || parts.Get(CURLUPART_FRAGMENT, false)) {
    return bad("has a query or fragment, which csmigrate does not use");
  }
  if (parts.Get(CURLUPART_USER, false)) {
    auto user = parts.Get(CURLUPART_USER);
    if (!user) return bad("has a user name that does not decode");
    // "mysql://@host/db": the client library would log in as the operating system's user.
    if (user->empty()) return bad("names an empty user; give one (mysql://cloud@host/cloud)");
    if (FirstInvalidUtf8Byte(*user)) return bad("has a user name that is not UTF-8 once decoded");
    parsed.user = *user;
  }
  // A host is written as it is: curl decodes a percent-encoded one without normalising it as it
  // normalises a plain one ("%36" stays "6", "6" is 0.0.0.6), so the URL shown would name another
  // host. Only an IPv6 zone is percent-encoded ([fe80::1%25eth0], read below).
  const auto host = parts.Get(CURLUPART_HOST, false);
  if (!host || host->find('%') != std::string::npos || HostIsEncoded(url)) {
    return bad("has a percent-encoded host");
  }
  parsed.host = WithoutBrackets(*host);
  if (auto zone = parts.Get(CURLUPART_ZONEID)) {  // fe80::1%eth0: the zone is an interface name
    if (zone->empty() ||
        zone->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789-._") != std::string::npos) {
      return bad("has an IPv6 zone that is not an interface name");
    }
    parsed.host += "%" + *zone;
  }
  parsed.port = parsed.scheme == "mysql" ? 3306 : 5432;
  if (auto port = parts.Get(CURLUPART_PORT, false)) parsed.port = std::stoi(*port);  // 0-65535
  // The path is "/" and the database's name, which may hold an encoded "/" but no plain one.
  const auto raw_path = parts.Get(CURLUPART_PATH, false);
  if (!raw_path || raw_path->size() < 2 || raw_path->find('/', 1) != std::string::npos) {
    return bad("names no database (or more than one path segment)");
  }
  const auto path = parts.Get(CURLUPART_PATH);
  if (!path) return bad("has a database name that does not decode");
  parsed.database = path->substr(1);
  if (FirstInvalidUtf8Byte(parsed.database)) {
    return bad("has a database name that is not UTF-8 once decoded");
  }
  if (parsed.database == "." || parsed.database == "..") {  // a URL's path would drop them
    return bad("names the database \"" + parsed.database + "\", which no server has");
  }
  return parsed;
}

}  // namespace

std::string DatabaseUrl::ToString() const {
  if (scheme == "sqlite") return "sqlite://" + path;
  std::string shown_host = host;
  if (host.find(':') != std::string::npos) {  // IPv6, its zone's "%" encoded: [fe80::1%25eth0]
    const auto zone = host.find('%');
    shown_host = "[" + host.substr(0, zone) +
                 (zone == std::string::npos ? "" : "%25" + host.substr(zone + 1)) + "]";
  }
  return scheme + "://" + (user.empty() ? "" : UriEncode(user, false) + "@") + shown_host + ":" +
         std::to_string(port) + "/" + UriEncode(database, false);
}

Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url) {
  const auto sep = url.find("://");
  if (sep == std::string::npos) {
    return Status(ErrorCode::kInvalidArgument, "--db '" + Shown(url) + "' is not a URL: " + kForms);
  }
  DatabaseUrl parsed;
  parsed.scheme = url.substr(0, sep);
  if (parsed.scheme == "sqlite") {
    parsed.path = url.substr(sep + 3);
    if (parsed.path.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "--db '" + Shown(url) + "' names no file: " + kForms);
    }
    // SQLite reads these as its own names, not files: a database in memory keeps nothing.
    if (parsed.path.rfind(":memory:", 0) == 0 || parsed.path.rfind("file:", 0) == 0) {
      return Status(ErrorCode::kInvalidArgument,
                    "--db '" + Shown(url) +
                        "' is an SQLite name for a database in memory or a URI, not a file: "
                        "csmigrate's work would be lost at exit; give the path of the file "
                        "(a relative one as ./" +
                        parsed.path + ")");
    }
    return parsed;
  }
  if (parsed.scheme == "postgres") parsed.scheme = "postgresql";
  if (parsed.scheme != "mysql" && parsed.scheme != "postgresql") {
    // A scheme is letters; anything else before "://" is shown masked, as the URL is.
    const bool word = std::all_of(parsed.scheme.begin(), parsed.scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    return Status(ErrorCode::kInvalidArgument,
                  "--db '" + Shown(word ? url : "***" + url.substr(sep)) +
                      "': its scheme is not one csmigrate supports: " + kForms);
  }
  return ParseServerUrl(url, parsed);
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
