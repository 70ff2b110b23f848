#include "bench_databases.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "db/schema_files.h"

namespace csm::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Installs CloudStack 4.3's tables on `conn` (an empty database) and generates `shape` into them.
Status InstallAndGenerate(db::Connection& conn, const CloudShape& shape) {
  CSM_RETURN_IF_ERROR(db::InstallSchemaFile(conn, "cloudstack-4.3"));
  return GenerateCloud(conn, shape);
}

// SQLite: DIR/cloud-N.db is generated once per size; every run gets a copy, DIR/cloud-N-NAME.db.
class FileDatabases final : public BenchDatabases {
 public:
  explicit FileDatabases(fs::path dir) : dir_(std::move(dir)) {}

  std::string Where() const override { return dir_.string(); }

  Result<double> BeginSize(const CloudShape& shape) override {
    const std::string path = Template(shape);
    RemoveFile(path);
    const auto start = Clock::now();
    CSM_ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn,
                         OpenBenchDatabase(Url(path), /*create=*/true));
    // A larger page cache for this generating connection only; the variants run with the default.
    CSM_RETURN_IF_ERROR(conn->ExecuteScript("PRAGMA cache_size = -65536"));
    CSM_RETURN_IF_ERROR(InstallAndGenerate(*conn, shape));
    return SecondsSince(start);
  }

  Result<std::string> Fresh(const std::string& name, const CloudShape& shape,
                            double& generate_seconds) override {
    generate_seconds = 0;
    const std::string from = Template(shape);
    const std::string to = Base(shape) + "-" + name + ".db";
    RemoveFile(to);
    std::error_code ec;
    fs::copy_file(from, to, ec);
    if (ec)
      return Status(ErrorCode::kIo, "cannot copy " + from + " to " + to + ": " + ec.message());
    return Url(to);
  }

  void Remove(const std::string& url) override { RemoveFile(url.substr(kScheme.size())); }

  void EndSize(const CloudShape& shape, bool keep) override {
    if (!keep) RemoveFile(Template(shape));
  }

 private:
  static constexpr std::string_view kScheme = "sqlite://";

  std::string Base(const CloudShape& shape) const {
    return (fs::absolute(dir_) / ("cloud-" + std::to_string(shape.store_refs))).string();
  }
  std::string Template(const CloudShape& shape) const { return Base(shape) + ".db"; }
  static std::string Url(const std::string& path) { return std::string(kScheme) + path; }

  // Removes a SQLite database file and its WAL companions.
  static void RemoveFile(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ignored);
  }

  fs::path dir_;
};

// A server: csm_bench_<name>_<N> is created and generated for every run, and dropped by Remove().
class ServerDatabases final : public BenchDatabases {
 public:
  explicit ServerDatabases(db::DatabaseUrl server) : server_(std::move(server)) {}

  std::string Where() const override { return server_.ToString(); }

  Result<double> BeginSize(const CloudShape&) override { return 0.0; }

  Result<std::string> Fresh(const std::string& name, const CloudShape& shape,
                            double& generate_seconds) override {
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        return Status(ErrorCode::kInvalidArgument, "bad database name part '" + name + "'");
      }
    }
    db::DatabaseUrl url = server_;
    url.database = "csm_bench_" + name + "_" + std::to_string(shape.store_refs);
    for (char& c : url.database) {
      if (c == '-') c = '_';
    }
    const auto start = Clock::now();
    CSM_RETURN_IF_ERROR(Drop(url.database));
    CSM_ASSIGN_OR_RETURN(db::Connection * admin, Admin());
    CSM_RETURN_IF_ERROR(
        admin->ExecuteScript("CREATE DATABASE " + admin->dialect().Quote(url.database)));
    CSM_ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, OpenBenchDatabase(url.ToString()));
    CSM_RETURN_IF_ERROR(InstallAndGenerate(*conn, shape));
    Quiesce(*conn);
    generate_seconds = SecondsSince(start);
    return url.ToString();
  }

  void Remove(const std::string& url) override {
    auto parsed = db::ParseDatabaseUrl(url);
    if (!parsed.ok()) return;
    if (Status s = Drop(parsed->database); !s.ok()) {
      std::fprintf(stderr, "apply_bench: could not drop %s: %s\n", parsed->database.c_str(),
                   s.message().c_str());
    }
  }

  void EndSize(const CloudShape&, bool) override {}

 private:
  // The connection to the database the --db URL names, opened on first use.
  Result<db::Connection*> Admin() {
    if (!admin_) {
      CSM_ASSIGN_OR_RETURN(admin_, OpenBenchDatabase(server_.ToString()));
    }
    return admin_.get();
  }

  // Lets the server finish the background work that the previous run, its DROP DATABASE and this
  // generation left behind, so that the run measured next does not pay for it: MariaDB purges the
  // undo of millions of rows on its own threads, on the cores the run uses (a 10^6 floor took
  // 52.8 s right after other runs, 33-37 s otherwise). Best effort: a server that cannot (MySQL,
  // a user without the privilege) is measured as it is, with a note.
  void Quiesce(db::Connection& conn) {
    if (conn.dialect().name() != "mysql") return;
    // MariaDB 10.5.7+: returns once the purge history is empty.
    if (Status s = conn.ExecuteScript("SET GLOBAL innodb_max_purge_lag_wait = 0"); !s.ok()) {
      if (!quiesce_warned_) {
        std::fprintf(stderr,
                     "apply_bench: cannot wait for the server's purge (%s); runs may pay for it\n",
                     s.message().c_str());
      }
      quiesce_warned_ = true;
    }
  }

  Status Drop(const std::string& database) {
    CSM_ASSIGN_OR_RETURN(db::Connection * admin, Admin());
    return admin->ExecuteScript("DROP DATABASE IF EXISTS " + admin->dialect().Quote(database));
  }

  db::DatabaseUrl server_;
  std::unique_ptr<db::Connection> admin_;
  bool quiesce_warned_ = false;
};

}  // namespace

std::unique_ptr<BenchDatabases> BenchDatabases::InDirectory(const std::string& dir) {
  return std::make_unique<FileDatabases>(dir);
}

std::unique_ptr<BenchDatabases> BenchDatabases::OnServer(const db::DatabaseUrl& server) {
  return std::make_unique<ServerDatabases>(server);
}

Result<std::unique_ptr<db::Connection>> OpenBenchDatabase(const std::string& url, bool create) {
  CSM_ASSIGN_OR_RETURN(db::DatabaseUrl parsed, db::ParseDatabaseUrl(url));
  return db::OpenDatabase(parsed, create, db::PasswordFromEnvironment(parsed));
}

}  // namespace csm::bench
