#include "store/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cassert>
#include <ctime>

#include "common/digest.h"
#include "common/text.h"
#include "common/uri.h"

namespace csm::store {
namespace {

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  assert(ok != nullptr);
  (void)ok;
  return std::string(reinterpret_cast<const char*>(mac), length);
}

// Trims the value and collapses each run of spaces and tabs into one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string CanonicalQuery(const NameValues& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

NameValues SignV4(const SigV4Request& request, const SigV4Key& key, const std::string& amz_date) {
  assert(amz_date.size() == 16);
  NameValues signed_headers = {{"host", CanonicalHeaderValue(request.host)},
                               {"x-amz-content-sha256", request.payload_hash},
                               {"x-amz-date", amz_date}};
  for (const auto& [name, value] : request.headers) {
    signed_headers.emplace_back(ToLower(name), CanonicalHeaderValue(value));
  }
  std::sort(signed_headers.begin(), signed_headers.end());

  std::string canonical_headers, header_names;
  for (const auto& [name, value] : signed_headers) {
    canonical_headers += name + ":" + value + "\n";
    header_names += (header_names.empty() ? "" : ";") + name;
  }
  const std::string canonical_request = request.method + "\n" + request.path + "\n" +
                                        CanonicalQuery(request.query) + "\n" + canonical_headers +
                                        "\n" + header_names + "\n" + request.payload_hash;

  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + key.region + "/s3/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(canonical_request);

  std::string signing_key = HmacSha256("AWS4" + key.secret_key, date);
  signing_key = HmacSha256(signing_key, key.region);
  signing_key = HmacSha256(signing_key, "s3");
  signing_key = HmacSha256(signing_key, "aws4_request");
  const std::string signature = HexEncode(HmacSha256(signing_key, string_to_sign));

  return {{"x-amz-date", amz_date},
          {"x-amz-content-sha256", request.payload_hash},
          {"Authorization", "AWS4-HMAC-SHA256 Credential=" + key.access_key + "/" + scope +
                                ",SignedHeaders=" + header_names + ",Signature=" + signature}};
}

}  // namespace csm::store
