// `csmigrate reconcile --format html` on the embedded SQLite default against an NFS export laid
// out as CloudStack lays it out, then the page opened in headless Chromium (Debian's chromium):
// the rendered DOM holds a row per finding and a bar per kind, hostile file names stay text, the
// headings sort the table, and a screenshot of it is a real picture with the chart's colours in
// it (decoded by tests/support/png_colours.py). Without chromium (or python3) those parts skip,
// unless $CSM_TEST_REQUIRE_SERVERS is set: tools/install-deps.sh --servers installs both.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

extern char** environ;

namespace csm::test {
namespace {

namespace fs = std::filesystem;

// Orphans whose names would run script if the page did not escape them: one sets the page's
// title, one is not UTF-8.
constexpr const char* kHostileName = "<img src=x onerror=\"document.title='pwned'\">&amp;.qcow2";
constexpr const char* kNotUtf8Name = "bad-\xFF\xFE.raw";

// The colours of the chart's bars (report_html.cc) for the kinds this test's export has.
const std::vector<std::pair<std::string, std::string>> kBarColours = {
    {"missing", "e53935"},    {"size_mismatch", "ef6c00"}, {"orphan", "b8860b"},
    {"incomplete", "8e24aa"}, {"pin_anomaly", "5e35b1"},   {"ok", "2e7d32"}};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The executable `name` on $PATH (or `preferred` when that exists), or nullopt.
std::optional<std::string> FindProgram(const std::string& name, const std::string& preferred = "") {
  if (!preferred.empty() && access(preferred.c_str(), X_OK) == 0) return preferred;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// Declares `var`, the path of program `name`, or skips the test when it is not installed (fails
// it when $CSM_TEST_REQUIRE_SERVERS is set).
#define CSM_REQUIRE_PROGRAM(var, ...)                                                          \
  const std::optional<std::string> var##_found = FindProgram(__VA_ARGS__);                     \
  if (!var##_found) {                                                                          \
    if (std::getenv("CSM_TEST_REQUIRE_SERVERS") != nullptr) {                                  \
      FAIL() << #var << " is not installed but CSM_TEST_REQUIRE_SERVERS is set";               \
    }                                                                                          \
    GTEST_SKIP() << #var << " is not installed (tools/install-deps.sh --servers installs it)"; \
  }                                                                                            \
  const std::string& var = *var##_found

// Runs `argv` (no shell) under a two-minute timeout with stdout and stderr in files of `dir`.
CommandResult RunProgram(const std::vector<std::string>& argv, const ScratchDir& dir) {
  std::vector<std::string> args = {"timeout", "120"};
  args.insert(args.end(), argv.begin(), argv.end());
  std::vector<char*> pointers;
  for (auto& arg : args) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const std::string out = dir.File("program.out"), err = dir.File("program.err");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CommandResult result;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    return result;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

// HTML text as text: the three references Chromium's serializer writes in text nodes undone.
std::string Unescape(std::string text) {
  for (const auto& [reference, character] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (size_t at = text.find(reference); at != std::string::npos;
         at = text.find(reference, at + 1)) {
      text.replace(at, reference.size(), character);
    }
  }
  return text;
}

// basic-s3 converted to S3, and the export of its NFS store 1 with one of each difference a
// listing shows: the volume missing, the template shorter than its row says, a template
// directory without a complete template.properties, two orphans with hostile names, and the
// template's staging row with an impossible ref_cnt. The snapshot's file is fine.
class ReconcileHtml : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateCloudDb(db_, SourceDir() + "/fixtures/basic-s3");
    const CommandResult applied = RunCsmigrate(S3Args("apply", db_));
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    MakeSizedFile(nfs_ + "/" + kBasicS3SnapshotPath, 1395261440);
  }

  void MakeDifferences() {
    MakeSizedFile(nfs_ + "/" + kBasicS3TemplatePath, 1000);
    std::ofstream(nfs_ + "/template/tmpl/2/201/template.properties") << "filename=x.qcow2\n";
    MakeSizedFile(nfs_ + "/volumes/2/41/" + kHostileName, 7);
    MakeSizedFile(nfs_ + "/volumes/2/41/" + kNotUtf8Name, 9);
    ExecSql(db_, "UPDATE template_store_ref SET ref_cnt = -1 WHERE id = 1");
  }

  CommandResult Reconcile(std::vector<std::string> extra) {
    std::vector<std::string> args = {"reconcile",  "--db",      "sqlite://" + db_, "--store", "1",
                                     "--nfs-root", "1=" + nfs_, "--format",        "html"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCsmigrate(args);
  }

  // Chromium's DOM of `page` after its scripts ran.
  std::string DumpDom(const std::string& chromium, const std::string& page) {
    const CommandResult r = RunProgram(Chromium(chromium, {"--dump-dom", "file://" + page}), dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // The arguments that run `chromium` headless, isolated in a profile of its own, with `extra`.
  std::vector<std::string> Chromium(const std::string& chromium,
                                    const std::vector<std::string>& extra) {
    std::vector<std::string> args = {chromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--hide-scrollbars",
                                     "--force-color-profile=srgb",
                                     "--force-device-scale-factor=1",
                                     "--user-data-dir=" + dir_.File("chromium-profile")};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  ScratchDir dir_;
  std::string db_ = dir_.File("cloud.db");
  std::string nfs_ = dir_.File("nfs");
  std::string report_ = dir_.File("report.html");
};

TEST_F(ReconcileHtml, WritesOnePageToTheOutputFileAndExitsOneForFindings) {
  MakeDifferences();
  const std::string digest = FileDigest(db_);
  const CommandResult r = Reconcile({"--output", report_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  const std::string page = ReadFile(report_);
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n")) << page;
  EXPECT_TRUE(page.ends_with("</html>\n"));
  EXPECT_NE(page.find("<code id=\"database\">sqlite:" + db_ + "</code>"), std::string::npos);
  EXPECT_EQ(page.find("TopSecret"), std::string::npos) << "the S3 secret is nowhere";
  for (const auto& [kind, rows] : std::vector<std::pair<std::string, size_t>>{{"missing", 1},
                                                                              {"size_mismatch", 1},
                                                                              {"orphan", 2},
                                                                              {"incomplete", 1},
                                                                              {"pin_anomaly", 1},
                                                                              {"ok", 0}}) {
    EXPECT_EQ(Count(page, "<tr class=\"k-" + kind + "\">"), rows) << kind;
  }
  EXPECT_EQ(Count(page, "<script"), 1u);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("volumes/2/41/&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;"
                      "&quot;&gt;&amp;amp;.qcow2"),
            std::string::npos);
  EXPECT_NE(page.find("volumes/2/41/bad-\xEF\xBF\xBD\xEF\xBF\xBD.raw"), std::string::npos);
  EXPECT_EQ(FileDigest(db_), digest) << "reconcile only reads the database";
}

TEST_F(ReconcileHtml, ACleanReconcileWritesThePageToStdoutAndExitsZero) {
  MakeSizedFile(nfs_ + "/" + kBasicS3TemplatePath, 523763712);
  std::ofstream(nfs_ + "/template/tmpl/2/201/template.properties")
      << "filename=201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2\n"
         "uniquename=201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f\nvirtualsize=10737418240\n";
  MakeSizedFile(nfs_ + "/" + kBasicS3VolumePath, 1073741824);
  const CommandResult r = Reconcile({});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("<!DOCTYPE html>\n")) << r.out;
  EXPECT_NE(r.out.find("<p class=\"clean\" id=\"clean\">No findings"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("<table id=\"findings\""), std::string::npos);
  EXPECT_NE(r.out.find("data-kind=\"ok\" data-count=\"3\""), std::string::npos) << r.out;
}

TEST_F(ReconcileHtml, ChromiumRendersTheRowsAndTheChartAndRunsNoInjectedScript) {
  CSM_REQUIRE_PROGRAM(chromium, "chromium");
  CSM_REQUIRE_PROGRAM(python3, "python3", "/usr/bin/python3");
  MakeDifferences();
  ASSERT_EQ(Reconcile({"--output", report_}).exit_code, 1);

  const std::string dom = DumpDom(chromium, report_);
  EXPECT_EQ(Count(dom, "<tr class=\"k-"), 6u) << dom;
  for (const auto& [kind, colour] : kBarColours) {
    EXPECT_EQ(Count(dom, "<rect class=\"bar\" data-kind=\"" + kind + "\""), 1u) << kind;
  }
  EXPECT_EQ(dom.find("<img"), std::string::npos) << dom;
  const size_t title = dom.find("<title>");
  ASSERT_NE(title, std::string::npos) << dom;
  const std::string shown = dom.substr(title, dom.find("</title>") - title);
  EXPECT_TRUE(shown.starts_with("<title>csmigrate reconcile: sqlite:" + db_ + ", ")) << shown;
  EXPECT_EQ(shown.find("pwned"), std::string::npos) << "the injected onerror ran";

  const std::string shot = dir_.File("report.png");
  const CommandResult taken = RunProgram(
      Chromium(chromium, {"--screenshot=" + shot, "--window-size=1280,2000", "file://" + report_}),
      dir_);
  ASSERT_EQ(taken.exit_code, 0) << taken.err;
  ASSERT_TRUE(fs::exists(shot)) << taken.err;
  std::vector<std::string> decode = {python3, SourceDir() + "/tests/support/png_colours.py", shot};
  for (const auto& [kind, colour] : kBarColours) decode.push_back(colour);
  const CommandResult decoded = RunProgram(decode, dir_);
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  const auto stats = nlohmann::json::parse(decoded.out);
  EXPECT_EQ(stats["width"], 1280);
  EXPECT_EQ(stats["height"], 2000);
  EXPECT_GT(stats["colours"].get<int>(), 50) << "text, table and chart, not a blank page";
  for (const auto& [kind, colour] : kBarColours) {
    // A bar is 18 px high and at least half the longest (the orphans' 2 against 1 each).
    EXPECT_GE(stats["pixels"][colour].get<int>(), 18 * 150) << kind << "'s bar: " << decoded.out;
  }
}

TEST_F(ReconcileHtml, ClickingAHeadingSortsTheTableAndAgainTheOtherWay) {
  CSM_REQUIRE_PROGRAM(chromium, "chromium");
  MakeDifferences();
  ASSERT_EQ(Reconcile({"--output", report_}).exit_code, 1);
  // The page itself, with a probe that clicks headings and records what the table shows.
  std::string page = ReadFile(report_);
  const std::string probe = R"js(<script>
const table = document.getElementById("findings");
const heads = Array.from(table.tHead.rows[0].cells);
const column = (name) => heads.findIndex((head) => head.textContent === name);
const keys = () => Array.from(table.tBodies[0].rows, (row) => row.cells[column("Key")].textContent);
const sizes = () => Array.from(table.tBodies[0].rows,
                               (row) => Number(row.cells[column("Store size")].dataset.sort));
const kinds = () => Array.from(table.tBodies[0].rows, (row) => row.className);
const click = (name) => heads[column(name)].querySelector("button").click();
const seen = { initial: kinds(), initial_sort: heads[column("Kind")].getAttribute("aria-sort") };
click("Store size");
seen.sizes_up = sizes();
seen.sizes_up_sort = heads[column("Store size")].getAttribute("aria-sort");
seen.kind_sort_after = heads[column("Kind")].getAttribute("aria-sort");
click("Store size");
seen.sizes_down = sizes();
seen.sizes_down_sort = heads[column("Store size")].getAttribute("aria-sort");
click("Key");
seen.keys_up = keys();
click("Kind");
seen.kinds_again = kinds();
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(seen);
document.body.appendChild(out);
</script>
)js";
  page.insert(page.rfind("</body>"), probe);
  const std::string probed = dir_.File("probed.html");
  std::ofstream(probed, std::ios::binary) << page;

  const std::string dom = DumpDom(chromium, probed);
  const size_t start = dom.find("<pre id=\"probe\">");
  ASSERT_NE(start, std::string::npos) << "the probe did not run: " << dom;
  const size_t text = start + std::string("<pre id=\"probe\">").size();
  const auto seen =
      nlohmann::json::parse(Unescape(dom.substr(text, dom.find("</pre>", text) - text)));

  const std::vector<std::string> by_kind = {"k-missing", "k-size_mismatch", "k-orphan",
                                            "k-orphan",  "k-incomplete",    "k-pin_anomaly"};
  EXPECT_EQ(seen["initial"].get<std::vector<std::string>>(), by_kind) << "data-loss risks first";
  EXPECT_EQ(seen["initial_sort"], "ascending");
  auto up = seen["sizes_up"].get<std::vector<double>>();
  EXPECT_TRUE(std::is_sorted(up.begin(), up.end())) << seen["sizes_up"];
  EXPECT_EQ(seen["sizes_up_sort"], "ascending");
  EXPECT_TRUE(seen["kind_sort_after"].is_null()) << "one column is the sorted one";
  auto down = seen["sizes_down"].get<std::vector<double>>();
  EXPECT_TRUE(std::is_sorted(down.rbegin(), down.rend())) << seen["sizes_down"];
  EXPECT_EQ(seen["sizes_down_sort"], "descending");
  std::sort(up.begin(), up.end());
  std::sort(down.begin(), down.end());
  EXPECT_EQ(up, down) << "the same rows";
  EXPECT_EQ(up, (std::vector<double>{-1, -1, 7, 9, 17, 1000}))
      << "no size sorts first; 17: the incomplete template.properties";
  const auto keys = seen["keys_up"].get<std::vector<std::string>>();
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << seen["keys_up"];
  EXPECT_NE(std::find(keys.begin(), keys.end(), "volumes/2/41/" + std::string(kHostileName)),
            keys.end())
      << "the hostile name shows as the text it is";
  EXPECT_EQ(seen["kinds_again"].get<std::vector<std::string>>(), by_kind);
}

}  // namespace
}  // namespace csm::test
