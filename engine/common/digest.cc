#include "common/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cassert>
#include <ctime>

#include "common/text.h"

namespace csm {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  assert(ok == 1);
  (void)ok;
  return HexEncode(digest, length);
}

std::string RandomUuid() {
  unsigned char b[16];
  const int ok = RAND_bytes(b, sizeof b);
  assert(ok == 1);
  (void)ok;
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  const std::string h = HexEncode(b, sizeof b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

}  // namespace csm
