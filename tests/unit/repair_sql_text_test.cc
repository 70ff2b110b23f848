// The repair script reconcile writes stays what it says it is, whatever the names and keys in its
// findings hold: a newline in a value cannot start a statement, no control character or byte
// that is not UTF-8 reaches the file.
#include <gtest/gtest.h>

#include <sstream>

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

}  // namespace
}  // namespace csm::reconcile
