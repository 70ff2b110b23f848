// Numbers on the command line (run ids, object and store ids, counts) are parsed strictly: '' is
// not run 0, a number too large is not clamped, and hex, signs, spaces and exponents are refused
// with exit 2 naming the argument, before the database is opened.
#include <gtest/gtest.h>

#include "test_support.h"

namespace csm::test {
namespace {

struct BadNumber {
  std::string label;
  std::vector<std::string> args;  // after the command, before --db
  std::string named;              // the argument the message names
};

void PrintTo(const BadNumber& b, std::ostream* os) {
  *os << b.label;
}

class StrictNumbers : public ::testing::TestWithParam<BadNumber> {};

TEST_P(StrictNumbers, AreRefusedWithExit2NamingTheArgument) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string digest = FileDigest(db);
  std::vector<std::string> args = GetParam().args;
  args.push_back("--db");
  args.push_back("sqlite://" + db);
  const CommandResult r = RunCsmigrate(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(GetParam().named), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is not a whole number"), std::string::npos) << r.err;
  EXPECT_EQ(FileDigest(db), digest);
}

INSTANTIATE_TEST_SUITE_P(
    CommandLine, StrictNumbers,
    ::testing::Values(
        BadNumber{"rollback_empty", {"rollback", ""}, "RUN"},
        BadNumber{"rollback_huge", {"rollback", "99999999999999999999"}, "RUN"},
        BadNumber{"rollback_zero", {"rollback", "0"}, "RUN"},
        BadNumber{"rollback_negative", {"rollback", "--", "-5"}, "RUN"},
        BadNumber{"rollback_hex", {"rollback", "0x10"}, "RUN"},
        BadNumber{"rollback_plus", {"rollback", "+3"}, "RUN"},
        BadNumber{"push_template_empty", {"push", "template", ""}, "ID"},
        BadNumber{"push_template_huge", {"push", "template", "99999999999999999999"}, "ID"},
        BadNumber{"push_threshold_hex",
                  {"push", "template", "201", "--multipart-threshold", "0x100000"},
                  "--multipart-threshold"},
        BadNumber{"reconcile_store_empty", {"reconcile", "--store", ""}, "--store"},
        BadNumber{
            "reconcile_store_huge", {"reconcile", "--store", "99999999999999999999"}, "--store"},
        BadNumber{"drain_store_zero", {"drain", "--store", "0"}, "--store"},
        BadNumber{"drain_jobs_hex", {"drain", "--jobs", "0x4"}, "--jobs"},
        BadNumber{"drain_limit_negative", {"drain", "--limit", "-1"}, "--limit"},
        BadNumber{"drain_limit_huge", {"drain", "--limit", "99999999999999999999"}, "--limit"}),
    [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace csm::test
