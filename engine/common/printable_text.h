// Text from anywhere (database rows, file names, store listings, parameters) made inert for a
// terminal, a text report or a log line.
#pragma once

#include <string>
#include <string_view>

namespace csm {

// `text` as one line that shows every character and moves or recolours nothing: tab, newline
// and carriage return become \t, \n and \r; other C0 controls and DEL become \xNN; C1 controls,
// the line and paragraph separators and the bidirectional formatting characters become \uNNNN;
// each byte that is not part of well-formed UTF-8 becomes \xNN (lowercase hex). Every other
// character, the backslash included, is kept as it is, so printable text passes unchanged.
std::string PrintableText(std::string_view text);

}  // namespace csm
