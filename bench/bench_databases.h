// Where the benchmark's databases live, and how each variant gets a fresh one holding the same
// synthetic cloud: on SQLite a file generated once per size and copied per run; on a server (MySQL
// / MariaDB, PostgreSQL) a database of its own, CREATE DATABASE csm_bench_<name>_<N> next to the
// one the --db URL names, generated through the Connection interface for every run and dropped
// afterwards.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "db/connection.h"
#include "db/database_url.h"
#include "synthetic_cloud.h"

namespace csm::bench {

class BenchDatabases {
 public:
  virtual ~BenchDatabases() = default;

  // Files in `dir` (which must exist): one template per size, copied for every run.
  static std::unique_ptr<BenchDatabases> InDirectory(const std::string& dir);

  // Databases on the server of `server` (a mysql:// or postgresql:// URL whose database exists;
  // the user may create and drop databases). The password comes from the environment.
  static std::unique_ptr<BenchDatabases> OnServer(const db::DatabaseUrl& server);

  // Where the databases go, for the report.
  virtual std::string Where() const = 0;

  // Called once per size before the first Fresh() of that size (SQLite: generates the template).
  // Returns the seconds spent generating, 0 when nothing was generated.
  virtual Result<double> BeginSize(const CloudShape& shape) = 0;

  // A database named after `name` (a variant, or "profile") holding the cloud of `shape`, replacing
  // any earlier one of that name and size; returns its --db URL. `generate_seconds` receives the
  // time spent generating it (0 for a copy).
  virtual Result<std::string> Fresh(const std::string& name, const CloudShape& shape,
                                    double& generate_seconds) = 0;

  // Removes the database Fresh() made at `url`. Best effort: a leftover is reported, not fatal.
  virtual void Remove(const std::string& url) = 0;

  // Called once per size after its last Remove() (SQLite: removes the template unless kept).
  virtual void EndSize(const CloudShape& shape, bool keep) = 0;
};

// Opens the database at `url` (as BenchDatabases::Fresh returns it), the password taken from the
// environment. With `create`, a missing SQLite file is created.
Result<std::unique_ptr<db::Connection>> OpenBenchDatabase(const std::string& url,
                                                          bool create = false);

}  // namespace csm::bench
