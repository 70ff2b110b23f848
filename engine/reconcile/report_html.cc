#include "reconcile/report_html.h"

#include <algorithm>
#include <ctime>

#include "common/human_bytes.h"
#include "common/utc_time.h"
#include "common/version.h"
#include "reconcile/html_text.h"

namespace csm::reconcile {
namespace {

// The colour of a kind's bar and symbol: reds for data-loss risks, grey for the expected state,
// green for ok.
const char* KindColour(FindingKind kind) {
  switch (kind) {
    case FindingKind::kSyncRemove:
      return "#7f0000";
    case FindingKind::kSyncRepoint:
      return "#a31515";
    case FindingKind::kSyncDelete:
      return "#c62828";
    case FindingKind::kPlaceholderBroken:
      return "#d81b60";
    case FindingKind::kMissing:
      return "#e53935";
    case FindingKind::kSizeMismatch:
      return "#ef6c00";
    case FindingKind::kOrphan:
      return "#b8860b";
    case FindingKind::kIncomplete:
      return "#8e24aa";
    case FindingKind::kPinAnomaly:
      return "#5e35b1";
    case FindingKind::kStateMismatch:
      return "#3949ab";
    case FindingKind::kPlaceholderPending:
      return "#78909c";
    case FindingKind::kOk:
      return "#2e7d32";
  }
  return "#000000";
}

// The kind's symbol and name, escaped: "! placeholder_broken".
std::string KindLabel(FindingKind kind) {
  return HtmlEscape(std::string(1, KindSymbol(kind))) + " " + std::string(KindName(kind));
}

std::string Rank(FindingKind kind) {
  const auto it = std::find(kAllFindingKinds.begin(), kAllFindingKinds.end(), kind);
  return std::to_string(it - kAllFindingKinds.begin());
}

std::string SizeCell(const std::optional<int64_t>& size) {
  if (!size) return "<td class=\"num\" data-sort=\"-1\"></td>";
  std::string cell = "<td class=\"num\" data-sort=\"" + std::to_string(*size) + "\">" +
                     std::to_string(*size) + " B";
  if (*size >= 1024)
    cell += "<small>" + HtmlEscape(HumanBytes(static_cast<double>(*size))) + "</small>";
  return cell + "</td>";
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; color: var(--fg); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
code, pre, svg text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
code, pre { font-size: 12.5px; }
.outcome { display: inline-block; padding: 4px 10px; border-radius: 4px; font-weight: 600; }
.outcome.problems { background: #ffebe9; color: #82071e; }
.outcome.clean { background: #dafbe1; color: #116329; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
dl.meta dt { font-weight: 600; color: var(--muted); }
dl.meta dd { margin: 0; }
dl.meta ul { margin: 0; padding-left: 18px; }
figure { margin: 0 0 18px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg text { font-size: 12px; fill: var(--fg); }
p.none { color: var(--muted); margin: 0 0 18px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid #0969da; }
th[aria-sort=ascending] button::after { content: " \25B2"; }
th[aria-sort=descending] button::after { content: " \25BC"; }
td.num { text-align: right; white-space: nowrap; }
td.num small { display: block; color: var(--muted); }
td.key { min-width: 16em; }
td.key code { word-break: break-all; }
td.kind { white-space: nowrap; }
.sym { display: inline-block; width: 1.5em; border-radius: 3px; color: #fff;
  text-align: center; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; }
summary { white-space: nowrap; cursor: pointer; }
details pre { white-space: pre-wrap; margin: 4px 0 0; }
tr.held td:last-child { color: #82071e; }
tr.retirable td:last-child { color: #116329; }
p.clean { font-size: 15px; padding: 10px 14px; border-radius: 4px; background: #dafbe1; color: #116329; }
@media print { thead th { position: static; } }
)css";

// Sorts the findings table by the column whose heading is clicked (again: the other way), by
// each cell's data-sort number where it has one, else by its text; ties keep the written order.
constexpr const char* kScript = R"js(
"use strict";
(() => {
  const table = document.getElementById("findings");
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const heads = Array.from(table.tHead.rows[0].cells);
  const key = (row, column) => {
    const sort = row.cells[column].dataset.sort;
    return sort === undefined ? row.cells[column].textContent : Number(sort);
  };
  heads.forEach((head, column) => {
    head.querySelector("button").addEventListener("click", () => {
      const ascending = head.getAttribute("aria-sort") !== "ascending";
      heads.forEach((other) => other.removeAttribute("aria-sort"));
      head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const keyed = rows.map((row, index) => ({ row, index, key: key(row, column) }));
      keyed.sort((a, b) => {
        const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return (ascending ? order : -order) || a.index - b.index;
      });
      const sorted = document.createDocumentFragment();
      for (const entry of keyed) sorted.appendChild(entry.row);
      body.appendChild(sorted);
    });
  });
})();
)js";

constexpr std::array<const char*, 11> kColumns = {
    "Kind",    "Store",      "Table", "Row",    "Object",         "Key",
    "DB size", "Store size", "State", "Detail", "Action / repair"};

// Chart geometry, in pixels: a label column, then bars up to kBarSpan long, then their values.
constexpr int kChartWidth = 760;
constexpr int kBarX = 200;
constexpr int kBarSpan = 380;
constexpr int kRowHeight = 24;
constexpr int kBarHeight = 18;

// One store's totals per kind as an SVG bar chart, bars scaled to `largest` (> 0).
void WriteChart(std::ostream& out, int64_t store_id, const std::map<FindingKind, Tally>& tally,
                int64_t largest) {
  const int height = static_cast<int>(tally.size()) * kRowHeight;
  out << "<svg class=\"chart\" width=\"" << kChartWidth << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << kChartWidth << ' ' << height
      << "\" role=\"img\" aria-label=\"findings per kind on store " << store_id << "\">\n";
  int y = 0;
  for (FindingKind kind : kAllFindingKinds) {
    const auto it = tally.find(kind);
    if (it == tally.end()) continue;
    const Tally& t = it->second;
    const int width =
        std::max<int>(2, static_cast<int>(static_cast<double>(t.count) * kBarSpan / largest));
    const std::string value =
        std::to_string(t.count) + " (" + HumanBytes(static_cast<double>(t.bytes)) + ")";
    out << "<text x=\"0\" y=\"" << y + 14 << "\">" << KindLabel(kind) << "</text>"
        << "<rect class=\"bar\" data-kind=\"" << KindName(kind) << "\" data-count=\"" << t.count
        << "\" x=\"" << kBarX << "\" y=\"" << y + (kRowHeight - kBarHeight) / 2 << "\" width=\""
        << width << "\" height=\"" << kBarHeight << "\" fill=\"" << KindColour(kind) << "\"><title>"
        << KindName(kind) << ": " << HtmlEscape(value) << "</title></rect>"
        << "<text x=\"" << kBarX + width + 8 << "\" y=\"" << y + 14 << "\">" << HtmlEscape(value)
        << "</text>\n";
    y += kRowHeight;
  }
  out << "</svg>\n";
}

std::string ListedText(const StoreSummary& s) {
  return s.listed ? std::to_string(s.objects_listed) + " objects listed"
                  : "not listed (" + s.note + ")";
}

}  // namespace

std::string HtmlRowStart(FindingKind kind) {
  return "<tr class=\"k-" + std::string(KindName(kind)) + "\">";
}

std::string HtmlFindingRow(const Finding& f, const std::string& repair) {
  std::string row = HtmlRowStart(f.kind);
  row += "<td class=\"kind\" data-sort=\"" + Rank(f.kind) +
         "\"><span class=\"sym\" style=\"background:" + KindColour(f.kind) + "\">" +
         HtmlEscape(std::string(1, KindSymbol(f.kind))) + "</span> " +
         std::string(KindName(f.kind)) + "</td>";
  row += "<td class=\"num\" data-sort=\"" + std::to_string(f.store_id) + "\">" +
         std::to_string(f.store_id) + "</td>";
  row += "<td>" + HtmlEscape(f.table) + "</td>";
  row += "<td class=\"num\" data-sort=\"" + std::to_string(f.row_id) + "\">" +
         (f.row_id == 0 ? std::string() : "#" + std::to_string(f.row_id)) + "</td>";
  const std::string_view object_type = ObjectTypeOf(f.table);
  row += "<td data-sort=\"" + std::to_string(f.object_id) + "\">";
  if (f.object_id != 0) {
    row += HtmlEscape(object_type.empty() ? std::string("object") : std::string(object_type)) +
           " " + std::to_string(f.object_id);
  }
  row += "</td>";
  row += "<td class=\"key\"><code>" + HtmlEscape(f.key) + "</code></td>";
  row += SizeCell(f.db_size) + SizeCell(f.store_size);
  row += "<td>" + HtmlEscape(f.state) + "</td>";
  row += "<td>" + HtmlEscape(f.detail) + "</td>";
  row += "<td>";
  if (!f.action.empty()) row += "<code>" + HtmlEscape(f.action) + "</code>";
  if (!repair.empty()) {
    row += "<details><summary>repair SQL</summary><pre>" + HtmlEscape(repair) + "</pre></details>";
  }
  return row + "</td></tr>\n";
}

void WriteHtmlHead(std::ostream& out, const HtmlHeader& header,
                   const std::vector<StoreSummary>& stores,
                   const std::map<int64_t, std::map<FindingKind, Tally>>& tallies,
                   const std::vector<cloudstack::RetireVerdict>& verdicts) {
  const std::string time = UtcIso8601(header.started);
  const std::string database = HtmlEscape(header.database);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>csmigrate reconcile: "
      << database << ", " << time << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<header>\n<h1>csmigrate reconcile</h1>\n";
  if (header.problems > 0) {
    out << "<p class=\"outcome problems\">" << header.problems
        << " problems found (exit status 1)</p>\n";
  } else {
    out << "<p class=\"outcome clean\">Clean: no problem found (exit status 0)</p>\n";
  }
  out << "<dl class=\"meta\">\n<dt>Database</dt><dd><code id=\"database\">" << database
      << "</code></dd>\n<dt>Stores</dt><dd><ul id=\"stores\">\n";
  for (const auto& s : stores) {
    out << "<li>" << HtmlEscape(StoreLabel(s.store) + ": " + ListedText(s)) << "</li>\n";
  }
  out << "</ul></dd>\n<dt>Time</dt><dd><time id=\"time\" datetime=\"" << time << "\">" << time
      << "</time></dd>\n<dt>csmigrate</dt><dd id=\"version\">" << HtmlEscape(Version())
      << "</dd>\n</dl>\n</header>\n<main>\n";

  out << "<section id=\"totals\">\n<h2>Findings per store</h2>\n";
  int64_t largest = 1;
  for (const auto& [store, kinds] : tallies) {
    for (const auto& [kind, t] : kinds) largest = std::max(largest, t.count);
  }
  for (const auto& s : stores) {
    out << "<figure data-store=\"" << s.store.id << "\">\n<figcaption>"
        << HtmlEscape(StoreLabel(s.store) + ": " + ListedText(s)) << "</figcaption>\n";
    const auto it = tallies.find(s.store.id);
    if (it == tallies.end() || it->second.empty()) {
      out << "<p class=\"none\">No findings.</p>\n";
    } else {
      WriteChart(out, s.store.id, it->second, largest);
    }
    out << "</figure>\n";
  }
  out << "</section>\n<section id=\"verdicts\">\n<h2>Staging stores</h2>\n";
  if (verdicts.empty()) {
    out << "<p class=\"none\">No staging store was examined.</p>\n";
  } else {
    out << "<table>\n<thead><tr><th scope=\"col\">Store</th><th scope=\"col\">Retire verdict</th>"
           "</tr></thead>\n<tbody>\n";
    for (const auto& v : verdicts) {
      const auto store = std::find_if(stores.begin(), stores.end(), [&](const StoreSummary& s) {
        return s.store.id == v.store_id;
      });
      const std::string label =
          store != stores.end() ? StoreLabel(store->store) : "store " + std::to_string(v.store_id);
      out << "<tr class=\"" << (v.retirable() ? "retirable" : "held") << "\"><td>"
          << HtmlEscape(label) << "</td><td>" << HtmlEscape(VerdictText(v)) << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
  }
  out << "</section>\n<section id=\"findings-section\">\n<h2>Findings</h2>\n";
  if (header.rows == 0) {
    out << "<p class=\"clean\" id=\"clean\">No findings: every claim examined matched its store";
    if (header.ok_hidden > 0) {
      out << " (" << header.ok_hidden << " objects ok; --show-ok lists them)";
    }
    out << ".</p>\n";
    return;
  }
  out << "<p>Data-loss risks first. Click a column heading to sort by it.</p>\n"
         "<table id=\"findings\">\n<thead><tr>";
  // The rows come in kind order: the Kind column is the one they are sorted by.
  for (size_t i = 0; i < kColumns.size(); ++i) {
    out << "<th scope=\"col\"" << (i == 0 ? " aria-sort=\"ascending\"" : "")
        << "><button type=\"button\">" << kColumns[i] << "</button></th>";
  }
  out << "</tr></thead>\n<tbody>\n";
}

void WriteHtmlTail(std::ostream& out, const HtmlHeader& header) {
  if (header.rows > 0) out << "</tbody>\n</table>\n";
  out << "</section>\n</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace csm::reconcile
