// `drain --status` reads the work board and changes nothing: on a database no drain has worked on
// it says so (exit 6) and leaves the file byte for byte as it was, creating no table.
#include <gtest/gtest.h>

#include "test_support.h"

namespace csm::test {
namespace {

TEST(DrainStatus, ADatabaseNoDrainHasWorkedOnIsNotFoundAndStaysUntouched) {
  ScratchDir dir;
  const std::string db = dir.File("cloud.db");
  CreateCloudDb(db, SourceDir() + "/fixtures/basic-s3");
  const std::string digest = FileDigest(db);
  const CommandResult r = RunCsmigrate({"drain", "--status", "--db", "sqlite://" + db});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_NE(r.err.find("no drain or push has worked on this database yet"), std::string::npos)
      << r.err;
  EXPECT_EQ(FileDigest(db), digest);
  const CommandResult json =
      RunCsmigrate({"drain", "--status", "--db", "sqlite://" + db, "--json"});
  EXPECT_EQ(json.exit_code, 6);
  EXPECT_NE(json.out.find("\"not_found\""), std::string::npos) << json.out;
}

}  // namespace
}  // namespace csm::test
