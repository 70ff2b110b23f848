// Fuzz target: CloudStack's db.properties (crypto/db_properties.h).
// Feeds: the input as the text of a db.properties to ParseDbProperties, with a management key
// file holding "managementkey" (the key of the seeds' ENC(...) values, cloudstack.md section 6),
// so that ENC(...) values go through Base64 and both encryptor versions' decryption.
// Checks: no crash, leak or undefined behaviour; a refusal is kInvalidArgument, kCrypto or kIo
// and names the source; a parsed configuration has a host, user name and database and a port in
// 1-65535.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/db_properties.h"
#include "fuzz_check.h"

using csm::fuzz::Require;

namespace {

std::string key_file;  // written once by LLVMFuzzerInitialize

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char path[] = "/tmp/csm-fuzz-key.XXXXXX";
  const int fd = mkstemp(path);
  Require(fd >= 0);
  const std::string_view key = "managementkey\n";
  Require(write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()));
  close(fd);
  key_file = path;
  std::atexit([] { std::remove(key_file.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using csm::ErrorCode;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = csm::crypto::ParseDbProperties(text, "fuzz/db.properties", key_file);
  if (!parsed.ok()) {
    const ErrorCode code = parsed.status().code();
    Require(code == ErrorCode::kInvalidArgument || code == ErrorCode::kCrypto ||
            code == ErrorCode::kIo);
    Require(parsed.status().message().find("fuzz/db.properties") != std::string::npos);
    return 0;
  }
  const csm::crypto::CloudStackDbConfig& config = parsed.value();
  Require(!config.host.empty() && !config.username.empty() && !config.database.empty());
  Require(config.port >= 1 && config.port <= 65535);
  return 0;
}
