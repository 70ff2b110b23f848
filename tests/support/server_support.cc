#include "server_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "db/schema_files.h"

namespace csm::test {
namespace {

const std::vector<std::string> kCloudTables = {
    "image_store",        "image_store_details", "template_store_ref",
    "snapshot_store_ref", "volume_store_ref",    "vm_template",
    "template_zone_ref",  "data_center",         "volumes",
    "snapshots"};

std::string WithDatabase(const std::string& url, const std::string& database) {
  return url.substr(0, url.rfind('/') + 1) + database;
}

}  // namespace

std::optional<ServerBackend> FindServer(const std::string& name) {
  const char* url = std::getenv(name == "mysql" ? "CSM_TEST_MYSQL_URL" : "CSM_TEST_POSTGRESQL_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return ServerBackend{name, url};
}

std::unique_ptr<db::Connection> Connect(const std::string& url) {
  auto parsed = db::ParseDatabaseUrl(url);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return nullptr;
  auto conn = db::OpenDatabase(*parsed, false, db::PasswordFromEnvironment(*parsed));
  EXPECT_TRUE(conn.ok()) << conn.status().message();
  return conn.ok() ? std::move(*conn) : nullptr;
}

ScratchDatabase::ScratchDatabase(const ServerBackend& backend, const std::string& version)
    : backend_(backend) {
  setenv("CSM_DATA_DIR", CSM_SOURCE_DIR, 1);
  std::random_device random;
  name_ = "csm_t" + std::to_string(random() % 100000000);
  url_ = WithDatabase(backend.url, name_);
  auto admin = Connect(backend.url);
  if (!admin) return;
  Status created = admin->ExecuteScript("CREATE DATABASE " + name_);
  EXPECT_TRUE(created.ok()) << created.message();
  conn_ = Connect(url_);
  if (!conn_) return;
  Status schema = db::InstallSchemaFile(*conn_, "cloudstack-" + version);
  EXPECT_TRUE(schema.ok()) << schema.message();
}

// A fresh admin connection: the server may have been restarted since the database was made.
ScratchDatabase::~ScratchDatabase() {
  conn_.reset();
  if (auto admin = Connect(backend_.url)) {
    Status dropped = admin->ExecuteScript("DROP DATABASE IF EXISTS " + name_ +
                                          (backend_.name == "postgresql" ? " WITH (FORCE)" : ""));
    EXPECT_TRUE(dropped.ok()) << dropped.message();
  }
}

std::string DumpCloudTables(db::Connection& conn) {
  std::string dump;
  for (const auto& table : kCloudTables) {
    auto rows = conn.Query("SELECT * FROM " + conn.dialect().Quote(table) + " ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (!rows.ok()) continue;
    dump += "== " + table + "\n";
    for (const auto& row : rows->rows) {
      for (size_t i = 0; i < row.size(); ++i) dump += (i ? "|" : "") + db::ToDisplay(row[i]);
      dump += "\n";
    }
  }
  return dump;
}

void WriteEncryptingDbProperties(const std::string& path, const std::string& url) {
  const std::string port = url.substr(url.rfind(':') + 1, url.rfind('/') - url.rfind(':') - 1);
  std::ofstream(path) << "db.cloud.host=127.0.0.1\ndb.cloud.port=" << port
                      << "\ndb.cloud.username=cloud\ndb.cloud.password=cloud\ndb.cloud.name="
                      << url.substr(url.rfind('/') + 1)
                      << "\ndb.cloud.encryption.type=env\ndb.cloud.encrypt.secret=plain-secret\n"
                      << "db.cloud.encryptor.version=V2\n";
}

std::vector<std::string> ServerApply(const std::string& url, const std::string& name,
                                     const std::string& secret) {
  return {"apply",
          "--db",
          url,
          "--provider",
          "S3",
          "--name",
          name,
          "--detail",
          "bucket=b",
          "--detail",
          "accesskey=a",
          "--detail",
          "secretkey=" + secret,
          "--detail",
          "endpoint=e:9000"};
}

}  // namespace csm::test
