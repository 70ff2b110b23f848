// The repair script reconcile writes stays what it says it is, whatever the names and keys in its
// findings hold: a newline in a value cannot start a statement, no control character or byte
// that is not UTF-8 reaches the file; the html report's repair blocks show the same lines.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "reconcile/report.h"

namespace csm::reconcile {
namespace {

TEST(RepairSqlText, AValueCannotBreakOutOfItsComment) {
  auto report = Report::Create(ReportFormat::kTable, false);
  ASSERT_TRUE(report.ok()) << report.status().message();
  Finding f;
  f.kind = FindingKind::kStateMismatch;
  f.store_id = 1;
  f.table = "template_store_ref";
  f.row_id = 7;
  // As row_checks builds it, with a download_state an attacker wrote.
  f.repair =
      "-- review: download_state X\nDELETE FROM vm_template;\x1B[2J\xFF implies state Ready;\n"
      "-- UPDATE template_store_ref SET state = 'Ready' WHERE id = 7;";
  (*report)->Add(f);
  Finding pin = f;
  pin.kind = FindingKind::kPinAnomaly;
  pin.repair = "UPDATE template_store_ref SET ref_cnt = 0 WHERE id = 8 AND ref_cnt = 1;";
  (*report)->Add(pin);
  std::ostringstream out;
  ASSERT_TRUE((*report)->WriteRepairSql(out, "sqlite").ok());
  const std::string script = out.str();
  EXPECT_NE(script.find("-- review: download_state X\\nDELETE FROM vm_template;\\x1b[2J\\xff "
                        "implies state Ready;\n-- UPDATE template_store_ref SET state = 'Ready' "
                        "WHERE id = 7;\n"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("\nUPDATE template_store_ref SET ref_cnt = 0 WHERE id = 8"),
            std::string::npos)
      << script;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(line.starts_with("DELETE")) << script;
  }
}

// The <pre> blocks of `html`, their text unescaped (&#10; a line break, as a browser shows it).
std::vector<std::string> PreBlocks(const std::string& html) {
  std::vector<std::string> blocks;
  for (size_t at = html.find("<pre>"); at != std::string::npos; at = html.find("<pre>", at + 1)) {
    std::string block = html.substr(at + 5, html.find("</pre>", at) - at - 5);
    for (size_t nl; (nl = block.find("&#10;")) != std::string::npos;) block.replace(nl, 5, "\n");
    blocks.push_back(block);
  }
  return blocks;
}

TEST(RepairSqlText, TheHtmlReportShowsTheLinesOfTheScript) {
  // An orphan whose key hides a statement behind a newline: copied from the page, the second
  // line must still be a comment.
  Finding f;
  f.kind = FindingKind::kOrphan;
  f.store_id = 1;
  f.key = "template/x\nDELETE FROM vm_template; --";
  auto html = Report::Create(ReportFormat::kHtml, false);
  auto sql = Report::Create(ReportFormat::kTable, false);
  ASSERT_TRUE(html.ok() && sql.ok());
  (*html)->Add(f);
  (*sql)->Add(f);
  std::ostringstream page, script;
  ASSERT_TRUE((*html)->Write(page, {}, {}).ok());
  ASSERT_TRUE((*sql)->WriteRepairSql(script, "sqlite").ok());
  const std::vector<std::string> blocks = PreBlocks(page.str());
  ASSERT_EQ(blocks.size(), 1u) << page.str();
  EXPECT_EQ(blocks[0],
            "-- orphan: template/x\\nDELETE FROM vm_template; -- on store 1 is claimed by no row; "
            "no SQL fixes that: remove the object or register it.")
      << page.str();
  EXPECT_NE(script.str().find("\n" + blocks[0] + "\n"), std::string::npos) << script.str();
  std::istringstream lines(blocks[0]);
  for (std::string line; std::getline(lines, line);) EXPECT_TRUE(line.starts_with("--")) << line;
}

}  // namespace
}  // namespace csm::reconcile
