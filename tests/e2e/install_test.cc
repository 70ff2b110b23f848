// csmigrate as an admin gets it: `cmake --install` of this build into a scratch prefix, the
// installed binary run from another directory with no CSM_DATA_DIR, the man page and bash
// completion installed beside it, and --version. The documentation is held to --help: every
// command and option the binary shows is in the man page (in that command's section) and offered
// by the completion, so that neither falls behind the binary.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "test_support.h"

extern char** environ;

namespace csm::test {
namespace {

namespace fs = std::filesystem;

struct Output {
  int exit_code = -1;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `argv` (argv[0] looked up on PATH) in directory `cwd`, with this process's environment
// minus CSM_DATA_DIR plus `env` ("KEY=VALUE"), stdin from /dev/null; waits for it.
Output RunProgram(const std::string& cwd, const std::vector<std::string>& argv,
                  const std::vector<std::string>& env = {}) {
  ScratchDir capture;
  const std::string out_path = capture.File("out"), err_path = capture.File("err");
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("CSM_DATA_DIR=")) environment.emplace_back(*e);
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || chdir(cwd.c_str()) != 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), Slurp(out_path),
          Slurp(err_path)};
}

// True when `program` is an executable file in a directory of $PATH.
bool OnPath(const std::string& program) {
  std::stringstream path(std::getenv("PATH") != nullptr ? std::getenv("PATH") : "");
  std::string dir;
  while (std::getline(path, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// The bash completion and the man page, as they are in the source tree.
std::string CompletionFile() {
  return SourceDir() + "/contrib/bash-completion/csmigrate";
}
std::string ManPage() {
  return SourceDir() + "/docs/csmigrate.1";
}

// What bash completion offers for `csmigrate WORDS...`, the last word being completed.
std::set<std::string> Complete(const std::string& completion_file,
                               const std::vector<std::string>& words) {
  std::vector<std::string> argv = {"bash",
                                   "-c",
                                   "source \"$1\"; shift; COMP_WORDS=(\"$@\"); "
                                   "COMP_CWORD=$(($# - 1)); _csmigrate; "
                                   "printf '%s\\n' \"${COMPREPLY[@]}\"",
                                   "bash",
                                   completion_file,
                                   "csmigrate"};
  argv.insert(argv.end(), words.begin(), words.end());
  const Output r = RunProgram(SourceDir(), argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::set<std::string> offered;
  std::stringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) offered.insert(line);
  }
  return offered;
}

// The names listed under `heading` ("Options:", "Subcommands:") in `csmigrate COMMAND... --help`:
// option names ("-V", "--version") or command names.
std::set<std::string> HelpList(const std::vector<std::string>& command,
                               const std::string& heading) {
  std::vector<std::string> argv = {CSM_BINARY};
  argv.insert(argv.end(), command.begin(), command.end());
  argv.push_back("--help");
  const Output r = RunProgram(SourceDir(), argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> names;
  std::stringstream lines(r.out);
  bool inside = false;
  static const std::regex kEntry(R"(^  ([-a-zA-Z][-,a-zA-Z]*))");
  for (std::string line; std::getline(lines, line);) {
    if (line == heading) {
      inside = true;
    } else if (inside && line.empty()) {
      break;
    } else if (std::smatch m; inside && std::regex_search(line, m, kEntry)) {
      std::stringstream entry(m[1].str());
      for (std::string name; std::getline(entry, name, ',');) names.insert(name);
    }
  }
  EXPECT_FALSE(names.empty()) << "no " << heading << " in the help of "
                              << testing::PrintToString(command);
  return names;
}

// The man page's sections: ".SH NAME" as "NAME", ".SS" subsections by their command ("init",
// "fixture load"); each maps to its text up to the next .SH or .SS.
std::map<std::string, std::string> ManSections(const std::string& page) {
  std::map<std::string, std::string> sections;
  std::string current;
  std::stringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(".SH ")) {
      current = line.substr(4);
      if (current.starts_with("\"")) current = current.substr(1, current.size() - 2);
    } else if (line.starts_with(".SS \"")) {
      std::stringstream words(line.substr(5));
      words >> current;
      if (std::string sub; current == "fixture" && words >> sub) current += " " + sub;
    }
    sections[current] += line + "\n";
  }
  return sections;
}

// True when the roff text names `option` ("--db") as itself, not as the start of a longer one
// ("--db-properties"): in roff every '-' of it is written "\-".
bool NamesOption(const std::string& roff, const std::string& option) {
  std::string escaped;
  for (char c : option) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
  for (auto at = roff.find(escaped); at != std::string::npos; at = roff.find(escaped, at + 1)) {
    const std::string after = roff.substr(at + escaped.size(), 2);
    if (after != "\\-" && (after.empty() || !std::isalnum(static_cast<unsigned char>(after[0])))) {
      return true;
    }
  }
  return false;
}

TEST(Install, VersionIsTheProjectVersionAndTheGitRevision) {
  for (const char* flag : {"--version", "-V"}) {
    const Output r = RunProgram(SourceDir(), {CSM_BINARY, flag});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(
        std::regex_match(r.out, m, std::regex(R"(csmigrate (\S+)( \(git [0-9a-f]{4,}\))?\n)")))
        << flag << " printed: " << r.out;
    EXPECT_EQ(m[1].str(), CSM_PROJECT_VERSION) << "the VERSION of project() in CMakeLists.txt";
    if (fs::exists(SourceDir() + "/.git") && OnPath("git")) {
      EXPECT_TRUE(m[2].matched) << "built from a git checkout, but no revision: " << r.out;
    }
  }
}

TEST(Install, InstalledBinaryFindsItsDataFromAnyDirectoryWithoutCsmDataDir) {
  ScratchDir root, elsewhere;
  const std::string prefix = root.File("usr");
  const Output install =
      RunProgram(root.path(), {CSM_CMAKE_COMMAND, "--install", CSM_BUILD_DIR, "--prefix", prefix});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  const std::string binary = prefix + "/bin/csmigrate";
  const std::string data = prefix + "/share/csmigrate";
  for (const std::string& file :
       {binary, data + "/rules/nfs-to-object-store.yaml", data + "/schema/sqlite/engine.sql",
        data + "/schema/mysql/cloudstack-4.22.sql", data + "/schema/postgresql/cloudstack-4.3.sql",
        prefix + "/share/man/man1/csmigrate.1",
        prefix + "/share/bash-completion/completions/csmigrate",
        data + "/contrib/csmigrate-reconcile.service", data + "/contrib/csmigrate-reconcile.timer",
        data + "/contrib/README.md"}) {
    EXPECT_TRUE(fs::is_regular_file(file)) << file << " not installed";
  }

  // --version as the build prints it; init and plan on a fresh SQLite file.
  const Output version = RunProgram(elsewhere.path(), {binary, "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, RunProgram(SourceDir(), {CSM_BINARY, "--version"}).out);
  const std::string db = "sqlite://" + elsewhere.File("cloud.db");
  const Output init = RunProgram(elsewhere.path(), {binary, "init", "--db", db});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  const std::vector<std::string> plan = {
      binary,       "plan",         "--db",     db,
      "--provider", "S3",           "--name",   "s3-region",
      "--detail",   "bucket=cs",    "--detail", "accesskey=AK",
      "--detail",   "secretkey=SK", "--detail", "endpoint=s3:9000"};
  Output planned = RunProgram(elsewhere.path(), plan);
  EXPECT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("add the object store"), std::string::npos) << planned.out;

  // The data it used is the installed one, not the source tree's: take a file away from the
  // install and the error names the installed path.
  fs::remove(data + "/rules/nfs-to-object-store.yaml");
  planned = RunProgram(elsewhere.path(), plan);
  EXPECT_EQ(planned.exit_code, 6);
  EXPECT_NE(planned.err.find(data + "/rules/nfs-to-object-store.yaml"), std::string::npos)
      << planned.err;
  fs::remove(data + "/schema/sqlite/cloudstack-4.22.sql");
  const Output init_422 = RunProgram(
      elsewhere.path(),
      {binary, "init", "--db", "sqlite://" + elsewhere.File("other.db"), "--cloudstack", "4.22"});
  EXPECT_EQ(init_422.exit_code, 6);
  EXPECT_NE(init_422.err.find(data + "/schema/sqlite/cloudstack-4.22.sql"), std::string::npos)
      << init_422.err;

  // CSM_DATA_DIR still overrides: the source tree's data makes plan work again ...
  planned = RunProgram(elsewhere.path(), plan, {"CSM_DATA_DIR=" + SourceDir()});
  EXPECT_EQ(planned.exit_code, 0) << planned.err;
  // ... and one that holds nothing is named, with how to fix it.
  ScratchDir empty;
  const Output nowhere = RunProgram(
      elsewhere.path(), {binary, "init", "--db", "sqlite://" + elsewhere.File("third.db")},
      {"CSM_DATA_DIR=" + empty.path()});
  EXPECT_EQ(nowhere.exit_code, 6);
  EXPECT_NE(nowhere.err.find(empty.path() + " ($CSM_DATA_DIR)"), std::string::npos) << nowhere.err;
  EXPECT_NE(nowhere.err.find("Set CSM_DATA_DIR to the directory holding them"), std::string::npos)
      << nowhere.err;

  // The installed man page renders without a warning.
  if (!OnPath("man")) {
    std::cerr << "man is not installed (tools/install-deps.sh installs man-db): not rendered\n";
    return;
  }
  const Output man = RunProgram(elsewhere.path(),
                                {"man", "--warnings", "-l", prefix + "/share/man/man1/csmigrate.1"},
                                {"MANWIDTH=80"});
  EXPECT_EQ(man.exit_code, 0) << man.err;
  EXPECT_EQ(man.err, "") << "man --warnings";
  EXPECT_NE(man.out.find("EXIT STATUS"), std::string::npos) << man.out;
}

TEST(Install, ManPageHasEveryCommandAndOptionTheHelpShows) {
  const std::string page = Slurp(ManPage());
  EXPECT_NE(page.find(std::string("\"csmigrate ") + CSM_PROJECT_VERSION + "\""), std::string::npos)
      << ".TH must name csmigrate " << CSM_PROJECT_VERSION << ", the project VERSION";
  auto sections = ManSections(page);
  for (const char* name : {"SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "DATABASE OPTIONS",
                           "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"}) {
    EXPECT_TRUE(sections.count(name)) << "no .SH " << name;
  }
  for (const std::string& option : HelpList({}, "Options:")) {
    EXPECT_TRUE(NamesOption(sections["GLOBAL OPTIONS"], option)) << option << " (global)";
  }
  std::vector<std::vector<std::string>> commands;
  for (const std::string& command : HelpList({}, "Subcommands:")) {
    if (command != "fixture") commands.push_back({command});
  }
  for (const std::string& sub : HelpList({"fixture"}, "Subcommands:")) {
    commands.push_back({"fixture", sub});
  }
  for (const auto& command : commands) {
    const std::string name = command.size() == 1 ? command[0] : command[0] + " " + command[1];
    ASSERT_TRUE(sections.count(name)) << "no .SS for " << name;
    // Where an option of `name` may be described: its section (apply refers to plan's), or the
    // sections of the options every command shares.
    const std::string text = sections[name] + (name == "apply" ? sections["plan"] : "") +
                             sections["GLOBAL OPTIONS"] + sections["DATABASE OPTIONS"];
    for (const std::string& option : HelpList(command, "Options:")) {
      EXPECT_TRUE(NamesOption(text, option)) << option << " of " << name;
    }
  }
  for (const char* variable : {"CSM_DB", "CSM_DB_PASSWORD", "MYSQL_PWD", "PGPASSWORD",
                               "CLOUD_SECRET_KEY", "CSM_DATA_DIR"}) {
    EXPECT_NE(sections["ENVIRONMENT"].find(std::string(".B ") + variable + "\n"), std::string::npos)
        << variable;
  }
  for (const char* file :
       {"db.properties", "/etc/cloudstack/management/key", "/usr/share/csmigrate/"}) {
    EXPECT_NE(sections["FILES"].find(file), std::string::npos) << file;
  }
  for (int code = 0; code <= 8; ++code) {
    EXPECT_NE(sections["EXIT STATUS"].find(".B " + std::to_string(code) + "\n"), std::string::npos)
        << "exit code " << code;
  }
}

TEST(Install, ManPageRendersWithoutWarnings) {
  if (!OnPath("man"))
    GTEST_SKIP() << "man is not installed (tools/install-deps.sh installs man-db)";
  const Output man =
      RunProgram(SourceDir(), {"man", "--warnings", "-l", ManPage()}, {"MANWIDTH=80"});
  EXPECT_EQ(man.exit_code, 0) << man.err;
  EXPECT_EQ(man.err, "") << "man --warnings";
  std::stringstream lines(man.out);
  for (std::string line; std::getline(lines, line);) {
    // Columns, not bytes: the rendering may hold UTF-8 hyphens.
    const auto columns = std::count_if(line.begin(), line.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    EXPECT_LE(columns, 80) << line;
  }
}

TEST(Install, CompletionOffersEveryCommandAndOptionTheHelpShows) {
  const std::set<std::string> commands = HelpList({}, "Subcommands:");
  EXPECT_EQ(Complete(CompletionFile(), {""}), commands);
  EXPECT_EQ(Complete(CompletionFile(), {"fixture", ""}), HelpList({"fixture"}, "Subcommands:"));
  const std::set<std::string> global = HelpList({}, "Options:");
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"help"},
                                             {"init"},
                                             {"plan"},
                                             {"apply"},
                                             {"status"},
                                             {"rollback"},
                                             {"reconcile"},
                                             {"push"},
                                             {"drain"},
                                             {"fixture", "load"},
                                             {"fixture", "replay"}}) {
    std::vector<std::string> words = command;
    words.push_back("-");
    const std::set<std::string> offered = Complete(CompletionFile(), words);
    std::set<std::string> expected = HelpList(command, "Options:");
    expected.insert(global.begin(), global.end());
    EXPECT_EQ(offered, expected) << testing::PrintToString(command);
  }
}

TEST(Install, CompletionCompletesValuesAndFiles) {
  using Words = std::set<std::string>;
  EXPECT_EQ(Complete(CompletionFile(), {"rec"}), Words{"reconcile"});
  EXPECT_EQ(Complete(CompletionFile(), {"reconcile", "--format", ""}),
            (Words{"table", "jsonl", "csv", "html"}));
  EXPECT_EQ(Complete(CompletionFile(), {"reconcile", "--format", "=", "j"}), Words{"jsonl"});
  EXPECT_EQ(Complete(CompletionFile(), {"plan", "--provider", ""}), (Words{"S3", "Swift"}));
  EXPECT_EQ(Complete(CompletionFile(), {"-v", "reconcile", "--rep"}), Words{"--repair-sql"});
  EXPECT_EQ(Complete(CompletionFile(), {"--log-format", ""}), (Words{"text", "json"}));
  EXPECT_EQ(Complete(CompletionFile(), {"init", "--cloudstack", ""}), (Words{"4.3", "4.22"}));
  EXPECT_EQ(Complete(CompletionFile(), {"drain", "--order", ""}), (Words{"largest", "oldest"}));
  EXPECT_EQ(Complete(CompletionFile(), {"push", ""}), (Words{"template", "snapshot", "volume"}));
  // Options that take a file complete file names; --nfs-root ID=PATH completes directories.
  ScratchDir dir;
  std::ofstream(dir.File("s3.properties")) << "secretkey=x\n";
  fs::create_directory(dir.File("mnt"));
  for (const char* option : {"--details-file", "--db-properties", "--key-file", "--rules"}) {
    EXPECT_EQ(Complete(CompletionFile(), {"plan", option, dir.File("s3")}),
              Words{dir.File("s3.properties")})
        << option;
  }
  EXPECT_EQ(Complete(CompletionFile(), {"reconcile", "--output", dir.File("s")}),
            Words{dir.File("s3.properties")});
  EXPECT_EQ(Complete(CompletionFile(), {"drain", "--nfs-root", "1", "=", dir.File("")}),
            Words{dir.File("mnt")});
}

TEST(Install, SystemdUnitsVerify) {
  if (!OnPath("systemd-analyze")) GTEST_SKIP() << "systemd-analyze is not installed";
  ScratchDir man;
  fs::create_directory(man.File("man1"));
  fs::copy_file(ManPage(), man.File("man1/csmigrate.1"));
  const std::string units = SourceDir() + "/contrib/systemd/";
  const Output r = RunProgram(SourceDir(),
                              {"systemd-analyze", "verify", units + "csmigrate-reconcile.service",
                               units + "csmigrate-reconcile.timer"},
                              {"MANPATH=" + man.path()});  // for Documentation=man:csmigrate(1)
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace csm::test
