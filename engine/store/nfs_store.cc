#include "store/nfs_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

namespace csm::store {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

std::string ErrnoText(int error) {
  return std::strerror(error);
}

// `dir` + "/" + `name`, without doubling the '/' of the root "/".
std::string Join(const std::string& dir, std::string_view name) {
  return dir.ends_with('/') ? dir + std::string(name) : dir + "/" + std::string(name);
}

// Whether one of `a` and `b` starts with the other: a directory whose keys start with `a` can
// hold keys starting with `b`.
bool Compatible(std::string_view a, std::string_view b) {
  return a.starts_with(b) || b.starts_with(a);
}

// The canonical form of `path` (realpath), or the errno of the failure.
std::pair<std::string, int> RealPath(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) return {"", errno};
  std::string result(real);
  std::free(real);
  return {result, 0};
}

// A modification time as "2026-11-25T10:34:58Z".
std::string FormatMtime(const struct stat& info) {
  std::tm utc{};
  gmtime_r(&info.st_mtim.tv_sec, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

ObjectInfo MakeInfo(std::string key, const struct stat& info) {
  return ObjectInfo{std::move(key), static_cast<int64_t>(info.st_size), "", FormatMtime(info)};
}

// kInvalidArgument unless `key` is a canonical relative path: not empty, not absolute, no NUL, and
// no "", "." or ".." component.
Status CheckKey(const std::string& key) {
  if (key.empty()) return Status(ErrorCode::kInvalidArgument, "an empty NFS key");
  if (key.front() == '/') {
    return Status(ErrorCode::kInvalidArgument,
                  "the NFS key \"" + key + "\" is absolute; keys are relative to the export root");
  }
  if (key.find('\0') != std::string::npos) {
    return Status(ErrorCode::kInvalidArgument, "the NFS key \"" + key + "\" contains a NUL byte");
  }
  size_t start = 0;
  while (true) {
    const size_t end = key.find('/', start);
    const std::string_view part =
        std::string_view(key).substr(start, end == std::string::npos ? end : end - start);
    if (part.empty() || part == "." || part == "..") {
      return Status(ErrorCode::kInvalidArgument,
                    "the NFS key \"" + key + "\" has an empty, \".\" or \"..\" component");
    }
    if (end == std::string::npos) return Status::Ok();
    start = end + 1;
  }
}

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

NfsStore::NfsStore(std::string root)
    : root_(std::move(root)), root_slash_(root_.ends_with('/') ? root_ : root_ + "/") {}

Result<std::unique_ptr<NfsStore>> NfsStore::Create(std::string root) {
  auto [real, error] = RealPath(root);
  if (error != 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "the NFS export root \"" + root + "\" cannot be used: " + ErrnoText(error));
  }
  struct stat info;
  if (stat(real.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return Status(ErrorCode::kInvalidArgument,
                  "the NFS export root \"" + root + "\" is not a directory");
  }
  return std::unique_ptr<NfsStore>(new NfsStore(std::move(real)));
}

std::string NfsStore::Describe() const {
  return "nfs export at " + root_;
}

bool NfsStore::Inside(const std::string& real) const {
  return real == root_ || real.starts_with(root_slash_);
}

Status NfsStore::List(const std::string& prefix,
                      const std::function<bool(const ObjectInfo&)>& on_object) {
  return Walk(root_, "", prefix, on_object).status();
}

Result<bool> NfsStore::Walk(const std::string& dir, const std::string& dir_key,
                            const std::string& prefix,
                            const std::function<bool(const ObjectInfo&)>& on_object) {
  CSM_ASSIGN_OR_RETURN(const std::vector<Entry> entries, ReadEntries(dir, dir_key, prefix));
  for (const Entry& entry : entries) {
    switch (entry.kind) {
      case Entry::Kind::kFile:
        if (!on_object(MakeInfo(dir_key + entry.sort_name, entry.info))) return false;
        break;
      case Entry::Kind::kDirectory: {
        const std::string name = entry.sort_name.substr(0, entry.sort_name.size() - 1);
        CSM_ASSIGN_OR_RETURN(const bool go_on,
                             Walk(Join(dir, name), dir_key + entry.sort_name, prefix, on_object));
        if (!go_on) return false;
        break;
      }
      case Entry::Kind::kSkipped:
        spdlog::warn("{}: skipping {}, {}", Describe(), Join(dir, entry.sort_name), entry.why);
        ++skipped_;
        break;
    }
  }
  return true;
}

Result<std::vector<NfsStore::Entry>> NfsStore::ReadEntries(const std::string& dir,
                                                           const std::string& dir_key,
                                                           const std::string& prefix) const {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(opendir(dir.c_str()), &closedir);
  if (handle == nullptr) {
    return Status(ErrorCode::kIo, "cannot read directory " + dir + ": " + ErrnoText(errno));
  }
  std::vector<Entry> entries;
  while (true) {
    errno = 0;
    const dirent* item = readdir(handle.get());
    if (item == nullptr) {
      if (errno != 0) {
        return Status(ErrorCode::kIo, "cannot read directory " + dir + ": " + ErrnoText(errno));
      }
      break;
    }
    const std::string name = item->d_name;
    if (name == "." || name == "..") continue;
    const std::string key = dir_key + name;
    if (!Compatible(key + "/", prefix)) continue;
    const std::string path = Join(dir, name);
    struct stat info;
    if (fstatat(dirfd(handle.get()), item->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      return Status(ErrorCode::kIo, "cannot examine " + path + ": " + ErrnoText(errno));
    }
    const bool matches = key.starts_with(prefix);
    if (S_ISDIR(info.st_mode)) {
      entries.push_back(Entry{.sort_name = name + "/", .kind = Entry::Kind::kDirectory});
    } else if (S_ISREG(info.st_mode)) {
      if (matches) {
        entries.push_back(Entry{.sort_name = name, .kind = Entry::Kind::kFile, .info = info});
      }
    } else if (S_ISLNK(info.st_mode)) {
      CSM_ASSIGN_OR_RETURN(std::optional<Entry> link, ClassifySymlink(path, name, key, prefix));
      if (link) entries.push_back(std::move(*link));
    } else if (matches) {
      entries.push_back(Entry{.sort_name = name,
                              .kind = Entry::Kind::kSkipped,
                              .why = "a special file (fifo, socket or device)"});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.sort_name < b.sort_name; });
  return entries;
}

Result<std::optional<NfsStore::Entry>> NfsStore::ClassifySymlink(const std::string& path,
                                                                 const std::string& name,
                                                                 const std::string& key,
                                                                 const std::string& prefix) const {
  using Found = std::optional<Entry>;
  const auto skipped = [&name](const char* why) {
    return Found(Entry{.sort_name = name, .kind = Entry::Kind::kSkipped, .why = why});
  };
  const bool matches = key.starts_with(prefix);
  const auto [target, error] = RealPath(path);
  if (error != 0) {
    struct stat info;
    if (lstat(path.c_str(), &info) != 0) {
      return Status(ErrorCode::kIo, "cannot examine " + path + ": " + ErrnoText(errno));
    }
    if (error != ENOENT && error != ENOTDIR && error != ELOOP) {
      return Status(ErrorCode::kIo, "cannot resolve symlink " + path + ": " + ErrnoText(error));
    }
    return matches ? skipped("a dangling or looping symlink") : Found();
  }
  // A symlink out of the export is not even examined, so whatever it points at is never touched.
  if (!Inside(target)) return skipped("a symlink resolving outside the export");
  struct stat info;
  if (stat(target.c_str(), &info) != 0) {
    return Status(ErrorCode::kIo, "cannot examine " + path + ": " + ErrnoText(errno));
  }
  if (S_ISDIR(info.st_mode)) return skipped("a symlink to a directory (not descended)");
  if (!matches) return Found();
  if (S_ISREG(info.st_mode)) {
    return Found(Entry{.sort_name = name, .kind = Entry::Kind::kFile, .info = info});
  }
  return skipped("a symlink to a special file");
}

Result<std::string> NfsStore::PathOf(const std::string& key) const {
  CSM_RETURN_IF_ERROR(CheckKey(key));
  const std::string path = root_slash_ + key;
  // The deepest part of the path that exists must resolve inside the root.
  std::string probe = path;
  while (probe.size() > root_.size()) {
    const auto [real, error] = RealPath(probe);
    if (error == 0) {
      if (!Inside(real)) {
        return Status(ErrorCode::kInvalidArgument,
                      "the NFS key \"" + key + "\" resolves outside " + Describe());
      }
      return path;
    }
    if (error != ENOENT && error != ENOTDIR) {
      return Status(ErrorCode::kIo, "cannot resolve " + probe + ": " + ErrnoText(error));
    }
    probe.resize(probe.rfind('/'));
  }
  return path;
}

Result<std::optional<struct stat>> NfsStore::Lookup(const std::string& key,
                                                    std::string* path) const {
  using Found = std::optional<struct stat>;
  CSM_ASSIGN_OR_RETURN(*path, PathOf(key));
  struct stat info;
  if (stat(path->c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) return Found();
    return Status(ErrorCode::kIo, "cannot examine " + *path + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(info.st_mode)) return Found();
  // List does not descend symlinked directories: the directories on the way must be real ones.
  const size_t slash = key.rfind('/');
  if (slash != std::string::npos) {
    const std::string parent = root_slash_ + key.substr(0, slash);
    const auto [real, error] = RealPath(parent);
    if (error != 0) {
      return Status(ErrorCode::kIo, "cannot resolve " + parent + ": " + ErrnoText(error));
    }
    if (real != parent) return Found();
  }
  return Found(info);
}

Result<std::optional<ObjectInfo>> NfsStore::Head(const std::string& key) {
  std::string path;
  CSM_ASSIGN_OR_RETURN(const std::optional<struct stat> info, Lookup(key, &path));
  if (!info) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(MakeInfo(key, *info));
}

Status NfsStore::Get(const std::string& key,
                     const std::function<Status(std::string_view chunk)>& sink) {
  std::string path;
  CSM_ASSIGN_OR_RETURN(const std::optional<struct stat> found, Lookup(key, &path));
  const Status missing(ErrorCode::kNotFound, "no object " + key + " in " + Describe());
  if (!found) return missing;
  // O_NONBLOCK: should the file have been replaced by a fifo since, opening it does not hang.
  const FileDescriptor file(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) return missing;
    return Status(ErrorCode::kIo, "cannot open " + path + ": " + ErrnoText(errno));
  }
  struct stat info;
  if (fstat(file.get(), &info) != 0) {
    return Status(ErrorCode::kIo, "cannot examine " + path + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(info.st_mode)) return missing;
  std::string buffer(kChunkBytes, '\0');
  while (true) {
    const ssize_t got = read(file.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status(ErrorCode::kIo, "cannot read " + path + ": " + ErrnoText(errno));
    }
    if (got == 0) return Status::Ok();
    CSM_RETURN_IF_ERROR(sink(std::string_view(buffer.data(), static_cast<size_t>(got))));
  }
}

Result<ObjectInfo> NfsStore::Put(const std::string& key, const std::string& /*path*/) {
  return Status(ErrorCode::kInvalidArgument,
                "refusing to write " + key + " to " + Describe() +
                    ": csmigrate never writes to a staging NFS export");
}

Status NfsStore::Delete(const std::string& key) {
  return Status(ErrorCode::kInvalidArgument,
                "refusing to delete " + key + " from " + Describe() +
                    ": csmigrate never writes to a staging NFS export");
}

Result<std::string> NfsStore::UploadEtag(const std::string& path) {
  return Status(ErrorCode::kInvalidArgument,
                "refusing to compute an upload ETag of " + path + " for " + Describe() +
                    ": csmigrate never writes to a staging NFS export");
}

bool NfsStore::UploadsInParts(int64_t) const {
  return false;
}

Status NfsStore::DiscardInterruptedUploads(const std::string& /*key*/) {
  return Status::Ok();
}

}  // namespace csm::store
