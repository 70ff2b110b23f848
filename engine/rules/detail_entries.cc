#include "rules/detail_entries.h"

#include <cctype>
#include <fstream>

namespace csm::rules {
namespace {

constexpr const char* kBlank = " \t\r";

std::string Trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(kBlank);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(kBlank) - first + 1);
}

// The entry's leading word (letters, digits, '_', '-', '.') when it is a known detail name, as
// " (the entry starting with 'secretkey')"; otherwise "" (the word might be a secret).
std::string KnownFirstWord(const std::string& text, const std::set<std::string>& known_keys) {
  const std::string trimmed = Trimmed(text);
  size_t end = 0;
  while (end < trimmed.size() &&
         (std::isalnum(static_cast<unsigned char>(trimmed[end])) || trimmed[end] == '_' ||
          trimmed[end] == '-' || trimmed[end] == '.')) {
    ++end;
  }
  const std::string word = trimmed.substr(0, end);
  return known_keys.count(word) ? " (the entry starting with '" + word + "')" : "";
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseDetailEntry(
    const std::string& text, const std::string& origin, const std::set<std::string>& known_keys) {
  const std::string not_shown = "; its text is not shown, it may hold a secret";
  const auto eq = text.find('=');
  const std::string key = eq == std::string::npos ? "" : Trimmed(text.substr(0, eq));
  if (key.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  origin + ": expected KEY=VALUE" + KnownFirstWord(text, known_keys) +
                      (eq == std::string::npos ? ", found no '='" : ", found no key before '='") +
                      not_shown);
  }
  for (const char c : key) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return Status(ErrorCode::kInvalidArgument,
                    origin + ": expected KEY=VALUE" + KnownFirstWord(text, known_keys) +
                        ", found a key with a space or a control character in it" + not_shown);
    }
  }
  return std::make_pair(key, Trimmed(text.substr(eq + 1)));
}

Result<KeyValues> ReadDetailsFile(const std::string& path,
                                  const std::set<std::string>& known_keys) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kNotFound, "cannot read --details-file " + path);
  KeyValues entries;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string trimmed = Trimmed(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    CSM_ASSIGN_OR_RETURN(auto entry,
                         ParseDetailEntry(line, path + ":" + std::to_string(number), known_keys));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::set<std::string> KnownDetailNames(const RuleSet& rules) {
  std::set<std::string> names = SecretNames(rules);
  for (const auto& p : rules.providers) {
    names.insert(p.required_details.begin(), p.required_details.end());
  }
  return names;
}

}  // namespace csm::rules
