#include "common/printable_text.h"

#include <cstdint>
#include <cstdio>

#include "common/utf8.h"

namespace csm {
namespace {

// Whether a terminal would act on `c` instead of showing it: C1 controls, U+2028 and U+2029, and
// the bidirectional embeddings, overrides and isolates (which reorder what follows).
bool ActsOnTerminal(uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

std::string Hex(const char* format, uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, format, static_cast<unsigned>(value));
  return text;
}

}  // namespace

std::string PrintableText(std::string_view text) {
  std::string shown;
  shown.reserve(text.size());
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      shown += Hex("\\x%02x", static_cast<uint8_t>(text[0]));
      text.remove_prefix(1);
      continue;
    }
    const std::string_view sequence = text.substr(0, length);
    text.remove_prefix(length);
    const uint32_t c = Utf8CodePoint(sequence);
    if (c == '\t') {
      shown += "\\t";
    } else if (c == '\n') {
      shown += "\\n";
    } else if (c == '\r') {
      shown += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      shown += Hex("\\x%02x", c);
    } else if (ActsOnTerminal(c)) {
      shown += Hex("\\u%04x", c);
    } else {
      shown += sequence;
    }
  }
  return shown;
}

}  // namespace csm
