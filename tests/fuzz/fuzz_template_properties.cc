// Fuzz target: CloudStack's template.properties (cloudstack/template_properties.h).
// Feeds: the input as the bytes of a template.properties to ParseTemplateProperties.
// Checks: no crash, leak or undefined behaviour; filename, uniquename, size and virtualsize agree
// with the properties read (a size is -1 or a non-negative number, and -1 when absent); the
// per-format entries are exactly the keys with an inner '.'; MissingKeys names exactly the absent
// ones; and FormatSwiftTemplateProperties of the four values reads back as the same four values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cloudstack/template_properties.h"
#include "fuzz_check.h"

using csm::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using csm::cloudstack::TemplateProperties;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const TemplateProperties read = csm::cloudstack::ParseTemplateProperties(text);

  const auto has = [&](const char* key) { return read.values.contains(key); };
  Require(read.size >= -1 && read.virtualsize >= -1);
  Require(has("size") || read.size == -1);
  Require(has("virtualsize") || read.virtualsize == -1);
  Require(has("filename") || read.filename.empty());
  Require(has("uniquename") || read.uniquename.empty());
  Require(read.MissingKeys().size() ==
          static_cast<size_t>(!has("uniquename") + !has("virtualsize") + !has("filename")));
  size_t dotted = 0;
  for (const auto& [key, value] : read.values) {
    const size_t dot = key.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) continue;
    ++dotted;
    Require(read.extensions.at(key.substr(0, dot)).at(key.substr(dot + 1)) == value);
  }
  size_t fields = 0;
  for (const auto& [extension, entries] : read.extensions) fields += entries.size();
  Require(fields == dotted);

  const std::string written = csm::cloudstack::FormatSwiftTemplateProperties(
      read.uniquename, read.filename, read.size, read.virtualsize);
  const TemplateProperties again = csm::cloudstack::ParseTemplateProperties(written);
  Require(again.uniquename == read.uniquename && again.filename == read.filename &&
          again.size == read.size && again.virtualsize == read.virtualsize);
  Require(again.MissingKeys().empty());
  return 0;
}
