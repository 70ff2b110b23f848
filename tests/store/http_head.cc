#include "http_head.h"

#include <cstdlib>

#include "common/text.h"

namespace csm::test {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The `index`th (0-based) space-separated word of `line`, the last one with whatever follows.
std::string Word(std::string_view line, int index) {
  for (int i = 0; i < index; ++i) {
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return "";
    line.remove_prefix(space + 1);
  }
  return std::string(line.substr(0, line.find(' ')));
}

}  // namespace

std::string HttpHead::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

void HttpHead::Remove(std::string_view name) {
  std::erase_if(headers, [&](const auto& header) { return header.first == name; });
}

std::string HttpHead::Method() const {
  return start_line.starts_with("HTTP/") ? "" : Word(start_line, 0);
}

std::string HttpHead::Target() const {
  return start_line.starts_with("HTTP/") ? "" : Word(start_line, 1);
}

int HttpHead::Status() const {
  if (!start_line.starts_with("HTTP/")) return 0;
  return std::atoi(Word(start_line, 1).c_str());
}

std::string HttpHead::Serialize() const {
  std::string text = start_line + "\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  return text + "\r\n";
}

HttpHead ParseHttpHead(std::string_view head) {
  HttpHead parsed;
  size_t end = head.find("\r\n");
  parsed.start_line = std::string(head.substr(0, end));
  while (end != std::string_view::npos) {
    const size_t start = end + 2;
    end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end - start);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    parsed.headers.emplace_back(ToLower(Trim(line.substr(0, colon))),
                                std::string(Trim(line.substr(colon + 1))));
  }
  return parsed;
}

}  // namespace csm::test
