#include "cloudstack/template_properties.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include "crypto/java_properties.h"

namespace csm::cloudstack {
namespace {

// The property `key` as Long.parseLong reads it ("+" sign allowed, decimal digits, fits in an
// int64), or -1 when absent, malformed or negative.
int64_t ParseSize(const std::map<std::string, std::string>& values, const std::string& key) {
  const auto found = values.find(key);
  if (found == values.end()) return -1;
  std::string_view digits = found->second;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  if (digits.empty()) return -1;
  int64_t result = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return -1;
    if (result > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return -1;
    result = result * 10 + (c - '0');
  }
  return result;
}

std::string ValueOf(const std::map<std::string, std::string>& values, const std::string& key) {
  const auto found = values.find(key);
  return found == values.end() ? "" : found->second;
}

Result<TemplateProperties> FromText(std::string_view text, std::string_view source) {
  using Values = std::map<std::string, std::string>;
  CSM_ASSIGN_OR_RETURN(Values values, crypto::ParseJavaProperties(text, source));
  TemplateProperties properties;
  properties.filename = ValueOf(values, "filename");
  properties.uniquename = ValueOf(values, "uniquename");
  properties.size = ParseSize(values, "size");
  properties.virtualsize = ParseSize(values, "virtualsize");
  for (const auto& [key, value] : values) {
    const size_t dot = key.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) continue;
    properties.extensions[key.substr(0, dot)][key.substr(dot + 1)] = value;
  }
  properties.values = std::move(values);
  return properties;
}

}  // namespace

std::vector<std::string> TemplateProperties::MissingKeys() const {
  std::vector<std::string> missing;
  for (const char* key : {"uniquename", "virtualsize", "filename"}) {
    if (!values.contains(key)) missing.emplace_back(key);
  }
  return missing;
}

Result<TemplateProperties> ReadTemplateProperties(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (file == nullptr) {
    if (errno == ENOENT) return Status(ErrorCode::kNotFound, "no template properties " + path);
    return Status(ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    if (text.size() + got > kMaxTemplatePropertiesBytes) {
      return Status(ErrorCode::kInvalidArgument,
                    path + " is larger than 1 MiB: not a template.properties");
    }
    text.append(buffer, got);
  }
  if (std::ferror(file.get())) {
    return Status(ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
  }
  return FromText(text, path);
}

TemplateProperties ParseTemplateProperties(std::string_view text) {
  Result<TemplateProperties> properties = FromText(text, "template.properties");
  return properties.ok() ? std::move(properties).value() : TemplateProperties();
}

std::string FormatSwiftTemplateProperties(const std::string& uniquename,
                                          const std::string& filename, int64_t size,
                                          int64_t virtualsize) {
  return crypto::FormatJavaProperty("uniquename", uniquename) +
         crypto::FormatJavaProperty("filename", filename) +
         crypto::FormatJavaProperty("size", std::to_string(size)) +
         crypto::FormatJavaProperty("virtualsize", std::to_string(virtualsize));
}

}  // namespace csm::cloudstack
