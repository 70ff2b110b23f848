// Percent-encoding of URL parts: S3 (SigV4) and Swift paths and queries, database URLs.
#pragma once

#include <string>
#include <string_view>

namespace csm {

// RFC 3986 percent-encoding: the unreserved characters A-Z a-z 0-9 - . _ ~ stay, every other byte
// becomes %XX (upper-case hex); '/' also stays when `keep_slash` (object keys in paths).
std::string UriEncode(std::string_view text, bool keep_slash);

// Decodes %XX escapes and '+' (a space), as in S3 listings requested with encoding-type=url.
// A malformed escape is kept as it is.
std::string FormDecode(std::string_view text);

}  // namespace csm
