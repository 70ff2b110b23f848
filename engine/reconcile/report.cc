#include "reconcile/report.h"

#include <array>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/human_bytes.h"
#include "common/printable_text.h"
#include "common/utc_time.h"
#include "common/version.h"
#include "reconcile/report_html.h"

namespace csm::reconcile {

using cloudstack::ImageStoreRow;
using cloudstack::RetireVerdict;
namespace {

// One JSON Lines record; text that is not UTF-8 (a file name on an NFS export) is replaced, never
// an exception.
std::string JsonLine(const nlohmann::ordered_json& record) {
  return record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

constexpr std::array<const char*, 15> kCsvColumns = {
    "record", "symbol",  "kind",       "store_id", "table", "row_id", "object_type", "object_id",
    "key",    "db_size", "store_size", "state",    "count", "bytes",  "detail"};

// The columns whose cells may hold text from the database or a listing (the others hold numbers
// or csmigrate's own fixed words).
constexpr std::array<bool, kCsvColumns.size()> kCsvFreeText = {false, false, false, false, true,
                                                               false, true,  false, true,  false,
                                                               false, true,  false, false, true};

// A CSV field of one line: text from the database or a listing as PrintableText, quoted when it
// holds a comma or a quote. A `free_text` cell that starts with a character a spreadsheet reads as
// the start of a formula (=, +, -, @, tab, carriage return) gets a ' in front (OWASP's CSV
// injection advice), so that it opens as the text it is.
std::string CsvField(const std::string& raw, bool free_text) {
  std::string text = PrintableText(raw);
  if (free_text && !raw.empty() && std::string_view("=+-@\t\r").find(raw[0]) != std::string::npos) {
    text.insert(0, 1, '\'');
  }
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvLine(const std::array<std::string, kCsvColumns.size()>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvField(fields[i], kCsvFreeText[i]);
  }
  return line + "\n";
}

std::string OptionalNumber(const std::optional<int64_t>& n) {
  return n ? std::to_string(*n) : std::string();
}

std::string TableLine(const Finding& f) {
  std::ostringstream out;
  out << KindSymbol(f.kind) << ' ' << KindName(f.kind) << "  store " << f.store_id;
  if (!f.table.empty()) {
    out << "  " << f.table << " #" << f.row_id << " (" << ObjectTypeOf(f.table) << ' '
        << f.object_id;
    if (!f.state.empty()) out << ", " << PrintableText(f.state);
    out << ')';
  }
  if (!f.key.empty()) out << "  " << PrintableText(f.key);
  if (f.db_size && f.store_size) {
    out << "  [db " << *f.db_size << " B, store " << *f.store_size << " B]";
  } else if (f.db_size) {
    out << "  [db " << *f.db_size << " B]";
  } else if (f.store_size) {
    out << "  [store " << *f.store_size << " B]";
  }
  if (!f.detail.empty()) out << "\n    " << PrintableText(f.detail);
  if (!f.action.empty()) out << "\n    action: " << PrintableText(f.action);
  out << "\n";
  return out.str();
}

nlohmann::ordered_json FindingJson(const Finding& f) {
  nlohmann::ordered_json j;
  j["record"] = "finding";
  j["symbol"] = std::string(1, KindSymbol(f.kind));
  j["kind"] = KindName(f.kind);
  j["store_id"] = f.store_id;
  j["table"] = f.table.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.table);
  j["row_id"] = f.row_id == 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(f.row_id);
  j["object_type"] =
      f.table.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(ObjectTypeOf(f.table));
  j["object_id"] =
      f.object_id == 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(f.object_id);
  j["key"] = f.key;
  j["db_size"] = f.db_size ? nlohmann::ordered_json(*f.db_size) : nlohmann::ordered_json();
  j["store_size"] = f.store_size ? nlohmann::ordered_json(*f.store_size) : nlohmann::ordered_json();
  j["state"] = f.state.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.state);
  j["detail"] = f.detail;
  j["action"] = f.action.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.action);
  return j;
}

// `f` as `format` lists it; `repair` is what the repair script holds for it.
std::string FormatFinding(ReportFormat format, const Finding& f, const std::string& repair) {
  switch (format) {
    case ReportFormat::kTable:
      return TableLine(f);
    case ReportFormat::kJsonLines:
      return JsonLine(FindingJson(f));
    case ReportFormat::kCsv:
      return CsvLine(
          {"finding", std::string(1, KindSymbol(f.kind)), std::string(KindName(f.kind)),
           std::to_string(f.store_id), f.table, f.row_id == 0 ? "" : std::to_string(f.row_id),
           std::string(ObjectTypeOf(f.table)), f.object_id == 0 ? "" : std::to_string(f.object_id),
           f.key, OptionalNumber(f.db_size), OptionalNumber(f.store_size), f.state, "", "",
           f.action.empty() ? f.detail : f.detail + " (action: " + f.action + ")"});
    case ReportFormat::kHtml:
      return HtmlFindingRow(f, repair);
  }
  return "";
}

// `repair` made safe for the script, whatever the names and keys in it hold: a line break is kept
// only where a comment line follows ("\n--", as every repair text continues), so a newline in a
// value shows as \n and cannot start a statement; each line is PrintableText.
std::string PrintableLines(std::string_view repair) {
  std::string lines;
  for (size_t start = 0;;) {
    const size_t end = repair.find("\n--", start);
    lines += PrintableText(repair.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return lines;
    lines += '\n';
    start = end + 1;
  }
}

// The lines of a repair script for a problem finding with no mechanical fix.
std::string RepairComment(const Finding& f) {
  const std::string where = "store " + std::to_string(f.store_id);
  const std::string row = f.table + " #" + std::to_string(f.row_id);
  switch (f.kind) {
    case FindingKind::kMissing:
      return "-- missing: " + row + " claims " + PrintableText(f.key) + " on " + where +
             ". CloudStack's own sync would delete such a row; after checking the object is\n"
             "-- really gone (and that no placeholder depends on it):\n-- DELETE FROM " +
             f.table + " WHERE id = " + std::to_string(f.row_id) + ";";
    case FindingKind::kOrphan:
      return "-- orphan: " + PrintableText(f.key) + " on " + where +
             " is claimed by no row; no SQL fixes that: remove the object or register it.";
    case FindingKind::kSizeMismatch:
      return "-- size_mismatch: " + row + " says physical_size " + OptionalNumber(f.db_size) +
             ", the store lists " + OptionalNumber(f.store_size) +
             " bytes; check the file before trusting either.";
    case FindingKind::kPlaceholderBroken:
      return "-- placeholder_broken: " + row + " (" + std::string(ObjectTypeOf(f.table)) + " " +
             std::to_string(f.object_id) + "): " + PrintableText(f.detail) +
             ".\n-- Restore the staging copy, or re-register the object; do not delete the "
             "placeholder blindly.";
    case FindingKind::kIncomplete:
      return "-- incomplete: " + PrintableText(f.key) + " on " + where + ": " +
             PrintableText(f.detail);
    default:
      return "";
  }
}

}  // namespace

std::string StoreLabel(const ImageStoreRow& s) {
  return "store " + std::to_string(s.id) + " " + PrintableText(s.name) + " (" +
         PrintableText(s.provider) + ", " + PrintableText(s.role) +
         (s.data_center_id ? ", zone " + std::to_string(*s.data_center_id) : ", region") + ")";
}

std::string VerdictText(const RetireVerdict& v) {
  return v.retirable() ? "can be retired now: no live row has ref_cnt <> 0"
                       : "cannot be retired yet: held by " + v.HeldBy();
}

Result<ReportFormat> ParseReportFormat(const std::string& text) {
  if (text == "table") return ReportFormat::kTable;
  if (text == "jsonl") return ReportFormat::kJsonLines;
  if (text == "csv") return ReportFormat::kCsv;
  if (text == "html") return ReportFormat::kHtml;
  return Status(ErrorCode::kInvalidArgument,
                "--format " + text + ": expected table, jsonl, csv or html");
}

Result<std::unique_ptr<Report>> Report::Create(ReportFormat format, bool show_ok) {
  Spool sync(std::tmpfile()), urgent(std::tmpfile()), rest(std::tmpfile()), repair(std::tmpfile());
  if (!sync || !urgent || !rest || !repair) {
    return Status(ErrorCode::kIo,
                  "cannot create a temporary file for the report (is $TMPDIR writable?)");
  }
  return std::unique_ptr<Report>(new Report(format, show_ok, std::move(sync), std::move(urgent),
                                            std::move(rest), std::move(repair)));
}

Report::Report(ReportFormat format, bool show_ok, Spool sync, Spool urgent, Spool rest,
               Spool repair)
    : format_(format),
      show_ok_(show_ok),
      sync_(std::move(sync)),
      urgent_(std::move(urgent)),
      rest_(std::move(rest)),
      repair_(std::move(repair)) {}

void Report::Add(const Finding& f) {
  Tally& tally = tallies_[f.store_id][f.kind];
  ++tally.count;
  tally.bytes += f.store_size ? *f.store_size : f.db_size.value_or(0);
  std::string repair;  // as the repair script holds it, and the html report shows it
  if (IsProblem(f.kind)) {
    ++problems_;
    repair = PrintableLines(f.repair.empty() ? RepairComment(f) : f.repair);
    if (!repair.empty()) std::fputs((repair + "\n").c_str(), repair_.get());
  }
  if (f.kind == FindingKind::kOk && !show_ok_) return;
  std::fputs(FormatFinding(format_, f, repair).c_str(), SpoolOf(f.kind));
}

std::FILE* Report::SpoolOf(FindingKind kind) const {
  if (IsSyncPrediction(kind)) return sync_.get();
  return kind == FindingKind::kPlaceholderBroken ? urgent_.get() : rest_.get();
}

Status Report::CopySpool(std::FILE* spool, std::ostream& out) {
  if (std::fflush(spool) != 0 || std::fseek(spool, 0, SEEK_SET) != 0) {
    return Status(ErrorCode::kIo, "cannot read back the report's temporary file");
  }
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, spool)) > 0) {
    out.write(buffer, static_cast<std::streamsize>(n));
  }
  if (std::ferror(spool)) return Status(ErrorCode::kIo, "cannot read the report's temporary file");
  return Status::Ok();
}

Status Report::CopySpoolLines(std::FILE* spool, std::ostream& out, const std::string& start) {
  if (std::fflush(spool) != 0 || std::fseek(spool, 0, SEEK_SET) != 0) {
    return Status(ErrorCode::kIo, "cannot read back the report's temporary file");
  }
  char* line = nullptr;  // getline's buffer, grown as needed
  size_t capacity = 0;
  for (ssize_t n; (n = getline(&line, &capacity, spool)) > 0;) {
    const std::string_view text(line, static_cast<size_t>(n));
    if (text.starts_with(start)) out << text;
  }
  std::free(line);
  if (std::ferror(spool)) return Status(ErrorCode::kIo, "cannot read the report's temporary file");
  return Status::Ok();
}

Status Report::WriteHtml(std::ostream& out, const std::vector<StoreSummary>& stores,
                         const std::vector<RetireVerdict>& verdicts) {
  HtmlHeader header{.database = database_, .started = started_, .problems = problems_};
  for (const auto& [store, kinds] : tallies_) {
    for (const auto& [kind, tally] : kinds) {
      (kind == FindingKind::kOk && !show_ok_ ? header.ok_hidden : header.rows) += tally.count;
    }
  }
  WriteHtmlHead(out, header, stores, tallies_, verdicts);
  for (FindingKind kind : kAllFindingKinds) {
    CSM_RETURN_IF_ERROR(CopySpoolLines(SpoolOf(kind), out, HtmlRowStart(kind)));
  }
  WriteHtmlTail(out, header);
  out.flush();
  if (!out) return Status(ErrorCode::kIo, "cannot write the report");
  return Status::Ok();
}

Status Report::Write(std::ostream& out, const std::vector<StoreSummary>& stores,
                     const std::vector<RetireVerdict>& verdicts) {
  if (format_ == ReportFormat::kHtml) return WriteHtml(out, stores, verdicts);
  // Which csmigrate wrote the report, and when.
  const std::string made_by = "csmigrate " + Version() + " reconcile at " + UtcIso8601(started_);
  if (format_ == ReportFormat::kCsv) {
    std::array<std::string, kCsvColumns.size()> header;
    for (size_t i = 0; i < header.size(); ++i) header[i] = kCsvColumns[i];
    out << CsvLine(header);
    out << CsvLine({"report", "", "", "", "", "", "", "", "", "", "", "", "", "", made_by});
  }
  if (format_ == ReportFormat::kJsonLines) {
    nlohmann::ordered_json j;
    j["record"] = "report";
    j["csmigrate_version"] = Version();
    j["started_at"] = UtcIso8601(started_);
    out << JsonLine(j);
  }
  if (format_ == ReportFormat::kTable) {
    out << made_by << "\n";
    // A clean reconcile has no findings section at all.
    const bool any =
        std::ftell(sync_.get()) > 0 || std::ftell(urgent_.get()) > 0 || std::ftell(rest_.get()) > 0;
    out << (any ? "\nFindings (data-loss risks first)\n" : "\nNo findings.\n");
  }
  CSM_RETURN_IF_ERROR(CopySpool(sync_.get(), out));
  CSM_RETURN_IF_ERROR(CopySpool(urgent_.get(), out));
  CSM_RETURN_IF_ERROR(CopySpool(rest_.get(), out));

  std::map<int64_t, const ImageStoreRow*> by_id;
  for (const auto& s : stores) by_id[s.store.id] = &s.store;
  if (format_ == ReportFormat::kTable) out << "\nSummary per store\n";
  for (const auto& s : stores) {
    const auto& tally = tallies_[s.store.id];
    if (format_ == ReportFormat::kTable) {
      out << "  " << StoreLabel(s.store) << ": ";
      if (s.listed) {
        out << s.objects_listed << " objects listed\n";
      } else {
        out << "not listed (" << PrintableText(s.note) << ")\n";
      }
      for (FindingKind kind : kAllFindingKinds) {
        const auto it = tally.find(kind);
        if (it == tally.end()) continue;
        out << "      " << KindSymbol(kind) << ' ' << KindName(kind) << ": " << it->second.count
            << " (" << HumanBytes(static_cast<double>(it->second.bytes)) << ")\n";
      }
    } else if (format_ == ReportFormat::kJsonLines) {
      nlohmann::ordered_json j;
      j["record"] = "store";
      j["store_id"] = s.store.id;
      j["name"] = s.store.name;
      j["provider"] = s.store.provider;
      j["role"] = s.store.role;
      j["listed"] = s.listed;
      j["objects_listed"] = s.objects_listed;
      j["note"] = s.note;
      auto& counts = j["counts"] = nlohmann::ordered_json::object();
      for (FindingKind kind : kAllFindingKinds) {
        const auto it = tally.find(kind);
        const Tally t = it == tally.end() ? Tally{} : it->second;
        counts[std::string(KindName(kind))] = {{"count", t.count}, {"bytes", t.bytes}};
      }
      out << JsonLine(j);
    } else {
      for (FindingKind kind : kAllFindingKinds) {
        const auto it = tally.find(kind);
        const Tally t = it == tally.end() ? Tally{} : it->second;
        out << CsvLine({"summary", std::string(1, KindSymbol(kind)), std::string(KindName(kind)),
                        std::to_string(s.store.id), "", "", "", "", "", "", "", "",
                        std::to_string(t.count), std::to_string(t.bytes),
                        s.listed ? "" : "not listed: " + s.note});
      }
    }
  }

  if (format_ == ReportFormat::kTable && !verdicts.empty()) out << "\nStaging stores\n";
  for (const auto& v : verdicts) {
    const std::string text = VerdictText(v);
    if (format_ == ReportFormat::kTable) {
      const auto it = by_id.find(v.store_id);
      out << "  " << (it != by_id.end() ? StoreLabel(*it->second) : std::to_string(v.store_id))
          << ": " << text << "\n";
    } else if (format_ == ReportFormat::kJsonLines) {
      nlohmann::ordered_json j;
      j["record"] = "retire_verdict";
      j["store_id"] = v.store_id;
      j["retirable"] = v.retirable();
      j["held_by"] = v.held_by;
      j["system_templates"] = v.system_templates;
      j["detail"] = text;
      out << JsonLine(j);
    } else {
      int64_t rows = 0;
      for (const auto& entry : v.held_by) rows += entry.second;
      out << CsvLine({"retire_verdict", "", v.retirable() ? "retirable" : "held",
                      std::to_string(v.store_id), "", "", "", "", "", "", "", "",
                      std::to_string(rows), "", text});
    }
  }
  out.flush();
  if (!out) return Status(ErrorCode::kIo, "cannot write the report");
  return Status::Ok();
}

Status Report::WriteRepairSql(std::ostream& out, const std::string& dialect) {
  out << "-- csmigrate " << Version() << " reconcile at " << UtcIso8601(started_)
      << ": repairs for review. csmigrate never runs this file.\n"
         "-- Statements are guarded by the values they were found with: one that matches no row\n"
         "-- means the row changed since. Lines starting with -- need a person's decision.\n"
      << (dialect == "mysql" ? "START TRANSACTION;\n" : "BEGIN;\n");
  CSM_RETURN_IF_ERROR(CopySpool(repair_.get(), out));
  out << "COMMIT;\n";
  out.flush();
  if (!out) return Status(ErrorCode::kIo, "cannot write the repair script");
  return Status::Ok();
}

}  // namespace csm::reconcile
