// The reconcile report: findings as they come, spooled to temporary files (memory stays bounded
// however many there are) so that the final report can show data-loss risks first, then every
// other finding, then a summary per store and the retire verdicts. Three formats: a readable
// table, JSON Lines and CSV.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "catalog/image_stores.h"
#include "catalog/retire_verdict.h"
#include "common/result.h"
#include "reconcile/finding.h"

namespace csm::reconcile {

enum class ReportFormat { kTable, kJsonLines, kCsv };

// "table", "jsonl" or "csv"; kInvalidArgument for anything else.
Result<ReportFormat> ParseReportFormat(const std::string& text);

struct Tally {
  int64_t count = 0;
  int64_t bytes = 0;
};

// One store as the summary shows it.
struct StoreSummary {
  catalog::ImageStoreRow store;
  bool listed = false;  // its listing completed and was merged with its claims
  int64_t objects_listed = 0;
  std::string note;  // why it was not listed, or "" when it was
};

class Report {
 public:
  // A report in `format`; ok findings are written only when `show_ok` (they are always counted).
  // kIo when no temporary file can be made.
  static Result<std::unique_ptr<Report>> Create(ReportFormat format, bool show_ok);

  // Counts `finding` for its store and writes it to the spool of its rank.
  void Add(const Finding& finding);

  // Whether any finding so far is a problem (exit status 1).
  bool has_problems() const { return problems_ > 0; }

  // Writes the whole report to `out`: the findings (what CloudStack's next template sync would
  // do first, then broken placeholders, then the rest), then the summary
  // of `stores` and `verdicts`. kIo when a spool cannot be read back or `out` fails.
  Status Write(std::ostream& out, const std::vector<StoreSummary>& stores,
               const std::vector<catalog::RetireVerdict>& verdicts);

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

  ReportFormat format_;
  bool show_ok_;
  Spool sync_;    // sync_remove, sync_repoint, sync_delete: shown first
  Spool urgent_;  // placeholder_broken: shown next
  Spool rest_;
  Spool repair_;
  int64_t problems_ = 0;
  std::map<int64_t, std::map<FindingKind, Tally>> tallies_;
};

}  // namespace csm::reconcile
