// Java .properties files, read exactly as java.util.Properties.load(InputStream) reads them, which
// is how CloudStack reads db.properties.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace csm::crypto {

// Parses the bytes of a .properties file into key -> value, both UTF-8, the last of duplicate keys
// winning. As Java does: each byte is one ISO-8859-1 character (so UTF-8 bytes in the file become
// several characters, exactly as CloudStack sees them); lines end at \n, \r or \r\n; leading blanks
// (space, tab, form feed) are skipped; a line whose first non-blank is # or ! is a comment; a line
// ending in an odd number of backslashes continues on the next one, whose leading blanks are
// skipped; the key ends at the first unescaped '=', ':' or blank, and blanks plus one '=' or ':'
// around it are skipped; escapes \t \n \r \f and \uXXXX (UTF-16 code units, surrogate pairs
// combined) are decoded and any other escaped character stands for itself. A malformed \uXXXX is
// kInvalidArgument naming `source` and the line.
Result<std::map<std::string, std::string>> ParseJavaProperties(std::string_view text,
                                                               std::string_view source);

}  // namespace csm::crypto
