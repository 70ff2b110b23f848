// The ETags S3 and Swift report for uploaded content, computed locally (MD5 with OpenSSL EVP), so
// that an upload can be verified, and an object an earlier run uploaded adopted, by comparing
// ETags. Files are read streaming, in 1 MiB blocks, never whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace csm::store {

// Lower-case hex MD5 of `data`.
std::string Md5Hex(std::string_view data);

// Lower-case hex MD5 of the whole file at `path` (the ETag of a single PUT of it): kNotFound when
// it does not exist, kIo when it cannot be read.
Result<std::string> FileMd5Hex(const std::string& path);

// Lower-case hex MD5s of the consecutive `part_size`-byte parts of the file at `path` (the last
// part may be shorter; an empty file has none), read in one pass. `part_size` must be positive.
// Errors as FileMd5Hex.
Result<std::vector<std::string>> FilePartMd5Hex(const std::string& path, int64_t part_size);

// S3's ETag of a multipart upload whose parts have these MD5s (hex): the hex MD5 of the
// concatenated binary MD5s, then "-" and the number of parts. At least one part.
std::string S3MultipartEtag(const std::vector<std::string>& part_md5_hex);

// Swift's ETag of a Static Large Object whose segments have these ETags (hex MD5s), as HEAD and
// listings (slo_etag) report it: the hex MD5 of the concatenated hex strings. At least one.
std::string SwiftSloEtag(const std::vector<std::string>& segment_md5_hex);

}  // namespace csm::store
