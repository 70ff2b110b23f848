// Parsing of --db URLs and opening the matching backend.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "db/connection.h"

namespace csm::db {

// A parsed --db URL: sqlite:///absolute/path, sqlite://relative/path, mysql://user@host:port/db,
// postgresql://user@host:port/db. The server forms are parsed by libcurl's URL API: user and
// database are percent-decoded, an IPv6 host is written in brackets ([::1]) and held without them.
// A password is never taken from the URL (it would show in `ps`), nor shown back in an error.
struct DatabaseUrl {
  std::string scheme;                // "sqlite", "mysql" or "postgresql"
  std::string path;                  // sqlite: the file
  std::string user, host, database;  // decoded; host "::1" for [::1]
  int port = 0;

  // The URL as the user may see it (no secrets are ever part of it; an IPv6 host in brackets, user
  // and database percent-encoded where needed), which ParseDatabaseUrl reads back as this one.
  std::string ToString() const;
};

// Parses `url`; errors name the part that is wrong and show the accepted forms.
Result<DatabaseUrl> ParseDatabaseUrl(const std::string& url);

// The database password from the environment: $CSM_DB_PASSWORD, else the client library's
// convention ($MYSQL_PWD, $PGPASSWORD); empty when none is set.
std::string PasswordFromEnvironment(const DatabaseUrl& url);

// Opens a connection to `url`. With `create`, a missing SQLite file is created (for `init`).
// `password` is used by the server backends (SQLite has none).
Result<std::unique_ptr<Connection>> OpenDatabase(const DatabaseUrl& url, bool create = false,
                                                 const std::string& password = "");

}  // namespace csm::db
