#include "crypto/java_properties.h"

#include <cstdio>
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

namespace {

// The code points of `text` read as UTF-8; a byte that does not start a valid sequence is the
// ISO-8859-1 character of its value.
std::u32string CodePoints(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t length = b < 0x80           ? 1
                          : (b >> 5) == 0x6  ? 2
                          : (b >> 4) == 0xe  ? 3
                          : (b >> 3) == 0x1e ? 4
                                             : 0;
    char32_t code = length == 1 ? b : length == 2 ? b & 0x1f : length == 3 ? b & 0x0f : b & 0x07;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      valid = (c & 0xc0) == 0x80;
      code = code << 6 | (c & 0x3f);
    }
    if (!valid) {
      out += static_cast<char32_t>(b);
      ++i;
      continue;
    }
    out += code;
    i += length;
  }
  return out;
}

void AppendEscaped(std::string& out, std::string_view text, bool is_key) {
  const std::u32string codes = CodePoints(text);
  for (size_t i = 0; i < codes.size(); ++i) {
    const char32_t c = codes[i];
    switch (c) {
      case '\\':
      case '=':
      case ':':
      case '#':
      case '!':
        out += '\\';
        out += static_cast<char>(c);
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case ' ':
        out += is_key || i == 0 ? "\\ " : " ";
        continue;
      default:
        break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    std::u16string units;
    if (c >= 0x10000) {
      units += static_cast<char16_t>(0xd800 + ((c - 0x10000) >> 10));
      units += static_cast<char16_t>(0xdc00 + ((c - 0x10000) & 0x3ff));
    } else {
      units += static_cast<char16_t>(c);
    }
    for (const char16_t unit : units) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04X", static_cast<unsigned>(unit));
      out += hex;
    }
  }
}

}  // namespace

std::string FormatJavaProperty(std::string_view key, std::string_view value) {
  std::string line;
  AppendEscaped(line, key, true);
  line += '=';
  AppendEscaped(line, value, false);
  line += '\n';
  return line;
}

}  // namespace csm::crypto
