// Object timestamps from HTTP headers, turned into the ISO 8601 forms the stores' listings use, so
// that a HEAD and a listing of the same object agree.
#pragma once

#include <string>
#include <string_view>

namespace csm::store {

// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 IMF-fixdate) in S3's listing form,
// "1994-11-06T08:49:37.000Z"; "" when `http_date` is not such a date.
std::string HttpDateToIso8601(std::string_view http_date);

// A Swift X-Timestamp ("1795602898.94769", seconds since the epoch) in Swift's listing form,
// "2026-11-25T10:34:58.947690"; "" when `timestamp` is malformed.
std::string SwiftTimestampToIso8601(std::string_view timestamp);

}  // namespace csm::store
