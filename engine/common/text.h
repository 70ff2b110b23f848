// Small text transformations the engine needs in many places, written once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace csm {

// `text` with A-Z turned into a-z; every other byte (UTF-8 included) as it was.
std::string ToLower(std::string_view text);

// `text` with a-z turned into A-Z; every other byte (UTF-8 included) as it was.
std::string ToUpper(std::string_view text);

// `bytes` as lower-case hex, two digits a byte.
std::string HexEncode(std::string_view bytes);

// The `n` bytes at `bytes` as lower-case hex, two digits a byte (for digests held in unsigned
// char buffers).
std::string HexEncode(const unsigned char* bytes, size_t n);

}  // namespace csm
