// `reconcile --format html`: the page Report writes. A row per finding, in kind order (data-loss
// risks first) whatever order they came in; the header's database, stores, UTC time and version;
// a bar per kind in each store's chart; the retire verdicts; hostile text from the database and
// the listings inert and the page valid UTF-8; a clean reconcile saying so instead of a table.
#include <gtest/gtest.h>

#include <ctime>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "reconcile/finding.h"
#include "reconcile/report.h"

namespace csm::reconcile {
namespace {

// `time` in UTC, ISO 8601 with Z, as the page should show it.
std::string Iso8601(std::time_t time) {
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Whether `text` is well-formed UTF-8 with no control character but tab and newline.
bool CleanUtf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) return false;
    if (c < 0x20 && c != '\t' && c != '\n') return false;
    if (c == 0x7F) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

Finding MakeFinding(FindingKind kind, const std::string& key) {
  Finding f;
  f.kind = kind;
  f.store_id = 1;
  f.table = "template_store_ref";
  f.row_id = 7;
  f.object_id = 201;
  f.key = key;
  f.db_size = 523763712;
  f.store_size = 1000;
  f.state = "Ready";
  f.detail = "what " + std::string(KindName(kind)) + " means";
  return f;
}

StoreSummary Store(int64_t id, const std::string& name, const std::string& role, bool listed) {
  StoreSummary s;
  s.store.id = id;
  s.store.name = name;
  s.store.provider = role == "ImageCache" ? "NFS" : "S3";
  s.store.role = role;
  if (role == "ImageCache") s.store.data_center_id = 1;
  s.listed = listed;
  s.objects_listed = listed ? 4 : 0;
  s.note = listed ? "" : "an NFS store: give --nfs-root 2=PATH to list it";
  return s;
}

std::string Write(Report& report, const std::vector<StoreSummary>& stores,
                  const std::vector<cloudstack::RetireVerdict>& verdicts) {
  std::ostringstream out;
  const Status written = report.Write(out, stores, verdicts);
  EXPECT_TRUE(written.ok()) << written.message();
  return out.str();
}

std::unique_ptr<Report> HtmlReport(bool show_ok) {
  auto report = Report::Create(ReportFormat::kHtml, show_ok);
  EXPECT_TRUE(report.ok()) << report.status().message();
  (*report)->set_database("sqlite:/var/lib/cloud.db");
  return std::move(*report);
}

TEST(ReportHtml, TheFormatIsNamedHtml) {
  auto format = ParseReportFormat("html");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, ReportFormat::kHtml);
  EXPECT_EQ(ParseReportFormat("xml").status().message(),
            "--format xml: expected table, jsonl, csv or html");
}

TEST(ReportHtml, EveryKindIsARowInKindOrderWithABarInItsStoresChart) {
  auto report = HtmlReport(/*show_ok=*/true);
  // Added last kind first: the page still lists data-loss risks first.
  for (auto kind = kAllFindingKinds.rbegin(); kind != kAllFindingKinds.rend(); ++kind) {
    Finding f =
        MakeFinding(*kind, "template/tmpl/2/201/" + std::string(KindName(*kind)) + ".qcow2");
    if (*kind == FindingKind::kSyncRemove) f.action = "csmigrate push template 201";
    report->Add(f);
  }
  report->Add(MakeFinding(FindingKind::kMissing, "template/tmpl/2/201/second.qcow2"));
  EXPECT_TRUE(report->has_problems());
  cloudstack::RetireVerdict held;
  held.store_id = 1;
  held.held_by["template_store_ref"] = 2;
  const std::string page = Write(
      *report, {Store(1, "nfs1", "ImageCache", true), Store(2, "s3", "Image", false)}, {held});

  size_t previous = 0;
  for (FindingKind kind : kAllFindingKinds) {
    const std::string row = "<tr class=\"k-" + std::string(KindName(kind)) + "\">";
    EXPECT_EQ(Count(page, row), kind == FindingKind::kMissing ? 2u : 1u) << KindName(kind);
    const size_t at = page.find(row);
    ASSERT_NE(at, std::string::npos) << KindName(kind);
    EXPECT_GT(at, previous) << KindName(kind) << " comes after the kinds before it";
    previous = at;
    // The row names the kind by symbol and name, and holds the finding's fields.
    const std::string line = page.substr(at, page.find('\n', at) - at);
    const std::string symbol = KindSymbol(kind) == '>' ? "&gt;" : std::string(1, KindSymbol(kind));
    EXPECT_NE(line.find("\">" + symbol + "</span> " + std::string(KindName(kind)) + "</td>"),
              std::string::npos)
        << line;
    for (const std::string& field :
         {std::string(">template_store_ref<"), std::string(">#7<"), std::string(">template 201<"),
          "template/tmpl/2/201/" + std::string(KindName(kind)) + ".qcow2",
          std::string(">523763712 B<small>499.5 MiB</small>"), std::string(">1000 B<"),
          std::string(">Ready<"), "what " + std::string(KindName(kind)) + " means"}) {
      EXPECT_NE(line.find(field), std::string::npos) << field << " in " << line;
    }
    EXPECT_EQ(line.find("<details>") != std::string::npos,
              IsProblem(kind) && kind != FindingKind::kStateMismatch &&
                  kind != FindingKind::kPinAnomaly && !IsSyncPrediction(kind))
        << "repair lines for the problems that have them: " << line;
    // Store 1's chart has this kind's bar, with its count.
    EXPECT_NE(page.find("<rect class=\"bar\" data-kind=\"" + std::string(KindName(kind)) +
                        "\" data-count=\"" + (kind == FindingKind::kMissing ? "2" : "1") + "\""),
              std::string::npos)
        << KindName(kind);
  }
  EXPECT_NE(page.find("<code>csmigrate push template 201</code>"), std::string::npos);
  EXPECT_NE(page.find("-- missing: template_store_ref #7 claims template/tmpl/2/201/missing.qcow2"
                      " on store 1. CloudStack&#39;s own sync"),
            std::string::npos)
      << "the repair lines as --repair-sql writes them, on one line";
  EXPECT_NE(page.find("<figure data-store=\"2\">\n<figcaption>store 2 s3 (S3, Image, region): not "
                      "listed (an NFS store: give --nfs-root 2=PATH to list it)</figcaption>\n"
                      "<p class=\"none\">No findings.</p>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<tr class=\"held\"><td>store 1 nfs1 (NFS, ImageCache, zone 1)</td><td>"
                      "cannot be retired yet: held by 2 template_store_ref rows"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<p class=\"outcome problems\">11 problems found (exit status 1)</p>"),
            std::string::npos);
  EXPECT_EQ(page.find("id=\"clean\""), std::string::npos);
  // Nothing is loaded from anywhere.
  for (const char* reference : {"http:", "https:", "src=", "href=", "@import", "url("}) {
    EXPECT_EQ(page.find(reference), std::string::npos) << reference;
  }
}

TEST(ReportHtml, TheHeaderNamesTheDatabaseTheStoresTheTimeAndTheVersion) {
  const std::time_t before = std::time(nullptr);
  auto report = HtmlReport(/*show_ok=*/false);
  const std::time_t after = std::time(nullptr);
  const std::string page = Write(*report, {Store(1, "nfs1", "ImageCache", true)}, {});

  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 0),
            0u);
  EXPECT_TRUE(page.ends_with("</html>\n"));
  EXPECT_NE(page.find("<code id=\"database\">sqlite:/var/lib/cloud.db</code>"), std::string::npos);
  EXPECT_NE(page.find("<li>store 1 nfs1 (NFS, ImageCache, zone 1): 4 objects listed</li>"),
            std::string::npos);
  std::smatch time;
  ASSERT_TRUE(std::regex_search(
      page, time, std::regex("<time id=\"time\" datetime=\"([0-9T:-]+Z)\">([0-9T:-]+Z)</time>")))
      << page;
  EXPECT_EQ(time[1], time[2]);
  EXPECT_GE(time[1].str(), Iso8601(before));
  EXPECT_LE(time[1].str(), Iso8601(after));
  EXPECT_TRUE(std::regex_search(page, std::regex("<dd id=\"version\">[0-9]+\\.[0-9]+\\.[0-9]+")))
      << page;
  EXPECT_NE(page.find("<p class=\"none\">No staging store was examined.</p>"), std::string::npos);
}

TEST(ReportHtml, HostileTextFromTheDatabaseAndTheListingsIsInert) {
  auto report = Report::Create(ReportFormat::kHtml, false);
  ASSERT_TRUE(report.ok());
  (*report)->set_database("sqlite:/tmp/<b>db</b>&.db");
  Finding orphan = MakeFinding(FindingKind::kOrphan, "volumes/2/41/<script>alert(1)</script>");
  orphan.table.clear();
  orphan.row_id = 0;
  orphan.object_id = 0;
  orphan.state.clear();
  (*report)->Add(orphan);
  Finding quotes = MakeFinding(FindingKind::kMissing, "template/\"&'/x\" onmouseover=\"alert(1)");
  quotes.state = "</td></tr></table><img src=x onerror=alert(1)>";
  quotes.detail = "two\nlines";
  (*report)->Add(quotes);
  // Not UTF-8, an overlong '/', a control character, a NUL and a noncharacter.
  constexpr char kBadBytes[] = "volumes/2/41/bad\xFF\xFE\xC0\xAF-\x01-\0-\xEF\xB7\x90.raw";
  Finding bytes =
      MakeFinding(FindingKind::kSizeMismatch, std::string(kBadBytes, sizeof kBadBytes - 1));
  (*report)->Add(bytes);
  StoreSummary store = Store(1, "nfs<1>\"'&", "ImageCache", true);
  store.store.role = "Image<Cache>";
  const std::string page = Write(**report, {store}, {});

  EXPECT_TRUE(CleanUtf8(page)) << "the page stays UTF-8 whatever the key's bytes";
  EXPECT_EQ(Count(page, "<script"), 1u) << "only the page's own script";
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  EXPECT_EQ(page.find("onmouseover=\""), std::string::npos);
  EXPECT_NE(page.find("<code>volumes/2/41/&lt;script&gt;alert(1)&lt;/script&gt;</code>"),
            std::string::npos);
  EXPECT_NE(page.find("<code>template/&quot;&amp;&#39;/x&quot; onmouseover=&quot;alert(1)</code>"),
            std::string::npos);
  EXPECT_NE(page.find("<td>&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img src=x onerror=alert(1)&gt;"
                      "</td>"),
            std::string::npos);
  EXPECT_NE(page.find("two&#10;lines"), std::string::npos);
  EXPECT_NE(page.find("<code>volumes/2/41/bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD-"
                      "\xEF\xBF\xBD-\xEF\xBF\xBD-\xEF\xBF\xBD.raw</code>"),
            std::string::npos);
  EXPECT_NE(page.find("<code id=\"database\">sqlite:/tmp/&lt;b&gt;db&lt;/b&gt;&amp;.db</code>"),
            std::string::npos);
  EXPECT_NE(page.find("store 1 nfs&lt;1&gt;&quot;&#39;&amp; (NFS, Image&lt;Cache&gt;, zone 1)"),
            std::string::npos);
  // One line per finding row, so a newline in the data cannot split one.
  EXPECT_EQ(Count(page, "<tr class=\"k-"), 3u);
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("<tr class=\"k-")) {
      EXPECT_TRUE(line.ends_with("</td></tr>")) << line;
    }
  }
}

TEST(ReportHtml, ACleanReconcileSaysSoInsteadOfAnEmptyTable) {
  auto report = HtmlReport(/*show_ok=*/false);
  report->Add(MakeFinding(FindingKind::kOk, "template/tmpl/2/201/a.qcow2"));
  report->Add(MakeFinding(FindingKind::kOk, "template/tmpl/2/201/b.qcow2"));
  EXPECT_FALSE(report->has_problems());
  cloudstack::RetireVerdict free;
  free.store_id = 1;
  const std::string page = Write(*report, {Store(1, "nfs1", "ImageCache", true)}, {free});

  EXPECT_NE(page.find("<p class=\"outcome clean\">Clean: no problem found (exit status 0)</p>"),
            std::string::npos);
  EXPECT_NE(page.find("<p class=\"clean\" id=\"clean\">No findings: every claim examined matched "
                      "its store (2 objects ok; --show-ok lists them).</p>"),
            std::string::npos)
      << page;
  EXPECT_EQ(page.find("<table id=\"findings\""), std::string::npos);
  EXPECT_EQ(page.find("<tr class=\"k-"), std::string::npos);
  EXPECT_NE(page.find("data-kind=\"ok\" data-count=\"2\""), std::string::npos)
      << "the ok objects are still counted in the chart";
  EXPECT_NE(page.find("<tr class=\"retirable\"><td>store 1 nfs1 (NFS, ImageCache, zone 1)</td>"
                      "<td>can be retired now: no live row has ref_cnt &lt;&gt; 0</td></tr>"),
            std::string::npos);
  EXPECT_TRUE(page.ends_with("</script>\n</body>\n</html>\n"));
}

}  // namespace
}  // namespace csm::reconcile
