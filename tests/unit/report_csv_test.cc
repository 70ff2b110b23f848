// `reconcile --format csv`: a text cell from the database or a listing that a spreadsheet would
// read as a formula (=, +, -, @, tab, carriage return first) opens as text, with a ' in front;
// numbers, negative ones included, are left as they are.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "reconcile/report.h"

namespace csm::reconcile {
namespace {

TEST(ReportCsv, AFormulaInATextCellIsWrittenAsText) {
  auto report = Report::Create(ReportFormat::kCsv, false);
  ASSERT_TRUE(report.ok());
  Finding f;
  f.kind = FindingKind::kStateMismatch;
  f.store_id = 1;
  f.table = "template_store_ref";
  f.row_id = 7;
  f.object_id = 201;
  f.key = "@SUM(1+1)*cmd|' /C calc'!A0";
  f.state = "=HYPERLINK(\"http://evil/\",\"x\")";
  f.db_size = -5;
  f.detail = "-2+3";
  (*report)->Add(f);
  Finding tab = f;
  tab.key = "\t=1+1";
  tab.state = "+1";
  tab.detail = "\r=1";
  (*report)->Add(tab);
  std::ostringstream out;
  ASSERT_TRUE((*report)->Write(out, {}, {}).ok());
  const std::string csv = out.str();
  EXPECT_NE(
      csv.find("finding,?,state_mismatch,1,template_store_ref,7,template,201,'@SUM(1+1)*cmd|' "
               "/C calc'!A0,-5,,\"'=HYPERLINK(\"\"http://evil/\"\",\"\"x\"\")\",,,'-2+3\n"),
      std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",'\\t=1+1,-5,,'+1,,,'\\r=1\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace csm::reconcile
