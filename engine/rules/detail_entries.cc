#include "rules/detail_entries.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

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
  // CloudStack's detail names are ASCII words: a look-alike (a byte order mark, a zero-width or
  // no-break space, a control character) would pass for another detail, unmasked.
  for (const char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return Status(ErrorCode::kInvalidArgument,
                    origin + ": expected KEY=VALUE" + KnownFirstWord(text, known_keys) +
                        ", found a key with a character detail names do not use (only ASCII "
                        "letters, digits, '.', '_' and '-')" +
                        not_shown);
    }
  }
  const std::string value = Trimmed(text.substr(eq + 1));
  for (const char c : value) {
    if (std::iscntrl(static_cast<unsigned char>(c))) {
      return Status(ErrorCode::kInvalidArgument,
                    origin + ": the value of " +
                        (known_keys.count(key) ? "'" + key + "'" : "the entry") +
                        " holds a control character (a NUL, a tab, a line break, an escape): no "
                        "store detail has one" +
                        not_shown);
    }
  }
  return std::make_pair(key, value);
}

Result<KeyValues> ReadDetailsFile(const std::string& path,
                                  const std::set<std::string>& known_keys) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--details-file " + path + " is a directory; give the file of KEY=VALUE lines");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, "cannot read --details-file " + path);
  // At most one byte past the limit, whatever the file is (/dev/zero has no size).
  std::string text(kMaxDetailsFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Status(ErrorCode::kIo, "cannot read --details-file " + path);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxDetailsFileBytes) {
    return Status(ErrorCode::kInvalidArgument,
                  "--details-file " + path + " is larger than " +
                      std::to_string(kMaxDetailsFileBytes / 1024) +
                      " KiB, far more than any store's details: is it the right file?");
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a byte order mark, as editors save
  KeyValues entries;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
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
