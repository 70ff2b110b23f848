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

// One "key=value" line (with its \n) as java.util.Properties.store writes it, so that
// ParseJavaProperties (and Java) read back exactly `key` and `value` (UTF-8): \ and the
// characters = : # ! are escaped with a backslash, tab, newline, carriage return and form feed as
// \t \n \r \f, a space in the key and a leading space in the value as "\ ", and every other
// character outside printable ASCII as \uXXXX (UTF-16 code units; a byte that is not valid UTF-8
// stands for the ISO-8859-1 character of the same value).
std::string FormatJavaProperty(std::string_view key, std::string_view value);

}  // namespace csm::crypto
