// AWS Signature Version 4 for S3, computed by hand (OpenSSL HMAC-SHA256) rather than by libcurl:
// libcurl 7.88 neither sends x-amz-content-sha256 nor sorts and encodes the query, and strict
// servers (Swift's s3api, AWS) reject both mistakes.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csm::store {

// Name/value pairs (query parameters or header fields), in the caller's order.
using NameValues = std::vector<std::pair<std::string, std::string>>;

// The x-amz-content-sha256 value of a body that is streamed without being hashed first.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Who signs, and for which region (the service is always "s3").
struct SigV4Key {
  std::string access_key;
  std::string secret_key;
  std::string region;
};

// What is signed of one request.
struct SigV4Request {
  std::string method;        // "GET", "PUT", ...
  std::string host;          // the Host header exactly as sent: host[:port]
  std::string path;          // the path exactly as sent (already percent-encoded), e.g. "/b/k"
  NameValues query;          // parameters, not encoded; "uploads" has the value ""
  NameValues headers;        // more headers to sign (e.g. Range, x-amz-*), not host/x-amz-date
  std::string payload_hash;  // lower-case hex SHA-256 of the body, or kUnsignedPayload
};

// The canonical query string: names and values percent-encoded, sorted by name then value,
// joined by '&', with "name=" for an empty value. Send exactly this as the URL's query, so that
// what is signed is what is sent.
std::string CanonicalQuery(const NameValues& query);

// `time` in the x-amz-date form "YYYYMMDDTHHMMSSZ" (UTC).
std::string AmzDate(std::chrono::system_clock::time_point time);

// The headers that sign `request` as of `amz_date` ("YYYYMMDDTHHMMSSZ"): x-amz-date,
// x-amz-content-sha256 and Authorization. Send them together with request.headers and a Host
// header equal to request.host.
NameValues SignV4(const SigV4Request& request, const SigV4Key& key, const std::string& amz_date);

}  // namespace csm::store
