// Fuzz target: Swift's JSON listings (store/swift_listing.h), as SwiftStore pages through them.
// Feeds: ParseSwiftListing with a prefix and a marker taken from the input's first bytes (each a
// length byte then that many bytes; an input too short for them uses "") and the rest of the
// input as the page's body.
// Checks: no crash, leak or undefined behaviour; a refusal is kIo; every entry read has a
// non-empty name that starts with the prefix, and the names ascend strictly after the marker.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "store/swift_listing.h"

using csm::fuzz::Require;

namespace {

// The next length-prefixed field of `input`, removed from it; "" when the input is too short.
std::string_view TakeField(std::string_view& input) {
  if (input.empty()) return {};
  const size_t length = static_cast<unsigned char>(input[0]) % 32;
  input.remove_prefix(1);
  if (length > input.size()) return {};
  const std::string_view field = input.substr(0, length);
  input.remove_prefix(length);
  return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view prefix = TakeField(input);
  const std::string_view marker = TakeField(input);
  const auto entries = csm::store::ParseSwiftListing(input, prefix, marker, "account fuzz at test",
                                                     "the listing of T-1");
  if (!entries.ok()) {
    Require(entries.status().code() == csm::ErrorCode::kIo);
    return 0;
  }
  std::string previous(marker);
  for (const csm::store::SwiftListingEntry& entry : entries.value()) {
    Require(!entry.name.empty() && entry.name.starts_with(prefix));
    Require(previous.empty() || entry.name > previous);
    previous = entry.name;
  }
  return 0;
}
