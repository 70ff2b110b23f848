// UTF-8 as Unicode defines it: what is well-formed, where text stops being so, and a parameter
// refused when it is not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace csm {

// The length of the well-formed UTF-8 sequence at the start of `text` (Unicode's table 3-7: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when there is none. `text` must
// not be empty.
size_t Utf8SequenceLength(std::string_view text);

// The code point of `sequence`, a well-formed sequence as Utf8SequenceLength measured it.
uint32_t Utf8CodePoint(std::string_view sequence);

// The byte offset of the first byte of `text` that does not start a well-formed sequence;
// nullopt when all of `text` is well-formed UTF-8.
std::optional<size_t> FirstInvalidUtf8Byte(std::string_view text);

// Ok when `text` is well-formed UTF-8; else kInvalidArgument naming `what` (a parameter such as
// "--name", or "FILE:LINE") and the offset of the first bad byte, never the bytes themselves.
Status CheckUtf8(std::string_view text, const std::string& what);

}  // namespace csm
