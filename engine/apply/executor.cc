#include "apply/executor.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "apply/applied_secrets.h"
#include "apply/column_fit.h"
#include "apply/galera_limits.h"
#include "apply/ledger.h"
#include "apply/row_message.h"
#include "apply/run_lock.h"
#include "apply/run_result.h"
#include "apply/update_columns.h"
#include "common/digest.h"
#include "common/test_seam.h"
#include "common/text.h"
#include "db/engine_tables.h"
#include "db/schema_files.h"
#include "db/transaction.h"
#include "rules/literal_types.h"
#include "rules/rule_checksum.h"
#include "rules/rule_compiler.h"
#include "rules/rule_validator.h"
#include "rules/secret_masks.h"

namespace csm::apply {
namespace {

using rules::Step;

// Everything known before the first write.
struct PreparedRun {
  rules::Catalog catalog;
  rules::Bindings bindings;
  rules::CompiledPlan plan;
  std::string rules_checksum, params_checksum;
  // The masks of the secret values rows of detail tables may hold (rules/secret_masks.h): applied
  // to every row a message or report shows.
  std::map<std::string, db::DigestMask> secret_masks;
};

std::string KindName(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::kRequireNone:
      return "check";
    case Step::Kind::kUpdate:
      return "update";
    case Step::Kind::kDelete:
      return "delete";
    case Step::Kind::kInsert:
    case Step::Kind::kInsertEach:
    case Step::Kind::kInsertFrom:
      return "insert";
    case Step::Kind::kReport:
      return "report";
  }
  return "?";
}

Result<PreparedRun> Prepare(db::Connection& conn, const rules::RuleSet& rules,
                            const rules::RunParameters& params, const ApplyOptions& options) {
  CSM_RETURN_IF_ERROR(rules::ValidateParameters(rules, params));
  PreparedRun run;
  CSM_ASSIGN_OR_RETURN(run.catalog, rules::LoadCatalog(rules, conn));
  CSM_RETURN_IF_ERROR(rules::ValidateRules(rules, run.catalog));
  run.bindings = rules::DeriveBindings(rules, params, RandomUuid(), UtcNow());
  CSM_RETURN_IF_ERROR(PrepareDetailValues(rules, run.catalog, options.encryption, run.bindings));
  CSM_RETURN_IF_ERROR(
      CheckValuesFitColumns(rules, run.catalog, run.bindings, conn.dialect().name()));
  run.plan = rules::Compile(rules, run.catalog, conn.dialect(), run.bindings);
  run.rules_checksum = rules::RuleChecksum(rules);
  run.params_checksum = rules::ParametersChecksum(rules, params);
  run.secret_masks = rules::SecretMasks(rules, params);
  return run;
}

// Runs the require_none checks; the first that finds a row fails with its message (a secret the
// row holds masked).
Status CheckPreconditions(db::Connection& conn, const PreparedRun& run, int64_t run_id) {
  for (const auto& step : run.plan.steps) {
    if (step.check.empty()) continue;
    CSM_ASSIGN_OR_RETURN(auto params, rules::ResolveParams(step.check, run.bindings, run_id));
    CSM_ASSIGN_OR_RETURN(db::QueryResult r, conn.Query(step.check.text, params));
    if (!r.rows.empty()) {
      const db::Row shown =
          rules::MaskedRow(run.secret_masks, step.step->table, r.columns, r.rows[0]);
      return Status(ErrorCode::kPrecondition,
                    "precondition '" + step.step->name +
                        "' failed: " + FormatRowMessage(step.step->message, r.columns, shown));
    }
  }
  return Status::Ok();
}

// Fails (kInvalidRules) when a table the run writes has a trigger: what a trigger writes is not in
// the journal, so rollback could not undo it, and rows it rewrites could not be found again.
// Checked before the first write, so that such a refusal changes nothing.
Status CheckNoTriggers(db::Connection& conn, const PreparedRun& run) {
  std::set<std::string> written;
  for (const auto& step : run.plan.steps) {
    if (!step.written_table.empty()) written.insert(step.written_table);
    if (!step.pinned_table.empty()) written.insert(step.pinned_table);
  }
  for (const auto& table : written) {
    CSM_ASSIGN_OR_RETURN(db::QueryResult r,
                         conn.Query(conn.dialect().TriggerNamesQuery(), {table}));
    if (r.rows.empty()) continue;
    return Status(ErrorCode::kInvalidRules,
                  "table " + table + " has trigger '" + db::ToDisplay(r.rows[0][0]) +
                      "': rows a trigger writes or rewrites are not in csmigrate's journal, so a "
                      "rollback could not undo them. Nothing was changed; drop or disable the "
                      "trigger for the conversion and apply again");
  }
  return Status::Ok();
}

bool IsInsert(Step::Kind kind) {
  return kind == Step::Kind::kInsert || kind == Step::Kind::kInsertEach ||
         kind == Step::Kind::kInsertFrom;
}

// Whether a StepRunner runs the report steps (read-only) in their place among the data steps.
enum class Reports { kRun, kSkip };

// Runs the data steps of `run`, and its report steps unless told to skip them; journals the data
// steps when `journal` is given. With SecretValues::kMasked (runs that are always rolled back),
// secret values are bound masked (rules/sql.h).
class StepRunner {
 public:
  StepRunner(db::Connection& conn, PreparedRun& run, int64_t run_id, Journal* journal,
             const ApplyOptions& options, Reports reports = Reports::kRun,
             rules::SecretValues secrets = rules::SecretValues::kReal)
      : conn_(conn),
        run_(run),
        run_id_(run_id),
        journal_(journal),
        options_(options),
        reports_(reports),
        secrets_(secrets) {}

  Result<std::vector<StepOutcome>> RunAll() {
    std::vector<StepOutcome> outcomes;
    const auto& steps = run_.plan.steps;
    for (size_t i = 0; i < steps.size(); ++i) {
      const rules::CompiledStep& step = steps[i];
      if (!step.check.empty()) continue;  // preconditions were checked before
      if (!step.report.empty() && reports_ == Reports::kSkip) continue;
      CSM_ASSIGN_OR_RETURN(StepOutcome outcome, step.report.empty()
                                                    ? RunStep(step, InsertedRowsFinalAfter(i))
                                                    : RunReport(step));
      if (options_.on_step) options_.on_step(outcome);
      outcomes.push_back(std::move(outcome));
      // Apply's run (the journaled one): a test may stop it here, inside its transaction.
      if (journal_ != nullptr) TestSeam("apply.after_step", step.number);
    }
    return outcomes;
  }

 private:
  Result<int64_t> Exec(const db::Statement& sql) {
    CSM_ASSIGN_OR_RETURN(auto params, rules::ResolveParams(sql, run_.bindings, run_id_, secrets_));
    return conn_.Execute(sql.text, params);
  }

  // Whether the rows step `index` inserts keep their state to the end of the run: no later step
  // updates, deletes or pins rows of that table (later inserts leave existing rows alone, and the
  // step's own pin touches picked rows, which existed before its insert).
  bool InsertedRowsFinalAfter(size_t index) const {
    const auto& steps = run_.plan.steps;
    const std::string& table = steps[index].written_table;
    for (size_t k = index + 1; k < steps.size(); ++k) {
      const rules::CompiledStep& later = steps[k];
      if (later.pinned_table == table) return false;
      if (later.written_table == table && !IsInsert(later.step->kind)) return false;
    }
    return true;
  }

  // The journal finds the rows an insert step wrote by their ids (above the step's watermark) and
  // the values the step gave them; rollback deletes what it found. Both counts must agree, or
  // rollback would delete someone else's rows or leave some of the run's behind.
  static Status CheckInsertedRowsJournaled(const rules::CompiledStep& step, int64_t inserted,
                                           int64_t journaled) {
    auto rows = [](int64_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); };
    const std::string what = "step " + std::to_string(step.number) + " ('" + step.step->name +
                             "') inserted " + rows(inserted) + " into " + step.written_table +
                             ", but ";
    if (journaled > inserted) {
      return Status(ErrorCode::kConflict,
                    what + std::to_string(journaled) +
                        " new rows there carry the values it wrote: another client inserted "
                        "matching rows at the same time, and the journal cannot tell them apart. "
                        "Nothing was changed; run apply again");
    }
    if (journaled < inserted) {
      return Status(ErrorCode::kInvalidRules,
                    what + "only " + std::to_string(journaled) +
                        " of them read back with the values it wrote (a trigger, a default or the "
                        "column's type changes them), so rollback could not find the others. "
                        "Nothing was changed; make the step's values match what the table stores");
    }
    return Status::Ok();
  }

  // Fails (kPrecondition) naming the table, row, column and value when the pin of `step` would
  // carry a picked row's column past its range ({add: N} on a count at the column's limit): one
  // query, run before the step writes, so that no backend overflows, stores a float or fails
  // mid-statement. The run's transaction is then rolled back.
  Status CheckPinFits(const rules::CompiledStep& step) {
    if (step.pin_overflow.empty()) return Status::Ok();
    CSM_ASSIGN_OR_RETURN(auto params,
                         rules::ResolveParams(step.pin_overflow, run_.bindings, run_id_));
    CSM_ASSIGN_OR_RETURN(db::QueryResult found, conn_.Query(step.pin_overflow.text, params));
    if (found.rows.empty()) return Status::Ok();
    const db::Row& row = found.rows[0];
    for (size_t i = 0; i < step.pin_added.size(); ++i) {
      const rules::PinAddition& added = step.pin_added[i];
      // The query found the row: a value that cannot be read as a number is taken as past.
      const std::optional<__int128> value = AsDeclared(row[i + 1], added.declared_type);
      const bool past =
          !value ||
          (added.amount > 0 ? *value > static_cast<__int128>(added.highest) - added.amount
                            : *value < static_cast<__int128>(added.lowest) - added.amount);
      if (!past) continue;
      const std::string more =
          found.rows.size() > 1
              ? " (and " + std::to_string(found.rows.size() - 1) + " more picked rows like it)"
              : "";
      return Status(
          ErrorCode::kPrecondition,
          "step " + std::to_string(step.number) + " ('" + step.step->name + "') would pin " +
              step.pinned_table + " row " + db::ToDisplay(row[0]) + more + ": its " + added.column +
              " " + (value ? rules::DecimalText(*value) : db::ToDisplay(row[i + 1])) + " plus " +
              std::to_string(added.amount) + " is past " +
              std::to_string(added.amount > 0 ? added.highest : added.lowest) + ", the " +
              (added.amount > 0 ? "largest" : "smallest") + " value csmigrate writes into " +
              added.column + " (" + added.declared_type +
              "). Nothing was changed; correct that row's " + added.column + " and apply again");
    }
    return Status::Ok();
  }

  // `value` of a column declared `declared_type` as a number: a BIGINT UNSIGNED past INT64_MAX
  // reads back as text (or, wrapped, as a negative int64). nullopt when it is no whole number.
  static std::optional<__int128> AsDeclared(const db::Value& value,
                                            const std::string& declared_type) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      if (text->empty() || text->size() > 20 ||
          text->find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
      }
      __int128 n = 0;
      for (char c : *text) n = n * 10 + (c - '0');
      return n;
    }
    const auto n = db::AsInteger(value);
    if (!n) return std::nullopt;
    const bool wrapped = *n < 0 && ToLower(declared_type).find("unsigned") != std::string::npos;
    return wrapped ? static_cast<__int128>(static_cast<uint64_t>(*n)) : *n;
  }

  // Lists the rows report step `step` finds, each with its message; a secret a row holds is shown
  // masked, in the message and in the row. Changes nothing.
  Result<StepOutcome> RunReport(const rules::CompiledStep& step) {
    const Step& rule = *step.step;
    StepOutcome outcome{step.number, rule.name, KindName(rule.kind), {}, 0, 0, false, {}};
    outcome.sql.push_back(rules::Preview(step.report, run_.bindings, run_id_));
    CSM_ASSIGN_OR_RETURN(auto params, rules::ResolveParams(step.report, run_.bindings, run_id_));
    CSM_ASSIGN_OR_RETURN(db::QueryResult found, conn_.Query(step.report.text, params));
    for (const db::Row& found_row : found.rows) {
      const db::Row row = rules::MaskedRow(run_.secret_masks, rule.table, found.columns, found_row);
      ReportedRow reported{rule.table, {}, FormatRowMessage(rule.message, found.columns, row)};
      for (size_t c = 0; c < found.columns.size() && c < row.size(); ++c) {
        reported.values.emplace_back(found.columns[c], row[c]);
      }
      outcome.reported.push_back(std::move(reported));
    }
    return outcome;
  }

  // `inserted_final`: the rows this step inserts are not written again by the run.
  Result<StepOutcome> RunStep(const rules::CompiledStep& step, bool inserted_final) {
    const Step& rule = *step.step;
    StepOutcome outcome{step.number, rule.name, KindName(rule.kind), {}, 0, 0, false, {}};
    for (const db::Statement* sql : step.DataStatements()) {
      outcome.sql.push_back(rules::Preview(*sql, run_.bindings, run_id_));
    }
    if (!step.guard.empty()) {
      CSM_ASSIGN_OR_RETURN(auto params, rules::ResolveParams(step.guard, run_.bindings, run_id_));
      CSM_ASSIGN_OR_RETURN(int64_t holds, db::QueryInt(conn_, step.guard.text, params));
      if (holds == 0) {
        outcome.skipped = true;
        return outcome;
      }
    }
    if (step.main.empty()) return outcome;  // e.g. insert_each with an empty map
    const bool inserts = IsInsert(rule.kind);
    int64_t watermark = 0;
    if (journal_ != nullptr && !inserts) {
      CSM_RETURN_IF_ERROR(journal_->RecordBefore(step.written_table, step.touched_rows,
                                                 rule.kind == Step::Kind::kDelete ? 'D' : 'U',
                                                 step.number));
    }
    if (inserts || !step.bind_id.empty()) {
      CSM_ASSIGN_OR_RETURN(
          watermark,
          db::QueryInt(conn_, "SELECT MAX(id) FROM " + conn_.dialect().Quote(step.written_table)));
    }
    if (!step.pick.empty()) {
      CSM_RETURN_IF_ERROR(Exec(step.pick).status());
      CSM_RETURN_IF_ERROR(db::RefreshStatistics(conn_, db::kPickTable));
      CSM_RETURN_IF_ERROR(CheckPinFits(step));
    }
    CSM_ASSIGN_OR_RETURN(outcome.rows, Exec(step.main));
    if (journal_ != nullptr && inserts) {
      CSM_ASSIGN_OR_RETURN(int64_t journaled, journal_->RecordInserted(
                                                  step.written_table, watermark, step.inserted_rows,
                                                  step.number, inserted_final));
      CSM_RETURN_IF_ERROR(CheckInsertedRowsJournaled(step, outcome.rows, journaled));
    }
    if (!step.bind_id.empty()) {
      db::Statement find;
      find.Append("SELECT MAX(id) FROM " + conn_.dialect().Quote(step.written_table) +
                  " WHERE id > ");
      find.Bind(watermark).Append(" AND ").Append(step.inserted_rows);
      CSM_ASSIGN_OR_RETURN(auto params, rules::ResolveParams(find, run_.bindings, run_id_));
      CSM_ASSIGN_OR_RETURN(int64_t id, db::QueryInt(conn_, find.text, params));
      assert(id > 0);
      run_.bindings.scalars[step.bind_id] = id;
    }
    if (!step.pin.empty()) {
      if (journal_ != nullptr) {
        CSM_RETURN_IF_ERROR(
            journal_->RecordBefore(step.pinned_table, step.pinned_rows, 'U', step.number));
      }
      CSM_ASSIGN_OR_RETURN(outcome.pinned, Exec(step.pin));
    }
    return outcome;
  }

  db::Connection& conn_;
  PreparedRun& run_;
  int64_t run_id_;
  Journal* journal_;
  const ApplyOptions options_;  // a copy: callers pass temporaries ({})
  Reports reports_;
  rules::SecretValues secrets_;
};

// The masks that keep secrets stored in clear out of the journal's digests (apply/journal.h): the
// run's secret masks (rules/secret_masks.h). None when the installation encrypts its secrets (the
// digests then see only ciphertext under a random salt).
std::map<std::string, db::DigestMask> SecretDigestMasks(const PreparedRun& run,
                                                        const ApplyOptions& options) {
  if (options.encryption) return {};
  return run.secret_masks;
}

// The record of run `outcome`, with what its rollback needs: the journal's image columns, digest
// form and masks, and `guards` (apply/run_result.h).
RunResult RecordOf(const RunOutcome& outcome, const Journal& journal,
                   std::vector<RecordedGuard> guards) {
  RunResult result;
  for (const auto& s : outcome.steps) result.steps.push_back({s.number, s.name, s.rows, s.pinned});
  result.tables = outcome.tables;
  if (outcome.image_store) result.new_store_id = outcome.image_store->id;
  result.image_columns = journal.ImageColumns();
  result.update_columns = journal.UpdateImageColumns();
  result.after_images = journal.DigestForm();
  result.digest_masks = journal.DigestMasks();
  result.rollback_guards = std::move(guards);
  return result;
}

// When the ledger holds an applied run of the same rules and parameters: marks `outcome` as
// already applied by it (its id and new store), so that plan and apply say so and change nothing.
// The ledger matches the parameters but for their secrets; these are then compared with the rows
// that run wrote (apply/applied_secrets.h). A run of the same parameters with another secret, or
// whose secret rows are gone, is neither the same run nor a new one: kConflict, naming the run and
// the details (never their values).
Status RecognizeAppliedRun(db::Connection& conn, const rules::RuleSet& rules,
                           const rules::RunParameters& params, const PreparedRun& run,
                           const ApplyOptions& options, RunOutcome& outcome) {
  CSM_ASSIGN_OR_RETURN(bool engine_tables, db::EngineTablesExist(conn));
  if (!engine_tables) return Status::Ok();
  CSM_ASSIGN_OR_RETURN(auto previous,
                       FindAppliedRun(conn, run.rules_checksum, run.params_checksum));
  if (!previous) return Status::Ok();
  CSM_ASSIGN_OR_RETURN(
      SecretComparison secrets,
      CompareAppliedSecrets(conn, rules, params, previous->id, options.encryption));
  const std::string id = std::to_string(previous->id);
  auto names = [](const std::vector<std::string>& keys) {
    std::string text;
    for (const auto& k : keys) text += (text.empty() ? "" : ", ") + k;
    return text;
  };
  if (!secrets.differing.empty()) {
    return Status(
        ErrorCode::kConflict,
        "run " + id + " applied these rules with these same parameters but a different " +
            names(secrets.differing) + " (compared with the value its store keeps" +
            (options.encryption
                 ? ""
                 : "; if this installation encrypts its secrets, give --db-properties") +
            "). Nothing was changed: applying again would not update it. Change the secret in "
            "CloudStack, or roll back run " +
            id + " first to convert anew");
  }
  if (!secrets.missing.empty()) {
    return Status(ErrorCode::kConflict,
                  "run " + id + " applied these rules with these same parameters, but the " +
                      names(secrets.missing) +
                      " detail it wrote is gone, so whether this run asks the same cannot be "
                      "told. Nothing was changed; see `csmigrate status` and roll back run " +
                      id + " first to convert anew");
  }
  outcome.already_applied = true;
  outcome.run_id = previous->id;
  const auto result = nlohmann::json::parse(previous->result_json, nullptr, false);
  if (result.is_object() && result.contains("new_store_id")) {
    auto store = ReadImageStore(conn, result["new_store_id"].get<int64_t>());
    if (store.ok()) outcome.image_store = *store;
  }
  return Status::Ok();
}

}  // namespace

Result<NewStore> ReadImageStore(db::Connection& conn, int64_t id) {
  CSM_ASSIGN_OR_RETURN(
      db::QueryResult r,
      conn.Query("SELECT id, uuid, name, url, protocol, image_provider_name, scope FROM "
                 "image_store WHERE id = ?",
                 {id}));
  if (r.rows.empty()) {
    return Status(ErrorCode::kNotFound, "image store " + std::to_string(id) + " does not exist");
  }
  const db::Row& row = r.rows[0];
  NewStore store;
  store.id = std::get<int64_t>(row[0]);
  store.uuid = db::TextOrEmpty(row[1]);
  store.name = db::TextOrEmpty(row[2]);
  store.url = db::TextOrEmpty(row[3]);
  store.has_url = !db::IsNull(row[3]);
  store.protocol = db::TextOrEmpty(row[4]);
  store.provider = db::TextOrEmpty(row[5]);
  store.scope = db::TextOrEmpty(row[6]);
  return store;
}

// On a Galera node, the run's one transaction must fit the node's write-set limits: the steps run
// once in a transaction that is rolled back (as in Plan), and their row counts are estimated as a
// write set (apply/galera_limits.h). Elsewhere, and when nothing limits the write set, does
// nothing.
Status CheckGaleraWriteSet(db::Connection& conn, PreparedRun& run) {
  CSM_ASSIGN_OR_RETURN(GaleraLimits limits, ReadGaleraLimits(conn));
  // Streaming replication lifts the size limit; with no row limit either, nothing can refuse it.
  if (!limits.galera || (limits.max_ws_rows == 0 && limits.fragment_size > 0)) return Status::Ok();
  CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
  CSM_RETURN_IF_ERROR(db::EnsurePickTableForPlan(conn));
  const ApplyOptions quiet;  // no progress: this is not the run yet
  StepRunner runner(conn, run, 0, nullptr, quiet, Reports::kRun, rules::SecretValues::kMasked);
  auto steps = runner.RunAll();
  if (!steps.ok()) {
    return IsWriteSetLimitError(steps.status()) ? PlanReachedRowLimit(limits) : steps.status();
  }
  CSM_RETURN_IF_ERROR(transaction.Rollback());
  return CheckWriteSetFits(limits, EstimateWriteSet(*steps));
}

Result<RunOutcome> Plan(db::Connection& conn, const rules::RuleSet& rules,
                        const rules::RunParameters& params, const ApplyOptions& options) {
  CSM_ASSIGN_OR_RETURN(PreparedRun run, Prepare(conn, rules, params, options));
  RunOutcome outcome;
  outcome.rules_checksum = run.rules_checksum;
  CSM_RETURN_IF_ERROR(RecognizeAppliedRun(conn, rules, params, run, options, outcome));
  if (outcome.already_applied) return outcome;
  CSM_RETURN_IF_ERROR(CheckPreconditions(conn, run, 0));
  for (const auto& step : run.plan.steps) {
    if (step.check.empty()) continue;
    outcome.steps.push_back({step.number,
                             step.step->name,
                             KindName(step.step->kind),
                             {rules::Preview(step.check, run.bindings, 0)},
                             0,
                             0,
                             false,
                             {}});
  }
  CSM_ASSIGN_OR_RETURN(GaleraLimits limits, ReadGaleraLimits(conn));
  // The steps run for real, in a transaction that is always rolled back: nothing in it may commit
  // implicitly (MySQL's CREATE/ALTER TABLE would, and the steps after it would then autocommit).
  CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
  CSM_RETURN_IF_ERROR(db::EnsurePickTableForPlan(conn));
  // Rolled back: the secrets, checked against their columns already, are bound masked.
  StepRunner runner(conn, run, 0, nullptr, {}, Reports::kRun, rules::SecretValues::kMasked);
  auto steps = runner.RunAll();
  if (!steps.ok()) {
    return limits.galera && IsWriteSetLimitError(steps.status()) ? PlanReachedRowLimit(limits)
                                                                 : steps.status();
  }
  outcome.steps.insert(outcome.steps.end(), steps->begin(), steps->end());
  CSM_RETURN_IF_ERROR(transaction.Rollback());
  // As apply would: a run past this Galera node's write-set limits is refused (exit 4).
  CSM_RETURN_IF_ERROR(CheckWriteSetFits(limits, EstimateWriteSet(outcome.steps)));
  return outcome;
}

Result<RunOutcome> ApplyBare(db::Connection& conn, const rules::RuleSet& rules,
                             const rules::RunParameters& params) {
  CSM_ASSIGN_OR_RETURN(PreparedRun run, Prepare(conn, rules, params, {}));
  RunOutcome outcome;
  CSM_RETURN_IF_ERROR(db::EnsureEngineTables(conn));
  CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
  StepRunner runner(conn, run, 0, nullptr, {}, Reports::kSkip);
  CSM_ASSIGN_OR_RETURN(outcome.steps, runner.RunAll());
  CSM_RETURN_IF_ERROR(
      conn.Execute(std::string("DELETE FROM ") + db::kPickTable + " WHERE run_id = 0").status());
  CSM_RETURN_IF_ERROR(transaction.Commit());
  return outcome;
}

Result<RunOutcome> Apply(db::Connection& conn, const rules::RuleSet& rules,
                         const rules::RunParameters& params, const ApplyOptions& options) {
  CSM_ASSIGN_OR_RETURN(PreparedRun run, Prepare(conn, rules, params, options));
  RunOutcome outcome;
  outcome.rules_checksum = run.rules_checksum;

  CSM_RETURN_IF_ERROR(RecognizeAppliedRun(conn, rules, params, run, options, outcome));
  if (outcome.already_applied) return outcome;
  // Read-only checks first: a refused run writes nothing at all, not even the engine tables.
  CSM_RETURN_IF_ERROR(CheckPreconditions(conn, run, 0));
  CSM_RETURN_IF_ERROR(CheckNoTriggers(conn, run));
  CSM_RETURN_IF_ERROR(CheckGaleraWriteSet(conn, run));
  // The window in which another process may apply the same run (tests line processes up here).
  TestSeam("apply.before_lock");

  // Creates the engine tables (DDL: outside the data transaction) under the advisory lock.
  CSM_ASSIGN_OR_RETURN(RunLock lock, RunLock::Acquire(conn, options.lock_wait));
  CSM_ASSIGN_OR_RETURN(db::Transaction transaction, db::Transaction::Begin(conn));
  // The same run may have been applied by another process since the look above (several started
  // at once): under the lock, that is "already applied", not a failed precondition.
  CSM_RETURN_IF_ERROR(RecognizeAppliedRun(conn, rules, params, run, options, outcome));
  if (outcome.already_applied) {
    CSM_RETURN_IF_ERROR(transaction.Rollback());
    CSM_RETURN_IF_ERROR(lock.Release());
    return outcome;
  }

  RunRecord record;
  record.rules_name = rules.name;
  record.rules_checksum = run.rules_checksum;
  record.params_checksum = run.params_checksum;
  record.params_json = rules::MaskedParametersJson(rules, params);
  record.operator_name = RunLock::HolderName();
  record.started_at = db::ToDisplay(run.bindings.scalars.at("now"));
  CSM_ASSIGN_OR_RETURN(outcome.run_id, InsertRun(conn, record));

  // Authoritative re-check inside the transaction: the database may have moved since.
  CSM_RETURN_IF_ERROR(CheckPreconditions(conn, run, outcome.run_id));

  Journal journal(conn, run.catalog, run.bindings, outcome.run_id,
                  UpdateColumns(run.plan, run.catalog), SecretDigestMasks(run, options));
  StepRunner runner(conn, run, outcome.run_id, &journal, options);
  CSM_ASSIGN_OR_RETURN(outcome.steps, runner.RunAll());

  CSM_RETURN_IF_ERROR(journal.CaptureAfterImages());
  outcome.tables = journal.Changes();
  // The run's picks stay with its journal: they say which staging row each placeholder pinned,
  // the pin that push and drain release (push/unit_query.h).
  for (const auto& step : run.plan.steps) {
    if (step.bind_id.empty() || step.written_table != "image_store") continue;
    CSM_ASSIGN_OR_RETURN(
        outcome.image_store,
        ReadImageStore(conn, std::get<int64_t>(run.bindings.scalars.at(step.bind_id))));
  }
  // The guards are bound after the steps: a guard may compare with a value a step bound.
  CSM_ASSIGN_OR_RETURN(auto guards, RecordGuards(run.plan, run.bindings, outcome.run_id));
  const nlohmann::json result = RecordOf(outcome, journal, std::move(guards));
  CSM_RETURN_IF_ERROR(FinishRun(
      conn, outcome.run_id, result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  CSM_RETURN_IF_ERROR(transaction.Commit());
  CSM_RETURN_IF_ERROR(lock.Release());
  return outcome;
}

}  // namespace csm::apply
