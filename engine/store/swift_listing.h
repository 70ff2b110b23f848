// Swift's JSON listings (GET on an account or a container with ?format=json), as SwiftStore pages
// through them: one page's text to its entries, checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace csm::store {

// One entry of an account listing (a container) or a container listing (an object).
struct SwiftListingEntry {
  std::string name;
  int64_t bytes = 0;
  std::string hash;           // objects: the ETag (an SLO's: its manifest's)
  std::string slo_etag;       // SLOs: the large object's ETag, quoted
  std::string last_modified;  // "2026-11-25T10:34:58.947690"
};

// Parses one listing page `body`: a JSON array of objects, each with a non-empty string "name" and
// an integer "bytes"; "hash", "slo_etag" and "last_modified" are "" when absent or not strings,
// other members are ignored. The page was asked for with `prefix` and `marker` ("" for none):
// every name must start with `prefix` and come strictly after `marker` and after the name before
// it (ascending byte order, as Swift lists). Anything else is kIo: "Swift <where> answered <what>
// with invalid JSON" (not JSON or not an array), "... with an entry <entry> without a name and
// size", "Swift <where> listed <name> in <what>, outside prefix <prefix>" or "... after <name>
// in <what>: out of order" (`where` e.g. "account A at URL", `what` e.g. "the listing of T-5").
Result<std::vector<SwiftListingEntry>> ParseSwiftListing(std::string_view body,
                                                         std::string_view prefix,
                                                         std::string_view marker,
                                                         const std::string& where,
                                                         const std::string& what);

}  // namespace csm::store
