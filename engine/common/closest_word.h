// "Did you mean ...?" for a mistyped command, option or rule-file key.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace csm {

// The word of `words` closest to `typed` by edit distance (insertions, deletions, substitutions
// and swaps of neighbours each cost 1), when it is at most 2 edits or `typed` starts it; the first
// such word on a tie; nullopt when none is that close.
std::optional<std::string> ClosestWord(const std::string& typed,
                                       const std::vector<std::string>& words);

}  // namespace csm
