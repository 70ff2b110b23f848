// Fuzz target: the --db URL parser (db/database_url.h), through its public interface only.
// Feeds: the input as a --db URL to ParseDatabaseUrl.
// Checks: no crash, leak or undefined behaviour; a refusal is kInvalidArgument; a parsed URL
// has a supported scheme, and its ToString() parses again to the same scheme, path, user, host,
// port and database (what csmigrate shows as the URL means the same database).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "db/database_url.h"
#include "fuzz_check.h"

using csm::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using csm::db::DatabaseUrl;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = csm::db::ParseDatabaseUrl(text);
  if (!parsed.ok()) {
    Require(parsed.status().code() == csm::ErrorCode::kInvalidArgument);
    return 0;
  }
  const DatabaseUrl& url = parsed.value();
  Require(url.scheme == "sqlite" || url.scheme == "mysql" || url.scheme == "postgresql");
  const auto again = csm::db::ParseDatabaseUrl(url.ToString());
  Require(again.ok());
  const DatabaseUrl& same = again.value();
  Require(same.scheme == url.scheme && same.path == url.path && same.user == url.user &&
          same.host == url.host && same.port == url.port && same.database == url.database);
  return 0;
}
