#include "store/swift_listing.h"

#include <nlohmann/json.hpp>

namespace csm::store {
namespace {

// The string member `name` of a listing entry, or "".
std::string StringMember(const nlohmann::json& entry, const char* name) {
  const auto it = entry.find(name);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

}  // namespace

Result<std::vector<SwiftListingEntry>> ParseSwiftListing(std::string_view body,
                                                         std::string_view prefix,
                                                         std::string_view marker,
                                                         const std::string& where,
                                                         const std::string& what) {
  const nlohmann::json page = nlohmann::json::parse(body, nullptr, false);
  if (page.is_discarded() || !page.is_array()) {
    return Status(ErrorCode::kIo, "Swift " + where + " answered " + what + " with invalid JSON");
  }
  std::vector<SwiftListingEntry> entries;
  entries.reserve(page.size());
  std::string previous(marker);
  for (const nlohmann::json& item : page) {
    SwiftListingEntry entry;
    const auto bytes = item.is_object() ? item.find("bytes") : item.end();
    entry.name = item.is_object() ? StringMember(item, "name") : "";
    if (entry.name.empty() || bytes == item.end() || !bytes->is_number_integer()) {
      return Status(ErrorCode::kIo,
                    "Swift " + where + " answered " + what + " with an entry " +
                        item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                        " without a name and size");
    }
    if (!prefix.empty() && !entry.name.starts_with(prefix)) {
      return Status(ErrorCode::kIo, "Swift " + where + " listed " + Quoted(entry.name) + " in " +
                                        what + ", outside prefix " + Quoted(prefix));
    }
    if (!previous.empty() && entry.name <= previous) {
      return Status(ErrorCode::kIo, "Swift " + where + " listed " + Quoted(entry.name) + " after " +
                                        Quoted(previous) + " in " + what + ": out of order");
    }
    entry.bytes = bytes->get<int64_t>();
    entry.hash = StringMember(item, "hash");
    entry.slo_etag = StringMember(item, "slo_etag");
    entry.last_modified = StringMember(item, "last_modified");
    previous = entry.name;
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace csm::store
