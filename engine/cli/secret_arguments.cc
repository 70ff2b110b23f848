#include "cli/secret_arguments.h"

#include <algorithm>

#include "common/text.h"

namespace csm::cli {
namespace {

std::vector<std::string>& Noted() {
  static std::vector<std::string> values;
  return values;
}

bool SecretLookingName(std::string name) {
  name.erase(0, name.find_first_not_of('-'));
  const std::string lower = ToLower(name);
  const auto ends_with = [&lower](const std::string& tail) {
    return lower.size() >= tail.size() &&
           lower.compare(lower.size() - tail.size(), tail.size(), tail) == 0;
  };
  return lower.find("secret") != std::string::npos || lower.find("password") != std::string::npos ||
         ends_with("key");
}

}  // namespace

void NoteSecretArguments(const std::vector<std::string>& arguments) {
  std::vector<std::string>& noted = Noted();
  noted.clear();
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    // NAME=VALUE, possibly inside another option's value (--details-file=secretkey=VALUE).
    size_t name_start = 0;
    for (size_t eq = argument.find('='); eq != std::string::npos; eq = argument.find('=', eq + 1)) {
      if (SecretLookingName(argument.substr(name_start, eq - name_start))) {
        noted.push_back(argument.substr(eq + 1));
        break;
      }
      name_start = eq + 1;
    }
    if (argument.rfind("-", 0) == 0 && argument.find('=') == std::string::npos &&
        SecretLookingName(argument) && i + 1 < arguments.size()) {
      noted.push_back(arguments[i + 1]);
    }
  }
  // Longest first: a value that holds another is masked whole.
  std::sort(noted.begin(), noted.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string WithoutSecretArguments(std::string text) {
  for (const std::string& value : Noted()) {
    if (value.size() < 3) continue;
    for (size_t at = text.find(value); at != std::string::npos; at = text.find(value, at + 6)) {
      text.replace(at, value.size(), "******");
    }
  }
  return text;
}

}  // namespace csm::cli
