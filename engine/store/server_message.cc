#include "store/server_message.h"

#include <algorithm>
#include <cctype>

#include "common/text.h"

namespace csm {

std::string ShownServerMessage(std::string_view message) {
  const std::string lower = ToLower(message);
  for (const char* marker : {"signature", "authoriz", "credential", "token", "key", "secret",
                             "password", "x-amz-", "x-auth"}) {
    if (lower.find(marker) != std::string::npos) return "";
  }
  std::string shown(message.substr(0, 200));
  std::replace_if(
      shown.begin(), shown.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return shown;
}

std::string ShownErrorCode(std::string_view code) {
  const bool word =
      !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  return word ? std::string(code) : std::string();
}

}  // namespace csm
