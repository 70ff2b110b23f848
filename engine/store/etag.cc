#include "store/etag.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/digest.h"
#include "common/text.h"

namespace csm::store {
namespace {

constexpr size_t kBlock = size_t{1} << 20;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  assert(c >= 'A' && c <= 'F');
  return c - 'A' + 10;
}

// An MD5 computation that can be finished and restarted.
class Md5 {
 public:
  Md5() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    assert(context_ != nullptr);
    Restart();
  }
  void Restart() {
    const int ok = EVP_DigestInit_ex(context_.get(), EVP_md5(), nullptr);
    assert(ok == 1);
    (void)ok;
  }
  void Update(const void* data, size_t size) {
    const int ok = EVP_DigestUpdate(context_.get(), data, size);
    assert(ok == 1);
    (void)ok;
  }
  std::string FinishHex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const int ok = EVP_DigestFinal_ex(context_.get(), digest, &length);
    assert(ok == 1);
    (void)ok;
    return HexEncode(digest, length);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

// Reads the file at `path` once and returns the hex MD5 of each consecutive `part_size`-byte
// part; with `whole`, of the whole file (one digest even when it is empty).
Result<std::vector<std::string>> ReadMd5s(const std::string& path, int64_t part_size, bool whole) {
  assert(part_size > 0);
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                          &std::fclose);
  if (file == nullptr) {
    const int error = errno;
    return Status(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                  "cannot open " + path + ": " + std::strerror(error));
  }
  std::vector<std::string> digests;
  std::unique_ptr<char[]> buffer(new char[kBlock]);
  Md5 md5;
  int64_t in_part = 0;  // bytes of the current part hashed so far
  while (true) {
    const size_t want = whole ? kBlock
                              : static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kBlock),
                                                                      part_size - in_part));
    const size_t got = std::fread(buffer.get(), 1, want, file.get());
    if (got < want && std::ferror(file.get())) {
      return Status(ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
    }
    if (got == 0) break;
    md5.Update(buffer.get(), got);
    in_part += static_cast<int64_t>(got);
    if (!whole && in_part == part_size) {
      digests.push_back(md5.FinishHex());
      md5.Restart();
      in_part = 0;
    }
  }
  if (whole || in_part > 0) digests.push_back(md5.FinishHex());
  return digests;
}

}  // namespace

std::string Md5Hex(std::string_view data) {
  Md5 md5;
  md5.Update(data.data(), data.size());
  return md5.FinishHex();
}

Result<std::string> FileMd5Hex(const std::string& path) {
  CSM_ASSIGN_OR_RETURN(std::vector<std::string> digests,
                       ReadMd5s(path, static_cast<int64_t>(kBlock), true));
  return std::move(digests.front());
}

Result<std::vector<std::string>> FilePartMd5Hex(const std::string& path, int64_t part_size) {
  return ReadMd5s(path, part_size, false);
}

std::string S3MultipartEtag(const std::vector<std::string>& part_md5_hex) {
  assert(!part_md5_hex.empty());
  std::string binary;
  for (const std::string& hex : part_md5_hex) {
    assert(hex.size() == 32);
    for (size_t i = 0; i < hex.size(); i += 2) {
      binary += static_cast<char>(HexDigit(hex[i]) * 16 + HexDigit(hex[i + 1]));
    }
  }
  return Md5Hex(binary) + "-" + std::to_string(part_md5_hex.size());
}

std::string SwiftSloEtag(const std::vector<std::string>& segment_md5_hex) {
  assert(!segment_md5_hex.empty());
  std::string concatenated;
  for (const std::string& hex : segment_md5_hex) concatenated += hex;
  return Md5Hex(concatenated);
}

}  // namespace csm::store
