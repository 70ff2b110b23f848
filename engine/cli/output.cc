#include "cli/output.h"

#include <cstdio>
#include <sstream>

#include "common/printable_text.h"
#include "rules/run_parameters.h"

namespace csm::cli {
namespace {

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string Changes(const nlohmann::json& tables) {
  std::string text;
  for (const auto& [table, c] : tables.items()) {
    std::string parts;
    for (const auto& [op, sign] :
         {std::pair{"inserted", '+'}, {"updated", '~'}, {"deleted", '-'}}) {
      // The record is csmigrate's own but read from a database: what is not a count is left out.
      const auto count = c.is_object() ? c.find(op) : c.end();
      if (count != c.end() && count->is_number_integer() && count->get<int64_t>() > 0) {
        parts += (parts.empty() ? "" : " ") + std::string(1, sign) +
                 std::to_string(count->get<int64_t>());
      }
    }
    if (parts.empty()) continue;  // journaled, nothing changed
    text += (text.empty() ? "" : ", ") + PrintableText(table) + " " + parts;
  }
  return text.empty() ? "-" : text;
}

nlohmann::ordered_json ValueJson(const db::Value& v) {
  if (db::IsNull(v)) return nullptr;
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}

// Every row the run's report steps found, in step order: what the conversion leaves alone.
nlohmann::ordered_json SkippedJson(const std::vector<apply::StepOutcome>& steps) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& s : steps) {
    for (const auto& r : s.reported) {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (const auto& [column, value] : r.values) row[column] = ValueJson(value);
      out.push_back({{"step", s.number},
                     {"step_name", s.name},
                     {"table", r.table},
                     {"row", row},
                     {"message", r.message}});
    }
  }
  return out;
}

// A run's parameters as the ledger keeps them, masked again (rules::RemaskedParametersJson): JSON
// null when they are not a JSON object.
nlohmann::json ParametersJson(const std::string& params_json) {
  const std::optional<std::string> masked = rules::RemaskedParametersJson(params_json);
  return masked ? nlohmann::json::parse(*masked, nullptr, false) : nlohmann::json();
}

nlohmann::json TablesJson(const std::map<std::string, apply::TableChanges>& tables) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [table, c] : tables) {
    out[table] = {{"inserted", c.inserted}, {"updated", c.updated}, {"deleted", c.deleted}};
  }
  return out;
}

}  // namespace

nlohmann::ordered_json UtcTimeJson(const std::string& db_time) {
  if (db_time.empty()) return nullptr;
  std::string iso = db_time;
  if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
  if (!iso.ends_with('Z')) iso += 'Z';
  return iso;
}

nlohmann::ordered_json ImageStoreJson(const apply::NewStore& s) {
  return {{"id", s.id},
          {"uuid", s.uuid},
          {"name", s.name},
          {"url", s.has_url ? nlohmann::ordered_json(s.url) : nlohmann::ordered_json(nullptr)},
          {"protocol", s.protocol},
          {"provider", s.provider},
          {"scope", s.scope},
          {"zone_id", nullptr}};
}

std::string StepLine(const apply::StepOutcome& step) {
  std::string result;
  if (step.kind == "check") {
    result = "passed (no offending row)";
  } else if (step.kind == "report") {
    result = step.reported.empty() ? "nothing skipped"
                                   : std::to_string(step.reported.size()) + " skipped";
  } else if (step.skipped) {
    result = "skipped (condition does not hold)";
  } else {
    result = std::to_string(step.rows) + (step.rows == 1 ? " row" : " rows") +
             (step.pinned > 0 ? ", " + std::to_string(step.pinned) + " pinned" : "");
  }
  char line[256];
  std::snprintf(line, sizeof line, "  [%2d] %-7s %-45s %s", step.number, step.kind.c_str(),
                PrintableText(step.name).c_str(), result.c_str());
  return line;
}

nlohmann::ordered_json RunOutcomeJson(const apply::RunOutcome& o) {
  nlohmann::ordered_json out;
  if (o.run_id > 0) out["run_id"] = o.run_id;
  out["already_applied"] = o.already_applied;
  out["rules_checksum"] = o.rules_checksum;
  out["image_store"] = o.image_store ? ImageStoreJson(*o.image_store) : nlohmann::ordered_json();
  out["steps"] = nlohmann::ordered_json::array();
  for (const auto& s : o.steps) {
    out["steps"].push_back({{"number", s.number},
                            {"name", s.name},
                            {"kind", s.kind},
                            {"rows", s.rows},
                            {"pinned", s.pinned},
                            {"skipped", s.skipped},
                            {"sql", s.sql}});
  }
  out["tables"] = TablesJson(o.tables);
  out["skipped"] = SkippedJson(o.steps);
  return out;
}

std::string RunOutcomeText(const apply::RunOutcome& o, bool is_plan,
                           const std::string& db_arguments) {
  std::ostringstream out;
  if (o.already_applied) {
    out << "Run " << o.run_id
        << " already applied these rules with these parameters: nothing to do.\n";
  } else if (is_plan) {
    out << "Plan (nothing is written; every statement ran in a transaction that was rolled back)\n";
    out << "rules checksum " << o.rules_checksum.substr(0, 16) << "\n\n";
    for (const auto& s : o.steps) {
      out << StepLine(s) << "\n";
      for (const auto& sql : s.sql) out << "         " << PrintableText(sql) << ";\n";
      for (const auto& r : s.reported) {
        out << "         skipped: " << PrintableText(r.message) << "\n";
      }
    }
  } else {
    out << "Applied run " << o.run_id
        << " (one transaction, journaled; undo with: csmigrate rollback" << db_arguments << " "
        << o.run_id << ")\n";
    out << "Changes: " << Changes(TablesJson(o.tables)) << "\n";
  }
  if (o.image_store) {
    const auto& s = *o.image_store;
    out << "Object store: id " << s.id << ", name '" << PrintableText(s.name) << "', " << s.provider
        << " " << s.scope << ", protocol " << s.protocol << ", url "
        << (s.has_url ? PrintableText(s.url) : "(none)") << ", uuid " << s.uuid << "\n";
  }
  if (!is_plan) {  // a plan shows them under their steps
    for (const auto& s : o.steps) {
      for (const auto& r : s.reported) out << "skipped: " << PrintableText(r.message) << "\n";
    }
  }
  return out.str();
}

nlohmann::ordered_json RunsJson(const std::vector<apply::RunRecord>& runs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : runs) {
    const auto result =
        nlohmann::json::parse(r.result_json.empty() ? "{}" : r.result_json, nullptr, false);
    out.push_back(
        {{"run_id", r.id},
         {"rules", r.rules_name},
         {"rules_checksum", r.rules_checksum},
         {"parameters", ParametersJson(r.params_json)},
         {"state", r.state},
         {"operator", r.operator_name},
         {"started_at", UtcTimeJson(r.started_at)},
         {"finished_at", UtcTimeJson(r.finished_at)},
         {"rolled_back_at", UtcTimeJson(r.rolled_back_at)},
         {"tables", result.is_object() && result.contains("tables") ? result["tables"]
                                                                    : nlohmann::json::object()}});
  }
  return {{"runs", std::move(out)}};
}

std::string RunsText(const std::vector<apply::RunRecord>& runs) {
  if (runs.empty()) return "No runs recorded in this database.\n";
  std::ostringstream out;
  out << Pad("RUN", 5) << Pad("STATE", 13) << Pad("RULES", 22) << Pad("CHECKSUM", 14)
      << Pad("STARTED (UTC)", 21) << "CHANGES / PARAMETERS\n";
  for (const auto& r : runs) {
    const auto result =
        nlohmann::json::parse(r.result_json.empty() ? "{}" : r.result_json, nullptr, false);
    out << Pad(std::to_string(r.id), 5) << Pad(PrintableText(r.state), 13)
        << Pad(PrintableText(r.rules_name), 22)
        << Pad(PrintableText(r.rules_checksum.substr(0, 12)), 14)
        << Pad(PrintableText(r.started_at), 21)
        << Changes(result.is_object() && result.contains("tables") ? result["tables"]
                                                                   : nlohmann::json::object())
        << "\n"
        << Pad("", 75)
        << PrintableText(rules::RemaskedParametersJson(r.params_json)
                             .value_or("(parameters not shown: the record is not JSON)"))
        << "\n";
    if (!r.rolled_back_at.empty())
      out << Pad("", 75) << "rolled back at " << PrintableText(r.rolled_back_at) << "\n";
  }
  return out.str();
}

nlohmann::ordered_json RollbackJson(const apply::RollbackOutcome& o) {
  return {{"run_id", o.run_id},
          {"already_rolled_back", o.already_rolled_back},
          {"rolled_back_at", UtcTimeJson(o.rolled_back_at)},
          {"restored", TablesJson(o.restored)},
          {"overridden", o.overridden}};
}

std::string RollbackText(const apply::RollbackOutcome& o) {
  std::ostringstream out;
  if (o.already_rolled_back) {
    out << "Run " << o.run_id << " was rolled back already (at " << o.rolled_back_at
        << " UTC): nothing to do.\n";
    return out.str();
  }
  for (const auto& c : o.overridden) out << "forced past: " << PrintableText(c) << "\n";
  out << "Rolled back run " << o.run_id << ": inserted rows removed, updated rows restored, "
      << "deleted rows re-inserted.\n";
  for (const auto& [table, c] : o.restored) {
    out << "  " << Pad(table, 22) << c.inserted << " removed, " << c.updated << " restored, "
        << c.deleted << " re-inserted\n";
  }
  return out.str();
}

nlohmann::ordered_json ReplayJson(const fixture::ReplayReport& report) {
  nlohmann::ordered_json out = {{"fixture", report.fixture},
                                {"ok", report.ok()},
                                {"outcome", report.outcome},
                                {"differences", nlohmann::ordered_json::array()}};
  for (const auto& d : report.differences) {
    out["differences"].push_back({{"table", d.table}, {"row", d.row}, {"what", d.what}});
  }
  return out;
}

std::string ReplayText(const fixture::ReplayReport& report) {
  std::string text = std::string(report.ok() ? "PASS " : "FAIL ") + PrintableText(report.fixture) +
                     ": " + PrintableText(report.outcome) + "\n";
  for (const auto& d : report.differences) {
    text += "  " + d.table + " " + PrintableText(d.row) + ": " + PrintableText(d.what) + "\n";
  }
  return text;
}

}  // namespace csm::cli
