// The subset of YAML csmigrate's files (rule files, fixtures) may use: one document of mappings,
// lists and plain values. What YAML readers resolve differently or expand without bound is refused
// before the file is read into nodes, so that the rules a reviewer reads are the rules that run.
#pragma once

#include <string>

#include "common/result.h"

namespace csm::rules {

// The deepest nesting of mappings and lists a file may use (the shipped rule file nests 7 deep).
inline constexpr int kMaxYamlNesting = 32;

// Ok when `text` is well-formed UTF-8 without control characters (tab and line ends aside) and
// holds one YAML document with no anchor (&name), alias (*name), merge key (<<) or tag (!!binary)
// and no nesting deeper than kMaxYamlNesting. Else an error of `code`
// naming `file_name`:LINE and what to write instead. Malformed YAML is left to the loader.
Status CheckPlainYaml(const std::string& text, const std::string& file_name, ErrorCode code);

}  // namespace csm::rules
