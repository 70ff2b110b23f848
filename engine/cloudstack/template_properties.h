// CloudStack's template.properties, written next to every template on an NFS secondary store
// (template/tmpl/<account_id>/<template_id>/template.properties, cloudstack.md §4): what the
// template's file is called, how big it is, and whether its download finished.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace csm::cloudstack {

// The most bytes a template.properties is read to: a real one holds a few hundred. A larger file
// is not one, and is never read whole.
inline constexpr size_t kMaxTemplatePropertiesBytes = 1 << 20;

// What a template.properties says, read as CloudStack's TemplateLocation reads it.
struct TemplateProperties {
  std::string filename;    // "filename" ("" when absent)
  std::string uniquename;  // "uniquename" ("" when absent)
  // "size" and "virtualsize" in bytes: a decimal as Java's Long.parseLong reads it, -1 when the
  // property is absent, malformed or negative.
  int64_t size = -1;
  int64_t virtualsize = -1;
  // The per-format entries "<ext>.<field>" (qcow2.filename, qcow2.size, qcow2.virtualsize, ...),
  // split at the last '.': extension -> field -> value, as given.
  std::map<std::string, std::map<std::string, std::string>> extensions;
  // Every property as read, key -> value.
  std::map<std::string, std::string> values;

  // Which of "uniquename", "virtualsize" and "filename" (in that order) are absent: a template
  // directory whose properties lack any of them is an incomplete download. A property present
  // with an empty or malformed value is not absent.
  std::vector<std::string> MissingKeys() const;
};

// The template.properties at `path`: kNotFound when it does not exist, kIo when it cannot be
// read, kInvalidArgument naming the path (and line) when it is not a valid properties file (a
// malformed \uXXXX escape, the only thing Java's Properties.load rejects) or is larger than
// kMaxTemplatePropertiesBytes (of which no more is read).
Result<TemplateProperties> ReadTemplateProperties(const std::string& path);

// The properties in `text` (the bytes of a template.properties). Text that is not a valid
// properties file yields empty properties, which MissingKeys reports as an incomplete download;
// use ReadTemplateProperties to learn why.
TemplateProperties ParseTemplateProperties(std::string_view text);

// The template.properties CloudStack's copy writes next to a template on a Swift store
// (cloudstack.md §3): exactly uniquename, filename, size and virtualsize, in Java properties
// syntax (ParseTemplateProperties reads back the same four values).
std::string FormatSwiftTemplateProperties(const std::string& uniquename,
                                          const std::string& filename, int64_t size,
                                          int64_t virtualsize);

}  // namespace csm::cloudstack
