// Text from anywhere (database rows, store listings, file names) made safe for an HTML page.
#pragma once

#include <string>
#include <string_view>

namespace csm::reconcile {

// `text` as HTML text that is inert and valid in an element and in a quoted attribute value:
// & < > " ' become character references and a newline becomes &#10; (so the result is one line);
// bytes that are not UTF-8, control characters other than tab and newline, and noncharacters
// (which HTML forbids) each become U+FFFD. Every other character is kept as it is.
std::string HtmlEscape(std::string_view text);

}  // namespace csm::reconcile
