// Helpers shared by the tests: scratch directories, SQLite databases built from schema/ and
// fixtures/, full table dumps for exact comparisons, and running the csmigrate binary.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fixture/fixture.h"

namespace csm::test {

// A fresh directory under the system temp dir, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The source tree (fixtures/, rules/, schema/).
std::string SourceDir();

// The names of the fixture directories under fixtures/ (those holding a fixture.yaml), sorted.
std::vector<std::string> FixtureNames();

// Waits until the file at `path` contains `text`, up to `seconds`; false when it never does.
bool WaitForText(const std::string& path, const std::string& text, int seconds = 30);

// Creates a SQLite database at `path` with the CloudStack `version` schema ("4.3" or "4.22") and,
// when `fixture_dir` is not empty, that fixture's before-rows. Fails the test on error.
void CreateCloudDb(const std::string& path, const std::string& fixture_dir,
                   const std::string& version = "4.3");

// Every row of every table (CloudStack's and csmigrate's), as text, ordered: equal dumps mean
// equal contents.
std::string DumpDatabase(const std::string& path, bool include_engine_tables = false);

// SHA-256 of the file's bytes.
std::string FileDigest(const std::string& path);

// Runs one SQL statement on the SQLite database at `path`.
void ExecSql(const std::string& path, const std::string& sql);

// The first value `sql` returns on the SQLite database at `path`, as displayed ("<none>" when it
// returns no row).
std::string Cell(const std::string& path, const std::string& sql);

// The result of running the csmigrate binary.
struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs csmigrate with `args` (and extra environment entries "K=V"); waits for it.
CommandResult RunCsmigrate(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});

// Runs csmigrate with `args` as RunCsmigrate does, but with stdout written to `stdout_path`
// (e.g. /dev/full, where every write fails); `out` is then empty.
CommandResult RunCsmigrateWithStdout(const std::string& stdout_path,
                                     const std::vector<std::string>& args,
                                     const std::vector<std::string>& env = {});

// Runs csmigrate with `args` as RunCsmigrate does, but with stderr on a pseudo-terminal, the way
// an admin at a shell sees it; `err` is everything the terminal received. When `env` asks for a
// test seam (an entry CSM_TEST_...), the test build csmigrate-seams runs instead.
CommandResult RunCsmigrateWithTerminalStderr(const std::vector<std::string>& args,
                                             const std::vector<std::string>& env = {});

// Starts the test build of csmigrate (csmigrate-seams: `env` may pause it at a test seam,
// engine/test_seams/test_seam_on.cc) in the background; returns its pid. Output goes to
// `log_path`.
int StartCsmigrate(const std::vector<std::string>& args, const std::vector<std::string>& env,
                   const std::string& log_path);

// The install_paths of fixtures/basic-s3's staging rows on its NFS store (store 1): template 201,
// snapshot 11 (of volume 31) and volume 41.
inline constexpr const char* kBasicS3TemplatePath =
    "template/tmpl/2/201/201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2";
inline constexpr const char* kBasicS3SnapshotPath =
    "snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60";
inline constexpr const char* kBasicS3VolumePath =
    "volumes/2/41/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2";

// A file of `size` bytes (sparse, zeros) at `path`, creating its directories.
void MakeSizedFile(const std::string& path, int64_t size);

// "kind table#row key" (table#row empty for orphans) of every finding record of a
// `reconcile --format jsonl` report.
std::multiset<std::string> ReportFindings(const std::string& jsonl);

// The arguments of a valid S3 conversion of `db_path`.
std::vector<std::string> S3Args(const std::string& command, const std::string& db_path,
                                const std::string& name = "s3-region");

// Whether Debian's python3-jsonschema can be imported by /usr/bin/python3.
bool HaveJsonSchema();

// The ways the JSON text `document` breaks docs/schemas/`schema` (JSON Schema 2020-12, checked
// with python3-jsonschema), one per line; "" when it matches. Writes its files under `dir`.
std::string JsonSchemaErrors(const std::string& document, const std::string& schema,
                             const ScratchDir& dir);

}  // namespace csm::test
