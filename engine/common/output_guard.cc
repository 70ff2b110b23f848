#include "common/output_guard.h"

#include <sys/stat.h>

#include <filesystem>
#include <optional>

namespace csm {
namespace {

namespace fs = std::filesystem;

// Where `path` leads: its absolute path with every symlink that exists resolved, and its device
// and inode when it exists (symlinks followed).
struct Resolved {
  fs::path canonical;
  std::optional<std::pair<dev_t, ino_t>> inode;
};

Resolved Resolve(const std::string& path) {
  Resolved resolved;
  std::error_code ec;
  resolved.canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) resolved.canonical = fs::absolute(path, ec).lexically_normal();
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) resolved.inode = std::make_pair(info.st_dev, info.st_ino);
  return resolved;
}

bool SameFile(const Resolved& a, const Resolved& b) {
  return a.canonical == b.canonical || (a.inode && b.inode && *a.inode == *b.inode);
}

// Whether `path` is `tree` or lies anywhere under it.
bool Inside(const fs::path& path, const fs::path& tree) {
  auto p = path.begin();
  for (auto t = tree.begin(); t != tree.end(); ++t, ++p) {
    if (t->empty() && std::next(t) == tree.end()) return true;  // a trailing separator
    if (p == path.end() || *p != *t) return false;
  }
  return true;
}

std::string Named(const NamedPath& p) {
  return p.option + " " + p.path;
}

}  // namespace

Status CheckOutputsAreNotInputs(const FileRoles& roles) {
  for (size_t i = 0; i < roles.outputs.size(); ++i) {
    const NamedPath& output = roles.outputs[i];
    if (output.path.empty()) continue;
    const Resolved written = Resolve(output.path);
    const auto refuse = [&](const NamedPath& other, const std::string& what) {
      return Status(
          ErrorCode::kInvalidArgument,
          Named(output) + " is " + what + " " + Named(other) +
              ": writing there would change or destroy what this command reads; choose another "
              "file (nothing was written)");
    };
    for (const NamedPath& input : roles.inputs) {
      if (!input.path.empty() && SameFile(written, Resolve(input.path))) {
        return refuse(input, "the same file as");
      }
    }
    for (const NamedPath& tree : roles.input_trees) {
      if (!tree.path.empty() && Inside(written.canonical, Resolve(tree.path).canonical)) {
        return refuse(tree, "inside the tree csmigrate reads at");
      }
    }
    for (size_t j = i + 1; j < roles.outputs.size(); ++j) {
      if (!roles.outputs[j].path.empty() && SameFile(written, Resolve(roles.outputs[j].path))) {
        return refuse(roles.outputs[j], "the same file as the output");
      }
    }
  }
  return Status::Ok();
}

}  // namespace csm
