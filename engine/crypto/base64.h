// Standard Base64 (RFC 4648 section 4: alphabet A-Z a-z 0-9 + /, '=' padding, no line breaks), the
// text form of every encrypted CloudStack secret.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace csm::crypto {

// The padded Base64 text of `bytes`, without line breaks.
std::string Base64Encode(std::string_view bytes);

// The bytes whose canonical padded Base64 text is `text`. Rejects (kInvalidArgument, naming the
// offending position but never quoting the text) a length that is not a multiple of 4, characters
// outside the alphabet (whitespace included), misplaced padding, and non-zero unused bits.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace csm::crypto
