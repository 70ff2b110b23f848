// The `details` map parameter as an admin writes it: `--detail KEY=VALUE` entries and the lines of
// a `--details-file` (one KEY=VALUE a line, `#` comments, blank lines; LF or CRLF). Values may be
// secrets, so no error ever repeats one.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <utility>

#include "common/result.h"
#include "rules/run_parameters.h"

namespace csm::rules {

// Splits one "KEY=VALUE" entry at its first '=' (the value may hold more), trimming spaces, tabs
// and carriage returns around the key and around the value. `origin` says where the entry came
// from ("--detail", "s3.properties:4"). kInvalidArgument, naming `origin`, when there is no '=',
// the key is empty or holds anything but ASCII letters, digits, '.', '_' and '-' (a look-alike of
// a secret's name would go unmasked), or the value holds a control character; the message quotes
// the entry's first word only when it is one of `known_keys` (detail names, never values), and
// never anything after it.
Result<std::pair<std::string, std::string>> ParseDetailEntry(
    const std::string& text, const std::string& origin, const std::set<std::string>& known_keys);

// The largest details file accepted (a store's details take a few hundred bytes).
inline constexpr size_t kMaxDetailsFileBytes = 64 * 1024;

// The entries of the details file at `path` in file order, each parsed by ParseDetailEntry with
// origin "path:line". A byte order mark at its start is skipped; lines empty or blank after
// trimming, and lines whose first non-blank character is '#', are skipped. kNotFound when the
// file cannot be opened, kIo when reading it fails, kInvalidArgument for a directory or a file
// larger than kMaxDetailsFileBytes (read no further than that).
Result<KeyValues> ReadDetailsFile(const std::string& path, const std::set<std::string>& known_keys);

// The detail names `rules` mentions (every provider's required_details and secret_details) and
// CloudStack's secret names: the words an error about a details entry may quote.
std::set<std::string> KnownDetailNames(const RuleSet& rules);

}  // namespace csm::rules
