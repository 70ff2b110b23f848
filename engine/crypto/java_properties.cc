#include "crypto/java_properties.h"

#include <optional>
#include <utility>
#include <vector>

namespace csm::crypto {
namespace {

bool IsBlank(char16_t c) {
  return c == ' ' || c == '\t' || c == '\f';
}
bool IsLineEnd(char16_t c) {
  return c == '\n' || c == '\r';
}

// One logical line: its characters (backslash-newline continuations joined, escapes still raw)
// and the number of the natural line it starts on.
struct LogicalLine {
  std::u16string chars;
  size_t number = 0;
};

// Splits `text` into logical lines as Java's Properties.LineReader does.
std::vector<LogicalLine> ReadLogicalLines(std::string_view text) {
  std::vector<LogicalLine> lines;
  size_t line_number = 1;
  size_t i = 0;
  while (i < text.size()) {
    // Skip blanks and empty lines before the line's first character.
    while (i < text.size() && (IsBlank(text[i]) || IsLineEnd(text[i]))) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        ++line_number;
      }
      ++i;
    }
    if (i == text.size()) break;
    const bool comment = text[i] == '#' || text[i] == '!';
    LogicalLine line{{}, line_number};
    while (true) {
      bool odd_backslashes = false;
      while (i < text.size() && !IsLineEnd(text[i])) {
        const char c = text[i++];
        odd_backslashes = c == '\\' ? !odd_backslashes : false;
        line.chars += static_cast<char16_t>(static_cast<unsigned char>(c));
      }
      // Consume the line end.
      if (i < text.size()) {
        i += text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
        ++line_number;
      }
      if (comment || !odd_backslashes) break;
      line.chars.pop_back();  // the continuation backslash
      if (i == text.size()) break;
      while (i < text.size() && IsBlank(text[i])) ++i;
      // An empty continuation line ends the logical line (it is not skipped like leading blanks).
      if (i == text.size() || IsLineEnd(text[i])) break;
    }
    // Java yields nothing for a comment, nor for a line that was only a continuation backslash.
    if (!comment && !line.chars.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

int HexValue(char16_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escapes of `raw` (Properties.loadConvert); nullopt for a malformed \uXXXX.
std::optional<std::u16string> Unescape(std::u16string_view raw) {
  std::u16string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    char16_t c = raw[i];
    if (c != '\\' || i + 1 == raw.size()) {
      out += c;
      continue;
    }
    c = raw[++i];
    if (c == 'u') {
      if (raw.size() - i <= 4) return std::nullopt;
      char16_t unit = 0;
      for (size_t k = 1; k <= 4; ++k) {
        const int digit = HexValue(raw[i + k]);
        if (digit < 0) return std::nullopt;
        unit = static_cast<char16_t>(unit << 4 | digit);
      }
      i += 4;
      out += unit;
    } else {
      out += c == 't' ? u'\t' : c == 'n' ? u'\n' : c == 'r' ? u'\r' : c == 'f' ? u'\f' : c;
    }
  }
  return out;
}

void AppendUtf8(char32_t code, std::string& out) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | code >> 6);
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | code >> 12);
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | code >> 18);
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

// UTF-16 to UTF-8 as Java's String.getBytes(UTF_8) does: a lone surrogate becomes '?'.
std::string ToUtf8(std::u16string_view units) {
  std::string out;
  for (size_t i = 0; i < units.size(); ++i) {
    const char16_t unit = units[i];
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < units.size() && units[i + 1] >= 0xdc00 &&
        units[i + 1] <= 0xdfff) {
      AppendUtf8(0x10000 + ((unit - 0xd800) << 10) + (units[++i] - 0xdc00), out);
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += '?';
    } else {
      AppendUtf8(unit, out);
    }
  }
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> ParseJavaProperties(std::string_view text,
                                                               std::string_view source) {
  std::map<std::string, std::string> properties;
  for (const LogicalLine& line : ReadLogicalLines(text)) {
    const std::u16string_view chars = line.chars;
    // The key ends at the first unescaped separator or blank (Properties.load0).
    size_t key_end = 0;
    size_t value_start = chars.size();
    bool has_separator = false;
    bool escaped = false;
    for (; key_end < chars.size(); ++key_end) {
      const char16_t c = chars[key_end];
      if (!escaped && (c == '=' || c == ':')) {
        value_start = key_end + 1;
        has_separator = true;
        break;
      }
      if (!escaped && IsBlank(c)) {
        value_start = key_end + 1;
        break;
      }
      escaped = c == '\\' ? !escaped : false;
    }
    // Blanks, and one '=' or ':' if the key did not end at one, before the value.
    for (; value_start < chars.size(); ++value_start) {
      const char16_t c = chars[value_start];
      if (IsBlank(c)) continue;
      if (!has_separator && (c == '=' || c == ':')) {
        has_separator = true;
        continue;
      }
      break;
    }
    const std::optional<std::u16string> key = Unescape(chars.substr(0, key_end));
    const std::optional<std::u16string> value = Unescape(chars.substr(value_start));
    if (!key || !value) {
      return Status(ErrorCode::kInvalidArgument, std::string(source) + ": line " +
                                                     std::to_string(line.number) +
                                                     ": malformed \\uXXXX escape");
    }
    properties[ToUtf8(*key)] = ToUtf8(*value);
  }
  return properties;
}

}  // namespace csm::crypto
