// csmigrate: move a CloudStack cloud's secondary storage from NFS to an object store, keeping the
// database honest. This file only wires the command line; the work is in the engine library.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

#include "apply/executor.h"
#include "apply/ledger.h"
#include "apply/rollback.h"
#include "catalog/image_stores.h"
#include "catalog/retire_verdict.h"
#include "cli/exit_codes.h"
#include "cli/json_document.h"
#include "cli/logging.h"
#include "cli/output.h"
#include "cli/push_output.h"
#include "cli/stdout_check.h"
#include "common/closest_word.h"
#include "common/output_guard.h"
#include "common/printable_text.h"
#include "common/utf8.h"
#include "common/version.h"
#include "common/whole_number.h"
#include "crypto/db_properties.h"
#include "db/database_url.h"
#include "db/schema_files.h"
#include "fixture/fixture.h"
#include "fixture/replay.h"
#include "push/preflight.h"
#include "push/push_runner.h"
#include "push/swift_repair.h"
#include "push/unit_query.h"
#include "reconcile/reconciler.h"
#include "rules/detail_entries.h"
#include "rules/rule_loader.h"

namespace csm::cli {
namespace {

// Options shared by the commands.
struct Options {
  std::string db_url;
  std::string db_properties, key_file;
  std::string rules_path;
  bool json = false;
  LogOptions log;
  // plan / apply
  std::optional<std::string> provider, name, url;
  std::vector<std::string> details;
  std::string details_file;
  // init
  std::string cloudstack_version = "4.3";
  // rollback
  int64_t run_id = 0;
  bool force = false;
  // fixture
  std::string fixture_dir;
  // reconcile
  std::vector<int64_t> stores;
  std::vector<std::string> nfs_roots;
  std::string format = "table";
  std::string output, repair_sql;
  bool show_ok = false;
  // push / drain
  std::string object_kind;
  int64_t object_id = 0;
  std::optional<int64_t> staging_store;
  int jobs = 4;
  std::optional<int64_t> limit;
  std::string order = "largest";
  bool dry_run = false;
  std::optional<int64_t> multipart_threshold;
  // push / drain / reconcile
  std::optional<int64_t> stall_timeout;
};

// Reports a failure: on stderr for people; with --json also the error document on stdout.
// Returns the exit code.
int Fail(const Options& o, const Status& s) {
  std::cerr << "csmigrate: error: " << PrintableText(s.message()) << "\n";
  if (o.json) std::cout << JsonText(ErrorDocument(s)) << "\n";
  return ExitCodeFor(s.code());
}

// Reads a password from the terminal without echo; empty when stdin is not a terminal.
std::string PromptPassword(const std::string& what) {
  if (!isatty(STDIN_FILENO)) return "";
  std::cerr << "Password for " << what << ": " << std::flush;
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string password;
  std::getline(std::cin, password);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << "\n";
  return password;
}

// Where CloudStack's management server keeps its database configuration.
constexpr const char* kCloudStackDbProperties = "/etc/cloudstack/management/db.properties";

// The database to work on and how secrets are written there: from --db (password from the
// environment or a prompt) or from CloudStack's db.properties (password and secrets from there).
struct Target {
  std::unique_ptr<db::Connection> conn;
  std::optional<apply::SecretEncryption> encryption;
};

Result<Target> Connect(const Options& o, bool create) {
  Target target;
  db::DatabaseUrl url;
  std::string password;
  std::optional<crypto::CloudStackDbConfig> config;
  // --db, else $CSM_DB, else --db-properties, else CloudStack's own db.properties when present.
  std::string db_url = o.db_url;
  std::string db_properties = o.db_properties;
  if (db_url.empty() && db_properties.empty()) {
    const char* env = std::getenv("CSM_DB");
    if (env != nullptr && *env != '\0') {
      db_url = env;
    } else if (std::filesystem::exists(kCloudStackDbProperties)) {
      db_properties = kCloudStackDbProperties;
    }
  }
  if (!db_properties.empty()) {
    CSM_ASSIGN_OR_RETURN(config, crypto::LoadDbProperties(db_properties, o.key_file));
    url.scheme = "mysql";
    url.host = config->host;
    url.port = config->port;
    url.user = config->username;
    url.database = config->database;
    password = config->password;
  } else if (!db_url.empty()) {
    CSM_ASSIGN_OR_RETURN(url, db::ParseDatabaseUrl(db_url));
  } else {
    return Status(ErrorCode::kInvalidArgument,
                  std::string("say which database: --db URL (or $CSM_DB), or --db-properties "
                              "FILE; ") +
                      kCloudStackDbProperties + " does not exist here");
  }
  if (password.empty() && url.scheme != "sqlite") {
    password = db::PasswordFromEnvironment(url);
    if (password.empty()) password = PromptPassword(url.ToString());
  }
  CSM_ASSIGN_OR_RETURN(target.conn, db::OpenDatabase(url, create, password));
  if (config) {
    CSM_ASSIGN_OR_RETURN(target.encryption, apply::SecretEncryptionFor(*target.conn, *config));
  }
  return target;
}

// `text` as one shell word: as it is when it holds only characters no shell treats specially,
// else in single quotes.
std::string ShellWord(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/:._-=@+,%", c) != nullptr;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// How this command named its database, to repeat in a command it suggests (" --db URL", "
// --db-properties FILE [--key-file FILE]"; "" when it came from $CSM_DB or the default).
std::string DbArguments(const Options& o) {
  std::string args;
  if (!o.db_url.empty()) args += " --db " + ShellWord(o.db_url);
  if (!o.db_properties.empty()) args += " --db-properties " + ShellWord(o.db_properties);
  if (!o.key_file.empty()) args += " --key-file " + ShellWord(o.key_file);
  return args;
}

Result<rules::RuleSet> Rules(const Options& o) {
  if (!o.rules_path.empty()) return rules::LoadRuleFile(o.rules_path);
  // The shipped rule file; when no data directory has it, the error names every place looked at.
  CSM_ASSIGN_OR_RETURN(const std::string data,
                       db::FindDataDirectory(db::DataDirectoryCandidates()));
  return rules::LoadRuleFile(data + "/rules/nfs-to-object-store.yaml");
}

// Splits "KEY=VALUE" into its parts; the value may contain '='.
Result<std::pair<std::string, std::string>> KeyValue(const std::string& text,
                                                     const std::string& origin) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status(ErrorCode::kInvalidArgument,
                  origin + ": expected KEY=VALUE, got '" + text.substr(0, text.find('=')) + "'");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

// The run's parameters; the details of --details-file first, then those of --detail, each trimmed
// (rules/detail_entries.h: no error repeats a value).
Result<rules::RunParameters> Parameters(const Options& o, const rules::RuleSet& rule_set) {
  rules::RunParameters p;
  if (o.provider) p.scalars["provider"] = *o.provider;
  if (o.name) p.scalars["name"] = *o.name;
  if (o.url) p.scalars["url"] = *o.url;
  auto& details = p.maps["details"];
  const std::set<std::string> known = rules::KnownDetailNames(rule_set);
  if (!o.details_file.empty()) {
    CSM_ASSIGN_OR_RETURN(details, rules::ReadDetailsFile(o.details_file, known));
  }
  for (const auto& d : o.details) {
    CSM_ASSIGN_OR_RETURN(auto kv, rules::ParseDetailEntry(d, "--detail", known));
    details.push_back(kv);
  }
  for (const auto& [key, value] : details) {
    CSM_RETURN_IF_ERROR(CheckUtf8(key, "a --detail or --details-file key"));
    CSM_RETURN_IF_ERROR(CheckUtf8(value, "the value of detail " + key));
  }
  return p;
}

// CSM_TEST_PAUSE=STEP:SECONDS makes apply sleep inside its transaction after STEP, and
// CSM_TEST_WAIT_BEFORE_LOCK=FILE makes it wait for FILE to exist before it takes the lock (tests
// only).
apply::ApplyOptions TestPause(apply::ApplyOptions options) {
  if (const char* file = std::getenv("CSM_TEST_WAIT_BEFORE_LOCK")) {
    options.before_lock = [path = std::string(file)] {
      spdlog::warn("test wait: waiting for {} before the lock", path);
      while (!std::filesystem::exists(path)) usleep(20000);
    };
  }
  if (const char* pause = std::getenv("CSM_TEST_PAUSE")) {
    const std::string text = pause;
    const auto colon = text.find(':');
    if (colon != std::string::npos) {
      options.pause_after_step = std::atoi(text.substr(0, colon).c_str());
      options.pause_seconds = std::atoi(text.substr(colon + 1).c_str());
    }
  }
  return options;
}

// The command's result: the JSON document with --json, else the text for people.
void Print(const Options& o, const nlohmann::ordered_json& json, const std::string& text) {
  if (o.json) {
    std::cout << JsonText(JsonDocument(json)) << "\n";
  } else {
    std::cout << text;
  }
}

// Creates CloudStack's tables (of --cloudstack's version) and csmigrate's where missing, and
// logs which; returns the database's description and whether CloudStack's were there already.
Result<std::pair<std::string, bool>> CreateTables(const Options& o) {
  if (o.cloudstack_version != "4.3" && o.cloudstack_version != "4.22") {
    return Status(ErrorCode::kInvalidArgument, "--cloudstack must be 4.3 or 4.22");
  }
  CSM_ASSIGN_OR_RETURN(Target target, Connect(o, true));
  auto& conn = *target.conn;
  CSM_ASSIGN_OR_RETURN(db::TableSchema existing, conn.DescribeTable("image_store"));
  CSM_RETURN_IF_ERROR(db::InstallSchemaFile(conn, "cloudstack-" + o.cloudstack_version));
  CSM_RETURN_IF_ERROR(db::EnsureEngineTables(conn));
  if (existing.exists()) {
    spdlog::info(
        "{} already has CloudStack's secondary-storage tables: created only what was "
        "missing of them and of csmigrate's tables",
        conn.Describe());
  } else {
    spdlog::info("Created the CloudStack {} secondary-storage tables and csmigrate's tables in {}",
                 o.cloudstack_version, conn.Describe());
  }
  return std::make_pair(conn.Describe(), existing.exists());
}

int RunInit(const Options& o) {
  auto created = CreateTables(o);
  if (!created.ok()) return Fail(o, created.status());
  Print(o,
        {{"database", created->first},
         {"cloudstack_schema", o.cloudstack_version},
         {"already_existed", created->second}},
        "");
  return kExitOk;
}

int RunPlanOrApply(const Options& o, bool is_plan) {
  auto rules = Rules(o);
  if (!rules.ok()) return Fail(o, rules.status());
  auto params = Parameters(o, *rules);
  if (!params.ok()) return Fail(o, params.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  apply::ApplyOptions options;
  options.on_step = [](const apply::StepOutcome& s) { spdlog::info("{}", StepLine(s)); };
  options.encryption = target->encryption;
  auto outcome = is_plan ? apply::Plan(*target->conn, *rules, *params, options)
                         : apply::Apply(*target->conn, *rules, *params, TestPause(options));
  if (!outcome.ok()) return Fail(o, outcome.status());
  if (!is_plan && !outcome->already_applied) {
    NoteCommitted("run " + std::to_string(outcome->run_id) +
                  " was applied and committed all the same (csmigrate status shows it)");
  }
  Print(o, RunOutcomeJson(*outcome), RunOutcomeText(*outcome, is_plan, DbArguments(o)));
  return kExitOk;
}

int RunStatus(const Options& o) {
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto exists = db::EngineTablesExist(*target->conn);
  if (!exists.ok()) return Fail(o, exists.status());
  std::vector<apply::RunRecord> runs;
  if (*exists) {
    auto listed = apply::ListRuns(*target->conn);
    if (!listed.ok()) return Fail(o, listed.status());
    runs = std::move(*listed);
  }
  Print(o, RunsJson(runs), RunsText(runs));
  return kExitOk;
}

int RunRollback(const Options& o) {
  auto rules = Rules(o);
  if (!rules.ok()) return Fail(o, rules.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto outcome = apply::Rollback(*target->conn, *rules, o.run_id, o.force);
  if (!outcome.ok()) return Fail(o, outcome.status());
  if (!outcome->already_rolled_back) {
    NoteCommitted("run " + std::to_string(o.run_id) +
                  " was rolled back and committed all the same (csmigrate status shows it)");
  }
  Print(o, RollbackJson(*outcome), RollbackText(*outcome));
  return kExitOk;
}

int RunFixtureLoad(const Options& o) {
  auto fixture = fixture::LoadFixture(o.fixture_dir);
  if (!fixture.ok()) return Fail(o, fixture.status());
  auto created = CreateTables(o);
  if (!created.ok()) return Fail(o, created.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  if (Status s = fixture::LoadBeforeRows(*target->conn, *fixture); !s.ok()) return Fail(o, s);
  spdlog::info("Loaded the before-rows of {}", o.fixture_dir);
  int64_t rows = 0;
  for (const auto& [table, table_rows] : fixture->before) rows += table_rows.size();
  Print(o, {{"database", created->first}, {"fixture", o.fixture_dir}, {"rows_loaded", rows}}, "");
  return kExitOk;
}

int RunFixtureReplay(const Options& o) {
  auto fixture = fixture::LoadFixture(o.fixture_dir);
  if (!fixture.ok()) return Fail(o, fixture.status());
  auto rules = Rules(o);
  if (!rules.ok()) return Fail(o, rules.status());
  if (auto created = CreateTables(o); !created.ok()) return Fail(o, created.status());
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto report = fixture::Replay(*target->conn, *rules, *fixture);
  if (!report.ok()) return Fail(o, report.status());
  if (o.json) {
    nlohmann::ordered_json out = {{"fixture", report->fixture},
                                  {"ok", report->ok()},
                                  {"outcome", report->outcome},
                                  {"differences", nlohmann::ordered_json::array()}};
    for (const auto& d : report->differences) {
      out["differences"].push_back({{"table", d.table}, {"row", d.row}, {"what", d.what}});
    }
    std::cout << JsonText(JsonDocument(out)) << "\n";
  } else {
    std::cout << (report->ok() ? "PASS " : "FAIL ") << PrintableText(report->fixture) << ": "
              << PrintableText(report->outcome) << "\n";
    for (const auto& d : report->differences) {
      std::cout << "  " << d.table << " " << PrintableText(d.row) << ": " << PrintableText(d.what)
                << "\n";
    }
  }
  return report->ok() ? kExitOk : kExitFindings;
}

// Writes `path` through a temporary file renamed into place, so that a failure never leaves half
// a file; `write` produces the content. A path that exists and is not a regular file (/dev/null,
// /dev/stdout, a fifo) is written directly: renaming over it would replace the device.
Status WriteFileAtomically(const std::string& path,
                           const std::function<Status(std::ostream&)>& write) {
  std::error_code ec;
  const auto type = std::filesystem::status(path, ec).type();
  const bool special = type != std::filesystem::file_type::not_found &&
                       type != std::filesystem::file_type::regular && !ec;
  const std::string target = special ? path : path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out) return Status(ErrorCode::kIo, "cannot write " + path);
    Status status = write(out);
    out.close();
    if (status.ok() && !out) status = Status(ErrorCode::kIo, "cannot write " + path);
    if (!status.ok()) {
      if (!special) std::filesystem::remove(target, ec);
      return status;
    }
  }
  if (special) return Status::Ok();
  std::filesystem::rename(target, path, ec);
  if (ec) return Status(ErrorCode::kIo, "cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

// The --nfs-root STORE_ID=PATH options as a map.
Result<std::map<int64_t, std::string>> NfsRoots(const Options& o) {
  std::map<int64_t, std::string> roots;
  for (const auto& text : o.nfs_roots) {
    CSM_ASSIGN_OR_RETURN(auto pair, KeyValue(text, "--nfs-root"));
    auto id = db::AsInteger(pair.first);
    if (!id || *id <= 0) {
      return Status(ErrorCode::kInvalidArgument, "--nfs-root " + text + ": expected STORE_ID=PATH");
    }
    roots[*id] = pair.second;
  }
  return roots;
}

// What push and drain share: the store access and the runner's options.
Result<push::RunnerOptions> RunnerOptionsFor(const Options& o, const Target& target) {
  push::RunnerOptions options;
  CSM_ASSIGN_OR_RETURN(options.access.nfs_roots, NfsRoots(o));
  if (o.multipart_threshold) {
    if (*o.multipart_threshold < (int64_t{1} << 20)) {
      return Status(ErrorCode::kInvalidArgument, "--multipart-threshold must be at least 1048576");
    }
    options.access.multipart_threshold = o.multipart_threshold;
  }
  if (o.stall_timeout) options.access.stall_timeout = std::chrono::seconds(*o.stall_timeout);
  if (target.encryption) options.encrypt_secret = target.encryption->password;
  options.jobs = o.jobs;
  options.progress = !o.log.quiet;
  if (const char* pause = std::getenv("CSM_TEST_DRAIN_PAUSE")) {
    // UNITS:SECONDS, for the kill-and-resume tests only.
    const std::string text = pause;
    const auto colon = text.find(':');
    if (colon != std::string::npos) {
      options.pause_after_units = std::atoi(text.substr(0, colon).c_str());
      options.pause_seconds = std::atoi(text.substr(colon + 1).c_str());
    }
  }
  return options;
}

int RunPush(const Options& o) {
  const RunStamp stamp = StartRun();
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto& conn = *target->conn;
  auto options = RunnerOptionsFor(o, *target);
  if (!options.ok()) return Fail(o, options.status());
  options->jobs = 1;
  push::UnitFilter filter;
  if (o.object_kind == "template" || o.object_kind == "volume") {
    const bool is_template = o.object_kind == "template";
    filter.kind = is_template ? push::ObjectKind::kTemplate : push::ObjectKind::kVolume;
    filter.object_id = o.object_id;
    auto exists = conn.Query(
        std::string("SELECT 1 FROM ") + (is_template ? "vm_template" : "volumes") + " WHERE id = ?",
        {o.object_id});
    if (!exists.ok()) return Fail(o, exists.status());
    if (exists->rows.empty()) {
      return Fail(o, Status(ErrorCode::kNotFound,
                            "no " + o.object_kind + " with id " + std::to_string(o.object_id)));
    }
  } else {
    filter.kind = push::ObjectKind::kSnapshot;
    auto volume = conn.Query("SELECT volume_id FROM snapshots WHERE id = ?", {o.object_id});
    if (!volume.ok()) return Fail(o, volume.status());
    if (volume->rows.empty()) {
      return Fail(
          o, Status(ErrorCode::kNotFound, "no snapshot with id " + std::to_string(o.object_id)));
    }
    filter.snapshot_volume_id = db::AsInteger(volume->rows[0][0]);
  }
  auto tables = catalog::DescribeRefTables(conn);
  if (!tables.ok()) return Fail(o, tables.status());
  auto units = push::FindUnits(conn, *tables, filter, push::UnitOrder::kOldestFirst);
  if (!units.ok()) return Fail(o, units.status());
  if (units->empty()) {
    std::vector<push::PropertiesRepair> repairs;
    if (o.object_kind == "template") {
      // Already on the object store: on Swift, CloudStack's sync still needs template.properties.
      auto repaired = push::RepairSwiftTemplateProperties(conn, o.object_id, options->access,
                                                          options->encrypt_secret);
      if (!repaired.ok()) return Fail(o, repaired.status());
      repairs = std::move(*repaired);
    }
    std::ostringstream text;
    for (const auto& r : repairs) {
      if (!r.written) continue;
      text << "repaired: wrote " << r.key << " on image store " << r.store_id
           << " (without it CloudStack's template sync deletes the template's row)\n";
    }
    text << "nothing to push: " << o.object_kind << " " << o.object_id
         << " has no placeholder left on an object store\n";
    Print(o, PushJson(stamp, o.object_kind, o.object_id, push::NothingDoneYet({}), repairs),
          text.str());
    return kExitOk;
  }
  auto outcome = push::RunUnits(conn, *tables, *units, *options);
  if (!outcome.ok()) return Fail(o, outcome.status());
  if (!outcome->failures.empty()) return Fail(o, outcome->failures.front().status);
  Print(o, PushJson(stamp, o.object_kind, o.object_id, *outcome, {}), RunnerText(*outcome));
  return kExitOk;
}

int RunDrain(const Options& o) {
  const RunStamp stamp = StartRun();
  if (o.order != "largest" && o.order != "oldest") {
    return Fail(o, Status(ErrorCode::kInvalidArgument,
                          "--order " + o.order + ": expected largest or oldest"));
  }
  auto target = Connect(o, false);
  if (!target.ok()) return Fail(o, target.status());
  auto& conn = *target->conn;
  auto options = RunnerOptionsFor(o, *target);
  if (!options.ok()) return Fail(o, options.status());
  auto tables = catalog::DescribeRefTables(conn);
  if (!tables.ok()) return Fail(o, tables.status());
  push::UnitFilter filter;
  filter.staging_store_id = o.staging_store;
  auto units = push::FindUnits(
      conn, *tables, filter,
      o.order == "largest" ? push::UnitOrder::kLargestFirst : push::UnitOrder::kOldestFirst);
  if (!units.ok()) return Fail(o, units.status());
  if (o.limit && static_cast<int64_t>(units->size()) > *o.limit) units->resize(*o.limit);
  push::RunnerOutcome outcome = push::NothingDoneYet(*units);
  if (o.dry_run) {
    const Status ready = push::Preflight(conn, *units, options->access, options->encrypt_secret);
    if (!ready.ok()) return Fail(o, ready);
  } else {
    auto ran = push::RunUnits(conn, *tables, *units, *options);
    if (!ran.ok()) return Fail(o, ran.status());
    outcome = std::move(*ran);
  }

  // Whether each staging store can now be retired, and what still holds it.
  auto stores = catalog::ReadImageStores(conn, {}, options->encrypt_secret);
  if (!stores.ok()) return Fail(o, stores.status());
  std::vector<int64_t> staging;
  for (const auto& s : *stores) {
    if (s.is_staging() && (!o.staging_store || *o.staging_store == s.id)) staging.push_back(s.id);
  }
  auto verdicts = catalog::RetireVerdicts(conn, *tables, staging);
  if (!verdicts.ok()) return Fail(o, verdicts.status());
  Print(o, DrainJson(stamp, o.dry_run, outcome, *units, *verdicts),
        (o.dry_run ? DryRunText(*units) : RunnerText(outcome)) + RetireText(*verdicts));
  return outcome.failures.empty() ? kExitOk : kExitFindings;
}

// reconcile exits 0 (clean), 1 (findings) or 2 (could not complete), whatever the cause.
int FailReconcile(const Options& o, const Status& s) {
  std::cerr << "csmigrate: error: reconcile could not complete: " << PrintableText(s.message())
            << "\n";
  if (o.json) std::cout << JsonText(ErrorDocument(s, kExitUsage)) << "\n";
  return kExitUsage;
}

int RunReconcile(const Options& o) {
  // --json is the JSON Lines report (one document per line, each carrying the version).
  auto format = reconcile::ParseReportFormat(o.json ? "jsonl" : o.format);
  if (!format.ok()) return FailReconcile(o, format.status());
  reconcile::ReconcileOptions options;
  options.stores = o.stores;
  if (o.stall_timeout) options.access.stall_timeout = std::chrono::seconds(*o.stall_timeout);
  options.progress = !o.log.quiet;
  for (const auto& text : o.nfs_roots) {
    auto pair = KeyValue(text, "--nfs-root");
    if (!pair.ok()) return FailReconcile(o, pair.status());
    auto id = db::AsInteger(pair->first);
    if (!id || *id <= 0) {
      return FailReconcile(o, Status(ErrorCode::kInvalidArgument,
                                     "--nfs-root " + text + ": expected STORE_ID=PATH"));
    }
    options.access.nfs_roots[*id] = pair->second;
  }
  auto target = Connect(o, false);
  if (!target.ok()) return FailReconcile(o, target.status());
  if (target->encryption) options.encrypt_secret = target->encryption->password;
  auto report = reconcile::Report::Create(*format, o.show_ok);
  if (!report.ok()) return FailReconcile(o, report.status());
  auto outcome = reconcile::Reconcile(*target->conn, options, **report);
  if (!outcome.ok()) return FailReconcile(o, outcome.status());
  auto write = [&](std::ostream& out) {
    return (*report)->Write(out, outcome->stores, outcome->verdicts);
  };
  const Status written = o.output.empty() ? write(std::cout) : WriteFileAtomically(o.output, write);
  if (!written.ok() && o.output.empty()) {
    return FailReconcile(o, Status(written.code(), written.message() + " to stdout"));
  }
  if (!written.ok()) return FailReconcile(o, written);
  if (!o.repair_sql.empty()) {
    const std::string dialect = target->conn->dialect().name();
    const Status repair = WriteFileAtomically(
        o.repair_sql, [&](std::ostream& out) { return (*report)->WriteRepairSql(out, dialect); });
    if (!repair.ok()) return FailReconcile(o, repair);
  }
  return (*report)->has_problems() ? kExitFindings : kExitOk;
}

// Accepts only a plain decimal number in [min, max] (common/whole_number.h): CLI11's own
// conversion reads '' as 0, clamps a number too large and takes hex or exponents.
CLI::Validator WholeNumber(int64_t min, int64_t max = std::numeric_limits<int64_t>::max()) {
  return CLI::Validator(
      [min, max](std::string& text) {
        return ParseWholeNumber(text, min, max) ? std::string()
                                                : WholeNumberProblem(text, min, max);
      },
      "");
}

void AddDb(CLI::App* cmd, Options& o) {
  auto* db = cmd->add_option("--db", o.db_url,
                             "Database URL: sqlite:///path/cloud.db, mysql://user@host:port/cloud "
                             "or postgresql://user@host:port/cloud (default: $CSM_DB). No password "
                             "in the URL: it comes from $CSM_DB_PASSWORD, $MYSQL_PWD / $PGPASSWORD "
                             "or a prompt");
  auto* properties = cmd->add_option(
      "--db-properties", o.db_properties,
      "Use CloudStack's db.properties: its MySQL host, user, password and, when the installation "
      "encrypts, its secret, so that secretkey / key details are stored encrypted as CloudStack "
      "does. Without --db, $CSM_DB or this option, /etc/cloudstack/management/db.properties is "
      "used when it exists");
  db->excludes(properties);
  cmd->add_option("--key-file", o.key_file,
                  "The management key file for ENC(...) values in db.properties (default: "
                  "/etc/cloudstack/management/key, or $CLOUD_SECRET_KEY)");
}

void AddJson(CLI::App* cmd, Options& o) {
  cmd->add_flag("--json", o.json, "Print machine-readable JSON on stdout");
}

void AddRules(CLI::App* cmd, Options& o) {
  cmd->add_option("--rules", o.rules_path,
                  "Rule file (default: rules/nfs-to-object-store.yaml under $CSM_DATA_DIR or the "
                  "install's data directory)");
}

void AddRunParameters(CLI::App* cmd, Options& o) {
  AddDb(cmd, o);
  AddRules(cmd, o);
  AddJson(cmd, o);
  cmd->add_option("--provider", o.provider, "Object store provider: exactly S3 or Swift");
  cmd->add_option("--name", o.name, "Name of the new store (default: the URL, else its uuid)");
  cmd->add_option("--url", o.url, "URL of the new store (Swift: the auth URL; S3: optional)");
  cmd->add_option("--detail", o.details,
                  "A store detail KEY=VALUE, repeatable. S3 needs bucket, accesskey, secretkey, "
                  "endpoint (usehttps=true makes the protocol https); Swift needs account, "
                  "username, key");
  cmd->add_option("--details-file", o.details_file,
                  "Read details from a file of KEY=VALUE lines, so secrets stay out of `ps`");
}

// The names of `app`'s commands.
std::vector<std::string> CommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// When the first word that is not an option (or a global option's value) is no command: what to
// say, naming the closest command.
std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv) {
  const std::vector<std::string> names = CommandNames(app);
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--log-format" || word == "--log-file") {
      ++i;
      continue;
    }
    if (word.starts_with("-")) continue;
    if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
    const auto closest = ClosestWord(word, names);
    return "unknown command '" + word + "'" +
           (closest ? ": did you mean '" + *closest + "'?" : std::string()) +
           " (csmigrate help lists the commands)";
  }
  return std::nullopt;
}

// `csmigrate help [COMMAND]`: the help on stdout, exit 0; an unknown COMMAND is exit 2.
int ShowHelp(const CLI::App& app, const std::string& topic) {
  if (topic.empty()) {
    // Not app.help(): after parsing it shows the selected command's, here help's own.
    std::cout << app.get_formatter()->make_help(&app, "", CLI::AppFormatMode::Normal);
    return kExitOk;
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == topic) {
      std::cout << sub->help();
      return kExitOk;
    }
  }
  const auto closest = ClosestWord(topic, CommandNames(app));
  std::cerr << "csmigrate: error: unknown command '" << PrintableText(topic) << "'"
            << (closest ? ": did you mean '" + *closest + "'?" : std::string()) << "\n";
  return kExitUsage;
}

// Every argument given (options and positionals of the commands used), as UTF-8: text in another
// encoding is refused before it can reach the database, a report or a log.
Status CheckArgumentsAreUtf8(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& value : option->results()) {
      CSM_RETURN_IF_ERROR(CheckUtf8(value, option->get_name()));
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    CSM_RETURN_IF_ERROR(CheckArgumentsAreUtf8(*sub));
  }
  return Status::Ok();
}

// The files this invocation writes (--output, --repair-sql, --log-file) and every file or tree
// it may read, for the output guard.
FileRoles FileRolesOf(const Options& o) {
  FileRoles roles;
  roles.outputs = {
      {"--output", o.output}, {"--repair-sql", o.repair_sql}, {"--log-file", o.log.file}};
  const char* env = std::getenv("CSM_DB");
  const std::string db_url = !o.db_url.empty() ? o.db_url : env != nullptr ? env : "";
  const std::string db_option = !o.db_url.empty() ? "--db" : "$CSM_DB";
  if (auto url = db::ParseDatabaseUrl(db_url); url.ok() && url->scheme == "sqlite") {
    // SQLite also reads its journal and write-ahead log beside the file.
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      roles.inputs.push_back({db_option + " (SQLite database)", url->path + suffix});
    }
  }
  roles.inputs.push_back(
      {"--db-properties", o.db_properties.empty() ? kCloudStackDbProperties : o.db_properties});
  roles.inputs.push_back(
      {"--key-file", o.key_file.empty() ? std::string(crypto::kDefaultKeyFile) : o.key_file});
  roles.inputs.push_back({"--rules", o.rules_path});
  roles.inputs.push_back({"--details-file", o.details_file});
  roles.input_trees.push_back({"fixture DIR", o.fixture_dir});
  for (const std::string& root : o.nfs_roots) {
    roles.input_trees.push_back({"--nfs-root", root.substr(root.find('=') + 1)});
  }
  if (auto data = db::FindDataDirectory(db::DataDirectoryCandidates()); data.ok()) {
    roles.input_trees.push_back({"the data directory", *data + "/rules"});
    roles.input_trees.push_back({"the data directory", *data + "/schema"});
  }
  return roles;
}

}  // namespace

int Main(int argc, char** argv) {
  const Status logging = ConfigureLogging({});
  assert(logging.ok() && "the default logger needs no file");

  Options o;
  CLI::App app{
      "csmigrate: convert a CloudStack cloud's NFS secondary storage to an S3 or Swift object "
      "store, exactly as updateCloudToUseObjectStore would, but validated first, in one "
      "transaction, journaled and reversible.\n\n"
      "Typical session:\n"
      "  csmigrate plan     --db sqlite:///var/lib/cloud.db --provider S3 --name s3-region \\\n"
      "                     --detail bucket=cs --detail accesskey=AK --detail endpoint=s3:9000 \\\n"
      "                     --details-file secret.properties   # secretkey=... stays out of ps\n"
      "  csmigrate apply    (same arguments)     # prints the run id\n"
      "  csmigrate status   --db ...             # runs, their state, what each changed\n"
      "  csmigrate rollback --db ... RUN         # exact undo from the journal\n"
      "  csmigrate reconcile --db ... --nfs-root 1=/mnt/nfs1   # DB claims vs real listings\n"};
  app.footer(kExitCodeHelp);
  // CLI11's own messages repeat the arguments: shown escaped, as every message (before the
  // commands are added: they copy it).
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    std::string shown;
    std::istringstream lines(CLI::FailureMessage::simple(failed, e));
    for (std::string line; std::getline(lines, line);) shown += PrintableText(line) + "\n";
    return shown;
  });
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", "csmigrate " + Version(), "Print the version and exit");
  // Global options: before or after the command (fallthrough).
  app.fallthrough();
  app.add_flag("-v,--verbose", o.log.verbose, "Log debug lines too");
  app.add_flag("-q,--quiet", o.log.quiet,
               "Log only warnings and errors; no progress bar or progress lines");
  app.add_option("--log-format", o.log.format,
                 "text (level: message) or json (one object per line: time in UTC, level, "
                 "message)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-file", o.log.file,
                 "Also append every log line, with its UTC time, to FILE");

  std::string help_topic;
  auto* help = app.add_subcommand("help", "Show the help of csmigrate, or of one command");
  help->add_option("COMMAND", help_topic, "The command (e.g. apply, drain, fixture)");

  auto* init = app.add_subcommand(
      "init", "Create CloudStack's secondary-storage tables and csmigrate's own in a database");
  AddDb(init, o);
  AddJson(init, o);
  init->add_option("--cloudstack", o.cloudstack_version, "Schema version to create: 4.3 or 4.22")
      ->capture_default_str();

  auto* plan = app.add_subcommand(
      "plan", "Show each step, its SQL and how many rows it would change; writes nothing");
  AddRunParameters(plan, o);
  auto* apply = app.add_subcommand(
      "apply",
      "Validate every parameter and precondition, then run all steps in one transaction with "
      "the rollback journal. Running it again with the same arguments changes nothing.");
  AddRunParameters(apply, o);
  apply->footer(
      "Example (S3; the secret key read from a file):\n"
      "  echo 'secretkey=...' > s3.properties\n"
      "  csmigrate apply --db-properties /etc/cloudstack/management/db.properties \\\n"
      "      --provider S3 --name s3-region --detail bucket=cloudstack --detail accesskey=AKIA... "
      "\\\n"
      "      --detail endpoint=http://10.0.32.251:9000 --details-file s3.properties --json\n"
      "Example (Swift): --provider Swift --url http://swift:8080/auth/v1.0 --detail account=cs \\\n"
      "      --detail username=cloud --details-file swift.properties   # key=...\n\n" +
      std::string(kExitCodeHelp));

  auto* status = app.add_subcommand("status",
                                    "List runs: state, rule checksum, parameters "
                                    "(secrets masked), rows changed per table");
  AddDb(status, o);
  AddJson(status, o);

  auto* rollback = app.add_subcommand(
      "rollback",
      "Restore every row a run touched to its earlier state, in one transaction; refuses when "
      "CloudStack changed those rows since, unless --force");
  AddDb(rollback, o);
  AddRules(rollback, o);
  AddJson(rollback, o);
  rollback->add_option("RUN", o.run_id, "The run id (see `csmigrate status`)")
      ->required()
      ->check(WholeNumber(1));
  rollback->add_flag("--force", o.force, "Roll back even over rows changed since the run");
  rollback->footer(
      "Refuses (exit 5), naming tables and ids, when rows the run wrote have changed since\n"
      "(a push filled a placeholder) or rows written since point at rows it inserted (a new\n"
      "snapshot on the object store). Review them first: --force restores the journal's rows\n"
      "anyway, and rows CloudStack wrote on the new store are left dangling; never over a row\n"
      "that took the id of a row the run deleted (exit 5 even so). A damaged record of the run\n"
      "(csm_run.result_json, the journal) is exit 7. A refusal changes nothing.\n\n" +
      std::string(kExitCodeHelp));

  auto add_stall_timeout = [&](CLI::App* cmd) {
    cmd->add_option("--stall-timeout", o.stall_timeout,
                    "Seconds an object-store request may go without moving a byte before it fails "
                    "(and is retried); default: an S3 store's sockettimeout detail, else 60")
        ->check(WholeNumber(1, 86400));
  };
  auto* reconcile = app.add_subcommand(
      "reconcile",
      "Compare what the database says each store holds with what the store really lists (S3 "
      "ListObjectsV2, Swift container listings, the NFS export's files) and report every "
      "difference in CloudStack's terms. Changes nothing.");
  AddDb(reconcile, o);
  reconcile->add_flag("--json", o.json,
                      "The report as JSON Lines (--format jsonl), and a failure as a JSON error "
                      "document on stdout");
  reconcile
      ->add_option("--store", o.stores,
                   "Only this image_store id (repeatable; default: every live store)")
      ->check(WholeNumber(1));
  reconcile->add_option("--nfs-root", o.nfs_roots,
                        "STORE_ID=PATH: where an NFS store's export is mounted here (repeatable); "
                        "NFS stores without one are not listed");
  reconcile->add_option("--format", o.format, "table or html (people), jsonl or csv (machines)")
      ->capture_default_str();
  reconcile->add_option("--output", o.output, "Write the report to FILE instead of stdout");
  reconcile->add_option("--repair-sql", o.repair_sql,
                        "Also write the SQL that would fix what can be fixed to FILE, for review "
                        "(never run by csmigrate)");
  reconcile->add_flag("--show-ok", o.show_ok,
                      "Also list every object that matched (they are always counted)");
  add_stall_timeout(reconcile);
  reconcile->footer(
      "Findings, each with store, table, row id, object id, install path or key and sizes:\n"
      "  ! placeholder_broken  a placeholder whose staging copy is gone, unpinned or missing\n"
      "  - missing             a row claims an object the store does not list\n"
      "  * size_mismatch       listed with another size than the row's physical_size\n"
      "  + orphan              listed, claimed by no live row\n"
      "  % incomplete          template.properties lacks uniquename/virtualsize/filename\n"
      "  ^ pin_anomaly         ref_cnt impossible, or a staging pin no placeholder needs\n"
      "  ? state_mismatch      state and download_state disagree\n"
      "  ~ placeholder_pending expected after a conversion: content still on a pinned staging "
      "copy\n"
      "  = ok                  (shown with --show-ok)\n"
      "Keys outside CloudStack's layout (template/, snapshots/, volumes/; Swift T-, S-, V-) are "
      "not examined.\n\n"
      "Example:\n"
      "  csmigrate reconcile --db-properties /etc/cloudstack/management/db.properties \\\n"
      "      --nfs-root 1=/mnt/secondary --format jsonl --output report.jsonl \\\n"
      "      --repair-sql repair.sql\n\n"
      "Exit codes (reconcile): 0 clean, 1 findings, 2 could not complete (bad configuration, "
      "authentication, network, database): a listing that fails never yields findings.");

  auto* push = app.add_subcommand(
      "push",
      "Copy one object from its NFS staging store to the object store, as CloudStack does when "
      "it is used: verify size and checksum, then fill its placeholder and unpin the staging "
      "copy in one transaction");
  AddDb(push, o);
  push->add_option("KIND", o.object_kind, "template, snapshot or volume")
      ->required()
      ->check(CLI::IsMember({"template", "snapshot", "volume"}));
  push->add_option("ID", o.object_id,
                   "The template, snapshot or volume id (a snapshot moves with every "
                   "still-placeholder snapshot of its volume: a delta chain moves as a whole)")
      ->required()
      ->check(WholeNumber(1));
  auto add_transfer_options = [&](CLI::App* cmd) {
    cmd->add_option("--nfs-root", o.nfs_roots,
                    "STORE_ID=PATH: where a staging store's NFS export is mounted here "
                    "(repeatable)");
    cmd->add_option("--multipart-threshold", o.multipart_threshold,
                    "Upload files larger than this many bytes in parts (S3 multipart, Swift "
                    "static large objects); default 67108864 (64 MiB)")
        ->check(WholeNumber(1));
    add_stall_timeout(cmd);
    cmd->add_flag("--json", o.json,
                  "Print one JSON document on stdout at the end (counts, failures; drain: retire "
                  "verdicts), or the error; progress stays on stderr");
  };
  add_transfer_options(push);
  push->footer(
      "Keys: S3 template/tmpl/<account>/<template>/<unique_name>/<file>, snapshots/<account>/"
      "<volume>/<file>,\nvolumes/<account>/<volume>/<file>; Swift containers T-<template>, "
      "S-<volume>, V-<volume>.\nAn object an interrupted earlier run uploaded is verified and "
      "adopted, not sent again.\n\n" +
      std::string(kExitCodeHelp));

  auto* drain = app.add_subcommand(
      "drain",
      "Push everything that still has a placeholder, N transfers at a time, so that the NFS "
      "staging stores can be retired. Resumable: killed at any moment, a re-run continues "
      "without re-uploading what is verified and without unpinning anything twice.");
  AddDb(drain, o);
  add_transfer_options(drain);
  drain
      ->add_option("--store", o.staging_store,
                   "Only objects whose staging copy is on this staging store id")
      ->check(WholeNumber(1));
  drain->add_option("--jobs", o.jobs, "Transfers at a time")
      ->capture_default_str()
      ->check(WholeNumber(1, 64));
  drain->add_option("--limit", o.limit, "At most this many units (an object, or a snapshot chain)")
      ->check(WholeNumber(0));
  drain->add_option("--order", o.order, "largest (first) or oldest (first)")->capture_default_str();
  drain->add_flag("--dry-run", o.dry_run,
                  "Check every store the units need, then list what would be pushed; upload and "
                  "change nothing");
  drain->footer(
      "First, also with --dry-run, every store the units need is checked once: each object\n"
      "store answers one authenticated request, each staging store they read from has an\n"
      "--nfs-root that is a directory; a problem is exit 2, naming the store, before any upload.\n"
      "At the end it says, per staging store, whether it can be retired now (no live row with\n"
      "ref_cnt <> 0) and what still holds it. Exit 0 when every unit was pushed, 1 when some\n"
      "failed (each is named; the others went on), other codes as below.\n\n" +
      std::string(kExitCodeHelp));

  auto* fixture = app.add_subcommand("fixture", "Work with before/after fixtures (QA)");
  fixture->require_subcommand(1);
  auto* load = fixture->add_subcommand(
      "load", "Create the CloudStack schema and load a fixture's before-rows (a demo database)");
  load->add_option("DIR", o.fixture_dir, "Fixture directory (holding fixture.yaml)")->required();
  AddDb(load, o);
  AddJson(load, o);
  load->add_option("--cloudstack", o.cloudstack_version, "Schema version: 4.3 or 4.22");
  auto* replay = fixture->add_subcommand(
      "replay",
      "Load a fixture into a fresh schema, apply the rules, diff every table against "
      "the expected rows; exit 1 on any difference");
  replay->add_option("DIR", o.fixture_dir, "Fixture directory (holding fixture.yaml)")->required();
  AddDb(replay, o);
  AddRules(replay, o);
  AddJson(replay, o);
  replay->add_option("--cloudstack", o.cloudstack_version, "Schema version: 4.3 or 4.22");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const bool wants_json = std::any_of(argv + 1, argv + argc,
                                        [](const char* a) { return std::string(a) == "--json"; });
    std::string problem = e.what();
    if (auto typo = UnknownCommand(app, argc, argv)) {
      problem = *typo;
      std::cerr << "csmigrate: error: " << PrintableText(problem) << "\n";
    } else if (app.exit(e) == 0) {
      return kExitOk;  // --help
    }
    if (wants_json) {
      std::cout << JsonText(ErrorDocument(Status(ErrorCode::kInvalidArgument, problem))) << "\n";
    }
    return kExitUsage;
  }
  if (Status s = CheckArgumentsAreUtf8(app); !s.ok()) return Fail(o, s);
  // Before the log file is opened: no output may land on a file this command reads.
  if (Status s = CheckOutputsAreNotInputs(FileRolesOf(o)); !s.ok()) return Fail(o, s);
  if (Status s = ConfigureLogging(o.log); !s.ok()) return Fail(o, s);

  if (*help) return ShowHelp(app, help_topic);

  if (*init) return RunInit(o);
  if (*plan) return RunPlanOrApply(o, true);
  if (*apply) return RunPlanOrApply(o, false);
  if (*status) return RunStatus(o);
  if (*rollback) return RunRollback(o);
  if (*reconcile) return RunReconcile(o);
  if (*push) return RunPush(o);
  if (*drain) return RunDrain(o);
  if (*load) return RunFixtureLoad(o);
  if (*replay) return RunFixtureReplay(o);
  return kExitUsage;
}

}  // namespace csm::cli

int main(int argc, char** argv) {
  return csm::cli::FinishStdout(csm::cli::Main(argc, argv));
}
