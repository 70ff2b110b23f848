#include "reconcile/sync_listing.h"

#include <utility>

#include "cloudstack/template_properties.h"

namespace csm::reconcile {
namespace {

constexpr std::string_view kS3TemplateRoot = "template/";
constexpr std::string_view kSwiftTemplatePrefix = "T-";
constexpr std::string_view kProperties = "template.properties";

// The value CloudStack's swiftListTemplate takes from a "name=value" line: line.split("=")[1],
// i.e. up to the next '='. nullopt when that throws (nothing after the '=').
std::optional<std::string> JavaSplitValue(const std::string& value) {
  std::string first = value.substr(0, value.find('='));
  if (first.empty()) return std::nullopt;
  return first;
}

std::string Quoted(const std::string& text) {
  return "\"" + text + "\"";
}

}  // namespace

SyncListing::SyncListing(std::string provider) : provider_(std::move(provider)) {}

bool SyncListing::Applies(const std::string& provider, const std::string& role) {
  return role == "Image" && (provider == "S3" || provider == "Swift");
}

std::string SyncListing::S3UniqueName(std::string_view key) {
  const size_t last = key.rfind('/');
  const std::string_view directory = last == std::string_view::npos ? key : key.substr(0, last);
  const size_t parent = directory.rfind('/');
  if (parent == std::string_view::npos) return "";
  return std::string(directory.substr(parent + 1));
}

void SyncListing::Observe(const store::ObjectInfo& object) {
  const std::string& key = object.key;
  if (provider_ == "S3") {
    if (!key.starts_with(kS3TemplateRoot)) return;
    const std::string unique_name = S3UniqueName(key);
    ListedTemplate& entry = templates_[unique_name];
    if (!entry.install_path.empty()) entry.shadowed.push_back(std::move(entry.install_path));
    entry.unique_name = unique_name;
    entry.install_path = key;
    entry.size = object.size;
    entry.physical_size = object.size;
    return;
  }
  if (provider_ != "Swift" || !key.starts_with(kSwiftTemplatePrefix)) return;
  const size_t slash = key.find('/');
  if (slash == std::string::npos) return;
  Container& container = containers_[key.substr(0, slash)];
  const std::string_view name = std::string_view(key).substr(slash + 1);
  if (name.starts_with(kProperties)) {
    ++container.properties_like;
    if (name == kProperties) container.has_properties = true;
  }
}

std::vector<std::string> SyncListing::PropertiesToRead() const {
  std::vector<std::string> names;
  for (const auto& [name, container] : containers_) {
    if (container.properties_like == 1 && container.has_properties) names.push_back(name);
  }
  return names;
}

std::string SyncListing::AddProperties(const std::string& container_name,
                                       const std::optional<std::string>& text) {
  Container& container = containers_[container_name];
  if (!text) {
    container.invisible = "template.properties could not be read";
    return "";
  }
  const cloudstack::TemplateProperties properties = cloudstack::ParseTemplateProperties(*text);
  const auto value = [&](const char* key) -> std::optional<std::string> {
    const auto found = properties.values.find(key);
    if (found == properties.values.end()) return std::nullopt;
    return found->second;
  };
  const std::optional<std::string> unique = value("uniquename");
  if (!unique) {
    container.invisible = "template.properties has no uniquename=";
    return "";
  }
  const std::optional<std::string> unique_name = JavaSplitValue(*unique);
  if (!unique_name) {
    container.invisible = "template.properties has an empty uniquename=";
    return "";
  }
  // filename= missing gives CloudStack the install path "<container>/null"; present but empty
  // throws, and the container is skipped. So does a size= that Long.parseLong rejects.
  std::string file_name = "null";
  if (const auto filename = value("filename")) {
    const std::optional<std::string> name = JavaSplitValue(*filename);
    if (!name) {
      container.invisible = "template.properties has an empty filename=";
      return "";
    }
    file_name = *name;
  }
  if (value("size") && properties.size < 0) {
    container.invisible = "template.properties has a size= that is not a number";
    return container.invisible;
  }
  container.unique_name = *unique_name;
  ListedTemplate& entry = templates_[*unique_name];
  entry.unique_name = *unique_name;
  entry.install_path = container_name + "/" + file_name;
  entry.physical_size = properties.size;
  entry.size = properties.virtualsize >= 0 ? properties.virtualsize : properties.size;
  if (value("virtualsize") && properties.virtualsize < 0) {
    return "template.properties has a virtualsize= that is not a number";
  }
  return "";
}

bool SyncListing::HasStrayProperties(const std::string& key) const {
  const auto found = containers_.find(key.substr(0, key.find('/')));
  if (found == containers_.end()) return false;
  const Container& c = found->second;
  return c.properties_like > (c.has_properties ? 1 : 0);
}

std::string SyncListing::WhyNotListed(const std::string& key,
                                      const std::string& unique_name) const {
  if (provider_ == "S3") {
    if (!key.starts_with(kS3TemplateRoot)) {
      return "the sync lists only keys under template/, and " + Quoted(key) + " is not one";
    }
    const std::string listed_as = S3UniqueName(key);
    if (listed_as != unique_name) {
      return "the sync takes the name of a key's parent directory for the unique name, and " +
             Quoted(key) + " gives " + Quoted(listed_as) + ", not " + Quoted(unique_name);
    }
    return "";
  }
  const size_t slash = key.find('/');
  const std::string container_name = key.substr(0, slash);
  if (!container_name.starts_with(kSwiftTemplatePrefix)) {
    return "the sync lists only containers whose name starts T-, and " + Quoted(container_name) +
           " does not";
  }
  const auto found = containers_.find(container_name);
  if (found == containers_.end()) return "";
  const Container& container = found->second;
  const std::string where = "container " + container_name;
  if (container.properties_like == 0) return where + " has no template.properties";
  if (container.properties_like > 1) {
    return where + " holds " + std::to_string(container.properties_like) +
           " objects whose names start with template.properties (the sync needs exactly one)";
  }
  if (!container.has_properties) {
    return where + "'s only object starting with template.properties is not named exactly that";
  }
  if (!container.invisible.empty()) return where + "'s " + container.invisible;
  if (container.unique_name != unique_name) {
    return where + "'s template.properties says uniquename=" + container.unique_name + ", not " +
           unique_name;
  }
  return "";
}

}  // namespace csm::reconcile
