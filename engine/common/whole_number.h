// Whole numbers typed by people (run ids, object ids, counts): parsed strictly, so that '' is not
// 0, "99999999999999999999" is not clamped and "0x10", "+5", " 7" or "1e3" are not guessed at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace csm {

// `text` as a number in [min, max]: decimal digits only (a '-' first when min < 0), no sign,
// space, prefix or exponent; nullopt when it is anything else or out of range.
std::optional<int64_t> ParseWholeNumber(const std::string& text, int64_t min, int64_t max);

// What a refusal of `text` says: "'<text>' is not a whole number from MIN to MAX".
std::string WholeNumberProblem(const std::string& text, int64_t min, int64_t max);

}  // namespace csm
