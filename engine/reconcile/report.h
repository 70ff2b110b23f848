// The reconcile report: findings as they come, spooled to temporary files (memory stays bounded
// however many there are) so that the final report can show data-loss risks first, then every
// other finding, then a summary per store and the retire verdicts. Four formats: a readable
// table, JSON Lines, CSV and one HTML page (report_html.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cloudstack/image_stores.h"
#include "cloudstack/retire_verdict.h"
#include "common/result.h"
#include "reconcile/finding.h"

namespace csm::reconcile {

enum class ReportFormat { kTable, kJsonLines, kCsv, kHtml };

// "table", "jsonl", "csv" or "html"; kInvalidArgument for anything else.
Result<ReportFormat> ParseReportFormat(const std::string& text);

struct Tally {
  int64_t count = 0;
  int64_t bytes = 0;
};

// One store as the summary shows it.
struct StoreSummary {
  cloudstack::ImageStoreRow store;
  bool listed = false;  // its listing completed and was merged with its claims
  int64_t objects_listed = 0;
  std::string note;  // why it was not listed, or "" when it was
};

// The store as the table report names it: "store 1 nfs1 (NFS, ImageCache, zone 1)", its name,
// provider and role as PrintableText.
std::string StoreLabel(const cloudstack::ImageStoreRow& store);

// The retire verdict as reports say it: "can be retired now: ..." or "cannot be retired yet: held
// by ...".
std::string VerdictText(const cloudstack::RetireVerdict& verdict);

class Report {
 public:
  // A report in `format`, of a reconcile starting now; ok findings are written only when
  // `show_ok` (they are always counted). kIo when no temporary file can be made.
  static Result<std::unique_ptr<Report>> Create(ReportFormat format, bool show_ok);

  // Names the database the findings come from, as the html page's header shows it: a
  // Connection::Describe(), which holds no secret.
  void set_database(std::string database) { database_ = std::move(database); }

  // Counts `finding` for its store and writes it to the spool of its rank.
  void Add(const Finding& finding);

  // Whether any finding so far is a problem (exit status 1).
  bool has_problems() const { return problems_ > 0; }

  // Writes the whole report to `out`: the findings (what CloudStack's next template sync would
  // do first, then broken placeholders, then the rest; html: in kind order), then the summary
  // of `stores` and `verdicts`. kIo when a spool cannot be read back or `out` fails.
  Status Write(std::ostream& out, const std::vector<StoreSummary>& stores,
               const std::vector<cloudstack::RetireVerdict>& verdicts);

  // Writes the repair script for the problems found to `out`, for `dialect` ("sqlite", "mysql",
  // "postgresql"): guarded statements where a fix is mechanical, comments where a person must
  // decide; one transaction. Never run by csmigrate.
  Status WriteRepairSql(std::ostream& out, const std::string& dialect);

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  using Spool = std::unique_ptr<std::FILE, FileCloser>;

  Report(ReportFormat format, bool show_ok, Spool sync, Spool urgent, Spool rest, Spool repair);
  static Status CopySpool(std::FILE* spool, std::ostream& out);
  // Copies the lines of `spool` that start with `start` to `out`.
  static Status CopySpoolLines(std::FILE* spool, std::ostream& out, const std::string& start);
  // The spool findings of `kind` are written to.
  std::FILE* SpoolOf(FindingKind kind) const;
  Status WriteHtml(std::ostream& out, const std::vector<StoreSummary>& stores,
                   const std::vector<cloudstack::RetireVerdict>& verdicts);

  ReportFormat format_;
  bool show_ok_;
  Spool sync_;    // sync_remove, sync_repoint, sync_delete: shown first
  Spool urgent_;  // placeholder_broken: shown next
  Spool rest_;
  Spool repair_;
  int64_t problems_ = 0;
  std::map<int64_t, std::map<FindingKind, Tally>> tallies_;
  std::string database_;
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

}  // namespace csm::reconcile
