#include "cli/connect.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "crypto/db_properties.h"
#include "db/database_url.h"

namespace csm::cli {
namespace {

// Reads a password from the terminal without echo; empty when stdin is not a terminal.
std::string PromptPassword(const std::string& what) {
  if (!isatty(STDIN_FILENO)) return "";
  std::cerr << "Password for " << what << ": " << std::flush;
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string password;
  std::getline(std::cin, password);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << "\n";
  return password;
}

// `text` as one shell word: as it is when it holds only characters no shell treats specially,
// else in single quotes.
std::string ShellWord(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/:._-=@+,%", c) != nullptr;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

Result<Target> Connect(const Options& o, bool create) {
  Target target;
  db::DatabaseUrl url;
  std::string password;
  std::optional<crypto::CloudStackDbConfig> config;
  // --db, else $CSM_DB, else --db-properties, else CloudStack's own db.properties when present.
  std::string db_url = o.db_url;
  std::string db_properties = o.db_properties;
  if (db_url.empty() && db_properties.empty()) {
    const char* env = std::getenv("CSM_DB");
    if (env != nullptr && *env != '\0') {
      db_url = env;
    } else if (std::filesystem::exists(kCloudStackDbProperties)) {
      db_properties = kCloudStackDbProperties;
    }
  }
  if (!db_properties.empty()) {
    CSM_ASSIGN_OR_RETURN(config, crypto::LoadDbProperties(db_properties, o.key_file));
    url.scheme = "mysql";
    url.host = config->host;
    url.port = config->port;
    url.user = config->username;
    url.database = config->database;
    password = config->password;
  } else if (!db_url.empty()) {
    CSM_ASSIGN_OR_RETURN(url, db::ParseDatabaseUrl(db_url));
  } else {
    return Status(ErrorCode::kInvalidArgument,
                  std::string("say which database: --db URL (or $CSM_DB), or --db-properties "
                              "FILE; ") +
                      kCloudStackDbProperties + " does not exist here");
  }
  if (password.empty() && url.scheme != "sqlite") {
    password = db::PasswordFromEnvironment(url);
    if (password.empty()) password = PromptPassword(url.ToString());
  }
  CSM_ASSIGN_OR_RETURN(target.conn, db::OpenDatabase(url, create, password));
  if (config) {
    CSM_ASSIGN_OR_RETURN(target.encryption, apply::SecretEncryptionFor(*target.conn, *config));
  }
  return target;
}

std::string DbArguments(const Options& o) {
  std::string args;
  if (!o.db_url.empty()) args += " --db " + ShellWord(o.db_url);
  if (!o.db_properties.empty()) args += " --db-properties " + ShellWord(o.db_properties);
  if (!o.key_file.empty()) args += " --key-file " + ShellWord(o.key_file);
  return args;
}

void AddDb(CLI::App* cmd, Options& o) {
  auto* db = cmd->add_option("--db", o.db_url,
                             "Database URL: sqlite:///path/cloud.db, mysql://user@host:port/cloud "
                             "or postgresql://user@host:port/cloud (default: $CSM_DB). No password "
                             "in the URL: it comes from $CSM_DB_PASSWORD, $MYSQL_PWD / $PGPASSWORD "
                             "or a prompt");
  auto* properties = cmd->add_option(
      "--db-properties", o.db_properties,
      "Use CloudStack's db.properties: its MySQL host, user, password and, when the installation "
      "encrypts, its secret, so that secretkey / key details are stored encrypted as CloudStack "
      "does. Without --db, $CSM_DB or this option, /etc/cloudstack/management/db.properties is "
      "used when it exists");
  db->excludes(properties);
  cmd->add_option("--key-file", o.key_file,
                  "The management key file for ENC(...) values in db.properties (default: "
                  "/etc/cloudstack/management/key, or $CLOUD_SECRET_KEY)");
}

}  // namespace csm::cli
