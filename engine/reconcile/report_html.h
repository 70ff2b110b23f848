// The reconcile report as one HTML page (--format html) that an admin can attach to a ticket.
// Self-contained: inline CSS, a small inline script that sorts the findings table, and the totals
// drawn here as inline SVG, so the page shows without script and loads nothing from anywhere.
// Every text from the database, a listing or a file name goes through HtmlEscape (html_text.h).
// Report (report.h) spools one row per finding and writes the page as WriteHtmlHead, the rows
// in kind order (data-loss risks first), WriteHtmlTail.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cloudstack/retire_verdict.h"
#include "reconcile/finding.h"
#include "reconcile/report.h"

namespace csm::reconcile {

// What the page says besides the stores, their totals and the verdicts.
struct HtmlHeader {
  std::string database;  // where the findings come from, as Connection::Describe names it
  std::chrono::system_clock::time_point started;  // when the reconcile started
  int64_t rows = 0;       // finding rows written between WriteHtmlHead and WriteHtmlTail
  int64_t problems = 0;   // findings that are problems (exit status 1)
  int64_t ok_hidden = 0;  // ok findings counted but not listed (no --show-ok)
};

// `finding` as one table row, on one line ending in a newline: the kind's symbol and name, store,
// table, row, object, key, sizes, state, detail, then its action and `repair` (the lines a repair
// script holds for it, or ""). Starts with HtmlRowStart(finding.kind).
std::string HtmlFindingRow(const Finding& finding, const std::string& repair);

// The text every row of `kind` starts with, and no row of another kind does.
std::string HtmlRowStart(FindingKind kind);

// Writes the page up to the findings' rows: the head, the header (database, stores, the UTC
// time, csmigrate's version, the outcome), a bar chart of each store's `tallies` per kind, the
// retire `verdicts`, and the start of the findings table, or instead of it, when `header.rows`
// is 0, a sentence saying the reconcile found nothing. Errors are left in `out`'s state.
void WriteHtmlHead(std::ostream& out, const HtmlHeader& header,
                   const std::vector<StoreSummary>& stores,
                   const std::map<int64_t, std::map<FindingKind, Tally>>& tallies,
                   const std::vector<cloudstack::RetireVerdict>& verdicts);

// Writes the rest of the page after the rows: the end of the table (when `header.rows` is not 0),
// the sorting script, the end of the document. Errors are left in `out`'s state.
void WriteHtmlTail(std::ostream& out, const HtmlHeader& header);

}  // namespace csm::reconcile
