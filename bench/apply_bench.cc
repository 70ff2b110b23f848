// apply_bench: how fast, and in how much memory, csmigrate converts a large cloud.
//
// For each size N it runs each variant on a fresh database holding the same synthetic CloudStack
// cloud with N store_ref rows (SQLite: a copy of a file generated once; with --db on a MySQL /
// MariaDB or PostgreSQL server: a database of its own, generated for the run and dropped after;
// bench_databases.h), in a child process of its own (this program re-executed with the hidden
// --variant flag), so that the child's peak RSS (VmHWM) belongs to that variant alone. On a server
// that is the client's RSS; the server's memory is not counted:
//   floor    csm::apply::ApplyBare: the engine's set-based statements, nothing else;
//   apply    csm::apply::Apply: validation, lock, journal, ledger, one transaction;
//   per-row  the same changes one statement per row, the way CloudStack's DAOs make them: with no
//            transaction, so each statement commits (autocommit), on the engine's connection (which
//            reuses prepared statements, as a JDBC statement cache does; on a server every
//            statement is one round trip; per_row_baseline.h);
//   per-row-1tx  the same statements in one transaction: the strongest per-row loop, reported
//            beside per-row to show what its commits cost.
// Afterwards it checks that every variant left the same data behind as the floor, and prints
// seconds (wall, fastest of --repeat runs), store_ref rows per second, peak RSS and CPU seconds
// per variant with the ratios the engine aims at (apply within 2x of floor at 10^6 rows, at least
// 3x faster than per-row on SQLite and 30x on a server, peak RSS < 64 MiB). It reports; it never
// asserts a target. Exit
// status: 0, 1 on an error, 3 when a variant's data differs from the floor's.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "apply/executor.h"
#include "bench_databases.h"
#include "common/result.h"
#include "db/database_url.h"
#include "db/schema_files.h"
#include "fingerprint.h"
#include "per_row_baseline.h"
#include "rules/rule_loader.h"
#include "synthetic_cloud.h"
#include "timing_connection.h"

namespace csm::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<int64_t> sizes = {10000, 100000, 1000000};
  std::string dir;
  std::string db;  // a server URL; empty: SQLite files in `dir`
  std::vector<std::string> variants = {"floor", "apply", "per-row", "per-row-1tx"};
  int repeat = 1;
  bool profile = false;
  bool keep = false;
  std::vector<std::string> pragmas;
  std::string rules;
  // Child mode (hidden).
  std::string variant;
  std::string db_url;
};

constexpr const char* kVariants[] = {"floor", "apply", "per-row", "per-row-1tx"};

// One timed segment of an apply: from the previous on_step callback (or the start) to this one.
struct StepTime {
  int number = 0;
  std::string name;
  double seconds = 0;
  int64_t rows = 0;
};

// What a child reported about one run of one variant.
struct VariantRun {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system time of the child, start to end
  int64_t hwm_kib = 0;
  int64_t statements = 0;
  std::vector<StepTime> steps;
  std::vector<TimingConnection::Stat> profile;
};

struct Measurement {
  int64_t n = 0;
  std::string variant;
  VariantRun run;  // the fastest run (the host is shared); hwm_kib is the largest seen
};

// The parameters of the conversion every variant performs.
rules::RunParameters BenchParameters() {
  rules::RunParameters p;
  p.scalars["provider"] = "S3";
  p.scalars["name"] = "bench-s3";
  p.scalars["url"] = "https://s3.example.com";
  p.maps["details"] = {{"bucket", "csm-bench"},
                       {"accesskey", "AKIABENCHMARK"},
                       {"secretkey", "bench-secret"},
                       {"endpoint", "s3.example.com"},
                       {"usehttps", "true"}};
  return p;
}

// User plus system CPU time this process has used, in seconds.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(usage.ru_utime) + sec(usage.ru_stime);
}

// The peak resident set size of this process so far, in KiB (VmHWM), or 0 if unknown.
int64_t PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

// `text` with newlines and tabs replaced by spaces, fit for one field of the child's report.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Child side: run one variant on one database and report on stdout.

// Runs `PRAGMA p` on `conn` for each of `pragmas` (investigation knob; same for every variant).
Status ApplyPragmas(db::Connection& conn, const std::vector<std::string>& pragmas) {
  for (const auto& p : pragmas) CSM_RETURN_IF_ERROR(conn.ExecuteScript("PRAGMA " + p));
  return Status::Ok();
}

// Runs `variant` on `db_url` and prints "step", "stmt" and finally "result" lines.
Status RunVariant(const Options& o) {
  CSM_ASSIGN_OR_RETURN(rules::RuleSet rules, rules::LoadRuleFile(o.rules));
  const rules::RunParameters params = BenchParameters();
  VariantRun run;
  double cpu_start = 0;

  if (o.variant == "per-row" || o.variant == "per-row-1tx") {
    CSM_ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, OpenBenchDatabase(o.db_url));
    CSM_RETURN_IF_ERROR(ApplyPragmas(*conn, o.pragmas));
    const PerRowCommit commit =
        o.variant == "per-row" ? PerRowCommit::kEachStatement : PerRowCommit::kOneTransaction;
    cpu_start = CpuSeconds();
    const auto start = Clock::now();
    CSM_ASSIGN_OR_RETURN(PerRowOutcome outcome, RunPerRowConversion(*conn, params, commit));
    run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    run.statements = outcome.statements;
  } else if (o.variant == "floor" || o.variant == "apply") {
    CSM_ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, OpenBenchDatabase(o.db_url));
    CSM_RETURN_IF_ERROR(ApplyPragmas(*conn, o.pragmas));
    std::unique_ptr<TimingConnection> timing;
    db::Connection* used = conn.get();
    if (o.profile) {
      timing = std::make_unique<TimingConnection>(*conn);
      used = timing.get();
    }
    cpu_start = CpuSeconds();
    const auto start = Clock::now();
    auto last = start;
    apply::ApplyOptions options;
    options.on_step = [&](const apply::StepOutcome& step) {
      const auto now = Clock::now();
      run.steps.push_back(
          {step.number, step.name, std::chrono::duration<double>(now - last).count(), step.rows});
      last = now;
      if (timing) timing->ClosePhase("step " + std::to_string(step.number) + " " + step.name);
    };
    if (o.variant == "apply") {
      CSM_RETURN_IF_ERROR(apply::Apply(*used, rules, params, options).status());
    } else {
      CSM_RETURN_IF_ERROR(apply::ApplyBare(*used, rules, params).status());
    }
    const auto end = Clock::now();
    run.seconds = std::chrono::duration<double>(end - start).count();
    if (o.variant == "apply") {
      run.steps.push_back({0, "(after the last step: after-images, ledger, commit)",
                           std::chrono::duration<double>(end - last).count(), 0});
    }
    if (timing) run.profile = timing->Stats("after the last step (after-images, ledger, commit)");
  } else {
    return Status(ErrorCode::kInvalidArgument, "unknown variant '" + o.variant + "'");
  }
  run.cpu_seconds = CpuSeconds() - cpu_start;
  run.hwm_kib = PeakRssKib();

  for (const auto& s : run.steps) {
    std::printf("step\t%d\t%.6f\t%lld\t%s\n", s.number, s.seconds, static_cast<long long>(s.rows),
                OneLine(s.name).c_str());
  }
  for (const auto& s : run.profile) {
    std::printf("stmt\t%lld\t%lld\t%.6f\t%s\t%s\n", static_cast<long long>(s.calls),
                static_cast<long long>(s.rows), s.seconds, OneLine(s.phase).c_str(),
                OneLine(s.sql).c_str());
  }
  std::printf("result\t%.6f\t%lld\t%lld\t%.6f\n", run.seconds, static_cast<long long>(run.hwm_kib),
              static_cast<long long>(run.statements), run.cpu_seconds);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Parent side.

// Splits `line` at tabs.
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) out.push_back(field);
  return out;
}

// Parses what a child printed.
Result<VariantRun> ParseChildOutput(const std::string& text) {
  VariantRun run;
  bool has_result = false;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto f = Fields(line);
    if (f.size() == 5 && f[0] == "step") {
      run.steps.push_back(
          {std::atoi(f[1].c_str()), f[4], std::atof(f[2].c_str()), std::atoll(f[3].c_str())});
    } else if (f.size() == 6 && f[0] == "stmt") {
      run.profile.push_back({f[4], f[5], std::atoll(f[1].c_str()), std::atoll(f[2].c_str()),
                             std::atof(f[3].c_str())});
    } else if (f.size() == 5 && f[0] == "result") {
      run.seconds = std::atof(f[1].c_str());
      run.hwm_kib = std::atoll(f[2].c_str());
      run.statements = std::atoll(f[3].c_str());
      run.cpu_seconds = std::atof(f[4].c_str());
      has_result = true;
    }
  }
  if (!has_result) return Status(ErrorCode::kIo, "the child reported no result");
  return run;
}

// Re-executes this program as a child running `variant` on the database at `db_url` (which carries
// no password: the child inherits the environment); returns what it reported.
Result<VariantRun> RunChild(const Options& o, const std::string& variant, const std::string& db_url,
                            bool profile) {
  std::vector<std::string> args = {"apply_bench", "--variant", variant, "--db-url",
                                   db_url,        "--rules",   o.rules};
  for (const auto& p : o.pragmas) {
    args.push_back("--pragma");
    args.push_back(p);
  }
  if (profile) args.push_back("--profile");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe(fds) != 0) return Status(ErrorCode::kIo, "pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return Status(ErrorCode::kIo, "fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buffer[65536];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                              : "signal " + std::to_string(WTERMSIG(status));
    return Status(ErrorCode::kIo, "variant " + variant + " failed on " + db_url +
                                      " (see its message above; " + how + ")");
  }
  return ParseChildOutput(out);
}

// The fingerprints of the database at `url`.
Result<std::vector<TableFingerprint>> FingerprintDatabase(const std::string& url) {
  CSM_ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, OpenBenchDatabase(url));
  return FingerprintCloud(*conn);
}

// `s` with 3 decimals below 10 s, else 2.
std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, s < 10 ? "%.3f" : "%.2f", s);
  return text;
}

// Prints the statements of a profiled apply at size `n` that took at least 1% of its database
// time, grouped by step.
void PrintProfile(int64_t n, const VariantRun& run) {
  double total = 0;
  for (const auto& s : run.profile) total += s.seconds;
  std::printf(
      "\nStatement profile of apply at N=%lld (%.2f s inside the database, %.2f s total; "
      "statements taking >= 1%% of it, in order):\n",
      static_cast<long long>(n), total, run.seconds);
  std::string phase;
  for (const auto& s : run.profile) {
    if (s.seconds < 0.01 * total) continue;
    if (s.phase != phase) {
      phase = s.phase;
      std::printf("  [%s]\n", phase.c_str());
    }
    std::string sql = s.sql.size() > 230 ? s.sql.substr(0, 230) + "..." : s.sql;
    std::printf("    %7.3f s %5.1f%%  x%-6lld rows=%-8lld %s\n", s.seconds,
                100.0 * s.seconds / total, static_cast<long long>(s.calls),
                static_cast<long long>(s.rows), sql.c_str());
  }
}

// The parent: generates, runs every variant of every size in children, verifies, prints the
// table. Returns the exit status.
int RunBenchmark(const Options& o) {
  std::unique_ptr<BenchDatabases> databases;
  // Removes a temporary directory however this function returns.
  struct RemoveOnExit {
    fs::path dir;
    ~RemoveOnExit() {
      std::error_code ignored;
      if (!dir.empty()) fs::remove_all(dir, ignored);
    }
  } remove_on_exit;
  if (!o.db.empty()) {
    auto url = db::ParseDatabaseUrl(o.db);
    if (!url.ok() || url->scheme == "sqlite") {
      std::fprintf(stderr, "apply_bench: --db takes a mysql:// or postgresql:// URL%s%s\n",
                   url.ok() ? " (SQLite is the default: use --dir)" : ": ",
                   url.ok() ? "" : url.status().message().c_str());
      return 1;
    }
    databases = BenchDatabases::OnServer(*url);
  } else {
    fs::path dir = o.dir;
    if (dir.empty()) {
      std::string pattern = (fs::temp_directory_path() / "csm-bench-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(stderr, "apply_bench: cannot create a temporary directory\n");
        return 1;
      }
      dir = pattern;
      if (!o.keep) remove_on_exit.dir = dir;
    } else {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) {
        std::fprintf(stderr, "apply_bench: cannot create %s: %s\n", dir.c_str(),
                     ec.message().c_str());
        return 1;
      }
    }
    databases = BenchDatabases::InDirectory(dir);
  }
  std::printf("apply_bench: databases in %s; rules %s\n", databases->Where().c_str(),
              o.rules.c_str());
  if (!o.pragmas.empty()) {
    std::printf("apply_bench: pragmas on every variant's connection:");
    for (const auto& p : o.pragmas) std::printf(" %s;", p.c_str());
    std::printf("\n");
  }

  std::vector<Measurement> table;
  std::map<int64_t, VariantRun> profiles;
  bool mismatch = false;
  for (const int64_t requested : o.sizes) {
    const CloudShape shape = CloudShape::ForRows(requested);
    const int64_t n = shape.store_refs;
    auto generated = databases->BeginSize(shape);
    if (!generated.ok()) {
      std::fprintf(stderr, "apply_bench: generating N=%lld: %s\n", static_cast<long long>(n),
                   generated.status().message().c_str());
      return 1;
    }
    std::printf(
        "N=%lld: %lld template + %lld snapshot + %lld volume store_ref rows (%lld templates, "
        "%lld snapshots, %lld volumes)",
        static_cast<long long>(n), static_cast<long long>(shape.template_refs),
        static_cast<long long>(shape.snapshot_refs), static_cast<long long>(shape.volume_refs),
        static_cast<long long>(shape.templates), static_cast<long long>(shape.snapshots),
        static_cast<long long>(shape.volumes));
    if (*generated > 0) std::printf(", generated in %.1f s", *generated);
    std::printf("\n");
    std::fflush(stdout);

    // A fresh database named `name` for one run; "" after printing the error.
    auto fresh = [&](const std::string& name) -> std::string {
      double seconds = 0;
      auto url = databases->Fresh(name, shape, seconds);
      if (!url.ok()) {
        std::fprintf(stderr, "apply_bench: N=%lld, database for %s: %s\n",
                     static_cast<long long>(n), name.c_str(), url.status().message().c_str());
        return "";
      }
      if (seconds > 0) {
        std::printf("  N=%lld %-16s generated %s in %.1f s\n", static_cast<long long>(n),
                    name.c_str(), url->c_str(), seconds);
      }
      return *url;
    };

    std::map<std::string, std::string> results;  // variant -> database it left behind
    for (const auto& variant : o.variants) {
      std::vector<VariantRun> runs;
      std::string url;
      for (int r = 0; r < o.repeat; ++r) {
        if ((url = fresh(variant)).empty()) return 1;
        auto run = RunChild(o, variant, url, false);
        if (!run.ok()) {
          std::fprintf(stderr, "apply_bench: %s\n", run.status().message().c_str());
          return 1;
        }
        std::printf("  N=%lld %-16s run %d: %s s (cpu %s s), peak RSS %.1f MiB\n",
                    static_cast<long long>(n), variant.c_str(), r + 1,
                    Seconds(run->seconds).c_str(), Seconds(run->cpu_seconds).c_str(),
                    static_cast<double>(run->hwm_kib) / 1024.0);
        std::fflush(stdout);
        runs.push_back(std::move(*run));
      }
      std::sort(runs.begin(), runs.end(),
                [](const VariantRun& a, const VariantRun& b) { return a.seconds < b.seconds; });
      Measurement m{n, variant, runs.front()};
      for (const auto& r : runs) m.run.hwm_kib = std::max(m.run.hwm_kib, r.hwm_kib);
      table.push_back(std::move(m));
      results[variant] = url;
    }

    // Every variant must leave the same data behind as the floor (or the first variant).
    const std::string reference = results.count("floor") ? "floor" : o.variants.front();
    auto expected = FingerprintDatabase(results[reference]);
    if (!expected.ok()) {
      std::fprintf(stderr, "apply_bench: %s\n", expected.status().message().c_str());
      return 1;
    }
    for (const auto& [variant, url] : results) {
      if (variant == reference) continue;
      auto got = FingerprintDatabase(url);
      if (!got.ok()) {
        std::fprintf(stderr, "apply_bench: %s\n", got.status().message().c_str());
        return 1;
      }
      if (*got == *expected) {
        std::printf("  N=%lld verified: %s leaves the same data as %s\n", static_cast<long long>(n),
                    variant.c_str(), reference.c_str());
      } else {
        mismatch = true;
        std::printf("\n!!!!!!!! MISMATCH at N=%lld: %s differs from %s !!!!!!!!\n%s:\n%s%s:\n%s\n",
                    static_cast<long long>(n), variant.c_str(), reference.c_str(),
                    reference.c_str(), Describe(*expected).c_str(), variant.c_str(),
                    Describe(*got).c_str());
      }
    }
    int64_t placeholders = 0;
    for (const auto& fp : *expected) {
      if (fp.table != "image_store") placeholders += fp.on_newest_store;
    }
    std::printf("  N=%lld: %lld placeholder rows on the new store\n", static_cast<long long>(n),
                static_cast<long long>(placeholders));

    if (o.profile) {
      const std::string url = fresh("profile");
      if (url.empty()) return 1;
      auto run = RunChild(o, "apply", url, true);
      if (!run.ok()) {
        std::fprintf(stderr, "apply_bench: %s\n", run.status().message().c_str());
        return 1;
      }
      profiles[n] = std::move(*run);
      if (!o.keep) databases->Remove(url);
    }
    if (!o.keep) {
      for (const auto& [variant, url] : results) databases->Remove(url);
    }
    databases->EndSize(shape, o.keep);
  }

  // The table.
  std::printf("\n%-9s %-17s %9s %11s %13s %9s\n", "N", "variant", "seconds", "rows/s",
              "peak RSS MiB", "cpu s");
  std::map<std::pair<int64_t, std::string>, const Measurement*> by;
  for (const auto& m : table) by[{m.n, m.variant}] = &m;
  for (const auto& m : table) {
    std::string note;
    char ratio[96];
    const auto floor = by.find({m.n, "floor"});
    const auto applied = by.find({m.n, "apply"});
    if (m.variant == "apply" && floor != by.end()) {
      std::snprintf(ratio, sizeof ratio, "(apply/floor %.2fx; cpu %.2fx)",
                    m.run.seconds / floor->second->run.seconds,
                    m.run.cpu_seconds / floor->second->run.cpu_seconds);
      note = ratio;
    } else if (m.variant.rfind("per-row", 0) == 0 && applied != by.end()) {
      std::snprintf(ratio, sizeof ratio, "(%s/apply %.2fx; cpu %.2fx)", m.variant.c_str(),
                    m.run.seconds / applied->second->run.seconds,
                    m.run.cpu_seconds / applied->second->run.cpu_seconds);
      note = ratio;
    }
    std::printf("%-9lld %-17s %9s %11.0f %13.1f %9s   %s\n", static_cast<long long>(m.n),
                m.variant.c_str(), Seconds(m.run.seconds).c_str(),
                static_cast<double>(m.n) / m.run.seconds,
                static_cast<double>(m.run.hwm_kib) / 1024.0, Seconds(m.run.cpu_seconds).c_str(),
                note.c_str());
  }
  for (const auto& m : table) {
    if (m.variant.rfind("per-row", 0) == 0 && m.run.statements > 0) {
      std::printf("  %s at N=%lld sent %lld statements\n", m.variant.c_str(),
                  static_cast<long long>(m.n), static_cast<long long>(m.run.statements));
    }
  }

  // The targets, reported (never asserted) at the largest N.
  if (!table.empty()) {
    const int64_t n = table.back().n;
    std::printf("\nTargets (reported, not asserted):\n");
    const auto floor = by.find({n, "floor"});
    const auto applied = by.find({n, "apply"});
    const auto per_row = by.find({n, "per-row"});
    if (floor != by.end() && applied != by.end()) {
      const double r = applied->second->run.seconds / floor->second->run.seconds;
      std::printf("  apply within 2x of floor at N=%lld: %.2fx  %s\n", static_cast<long long>(n), r,
                  r <= 2.0 ? "met" : "MISSED");
    }
    if (per_row != by.end() && applied != by.end()) {
      // On a server every per-row statement is a round trip, hence the higher bar there.
      const double target = o.db.empty() ? 3.0 : 30.0;
      const double r = per_row->second->run.seconds / applied->second->run.seconds;
      std::printf("  apply >= %.0fx faster than per-row at N=%lld: %.2fx  %s\n", target,
                  static_cast<long long>(n), r, r >= target ? "met" : "MISSED");
    }
    const auto per_row_1tx = by.find({n, "per-row-1tx"});
    if (per_row_1tx != by.end() && applied != by.end()) {
      std::printf("  (for reference, not a target: per-row-1tx/apply at N=%lld: %.2fx)\n",
                  static_cast<long long>(n),
                  per_row_1tx->second->run.seconds / applied->second->run.seconds);
    }
    double worst = 0;
    for (const auto& m : table) {
      if (m.variant == "apply") worst = std::max(worst, static_cast<double>(m.run.hwm_kib) / 1024);
    }
    if (applied != by.end()) {
      std::printf("  apply peak RSS < 64 MiB at every N: max %.1f MiB%s  %s\n", worst,
                  o.db.empty() ? "" : " (the client's)", worst < 64 ? "met" : "MISSED");
    }
    if (applied != by.end() && !applied->second->run.steps.empty()) {
      std::printf(
          "\nApply at N=%lld, time between on_step callbacks (the first segment also holds "
          "validation, checks, lock and ledger row):\n",
          static_cast<long long>(n));
      for (const auto& s : applied->second->run.steps) {
        std::printf(
            "  %7.3f s  %5.1f%%  rows=%-9lld %s%s\n", s.seconds,
            100.0 * s.seconds / applied->second->run.seconds, static_cast<long long>(s.rows),
            s.number > 0 ? ("step " + std::to_string(s.number) + " ").c_str() : "", s.name.c_str());
      }
    }
  }
  for (const auto& [n, run] : profiles) PrintProfile(n, run);
  if (mismatch) {
    std::printf(
        "\n!!!!!!!! Some variant left different data behind: see MISMATCH above !!!!!!!!\n");
    return 3;
  }
  return 0;
}

}  // namespace
}  // namespace csm::bench

int main(int argc, char** argv) {
  using csm::bench::Options;
  Options o;
  o.rules = csm::db::DataDirectory() + "/rules/nfs-to-object-store.yaml";
  CLI::App app{
      "apply_bench: times csmigrate's apply against its set-based floor and a per-row baseline "
      "on synthetic CloudStack databases"};
  app.add_option("--sizes", o.sizes, "Store_ref row counts to measure (comma separated)")
      ->delimiter(',');
  auto* dir = app.add_option("--dir", o.dir,
                             "Directory for the SQLite databases (default: a temporary one)");
  auto* server =
      app.add_option("--db", o.db,
                     "Run on a server instead of SQLite: mysql://user@host:port/db or "
                     "postgresql://user@host:port/db (password from CSM_DB_PASSWORD, MYSQL_PWD or "
                     "PGPASSWORD). Every run gets a database csm_bench_<variant>_<N> of its own "
                     "there, dropped afterwards unless --keep");
  dir->excludes(server);
  app.add_option(
         "--variants", o.variants,
         "Variants to run: floor, apply, per-row (autocommit, as CloudStack), per-row-1tx (comma "
         "separated)")
      ->delimiter(',')
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(csm::bench::kVariants),
                                                     std::end(csm::bench::kVariants))));
  app.add_option("--repeat", o.repeat,
                 "Runs per variant, each on a fresh copy; the fastest is reported (the machine is "
                 "shared, so slower runs mostly measure other work)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--profile", o.profile,
               "Also run apply once per size with every statement timed, and print where the "
               "time goes");
  app.add_flag("--keep", o.keep, "Keep the databases");
  app.add_option("--pragma", o.pragmas,
                 "A SQLite pragma (e.g. cache_size=-65536) set on every variant's connection "
                 "before it runs; repeatable")
      ->excludes(server);
  app.add_option("--rules", o.rules, "The rule file");
  app.add_option("--variant", o.variant)->group("");
  app.add_option("--db-url", o.db_url)->group("");
  CLI11_PARSE(app, argc, argv);

  if (!o.variant.empty()) {
    const csm::Status s = csm::bench::RunVariant(o);
    if (!s.ok()) {
      std::fprintf(stderr, "apply_bench --variant %s: %s\n", o.variant.c_str(),
                   s.message().c_str());
      return 1;
    }
    return 0;
  }
  return csm::bench::RunBenchmark(o);
}
