// ObjectStore over an NFS secondary-storage export already mounted at a local directory, as the
// reconciler reads it: keys are paths relative to the export's root with '/' separators and no
// leading '/' ("template/tmpl/2/201/abc.qcow2", cloudstack.md §4). Read-only: csmigrate never
// writes to a staging NFS export, so Put and Delete are refused.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace csm::store {

// Not thread-safe (the skipped-entry count): use one store per thread.
class NfsStore : public ObjectStore {
 public:
  // The store over the directory `root`, made absolute and canonical (symlinks resolved), or
  // kInvalidArgument naming `root` when it does not exist or is not a directory. Reads nothing
  // else.
  static Result<std::unique_ptr<NfsStore>> Create(std::string root);

  // "nfs export at ROOT" (the canonical root).
  std::string Describe() const override;

  // This store: its files can be read in place.
  NfsStore* AsNfs() override { return this; }

  // Walks the tree under the root and calls `on_object` for every regular file whose key starts
  // with `prefix`, in ascending byte order of the whole key, as S3 lists: each directory's entries
  // are sorted by name, a directory compared as "name/" (so "a-c" comes before "a/b"). Descends
  // only into directories that can hold keys starting with `prefix`; stops early (ok) when
  // `on_object` returns false. Memory stays bounded by the entries of the directories on the
  // current path (depth × width), never the whole tree. ObjectInfo: size in bytes, empty etag,
  // last_modified the mtime in UTC ("2026-11-25T10:34:58Z").
  // A symlink that resolves to a regular file inside the root is listed under its own path with
  // its target's size and mtime. Every other symlink (resolving outside the root, to a directory,
  // dangling or looping) and every other special file (fifo, socket, device) is skipped: never
  // followed or opened, logged with spdlog::warn (path only) and counted in skipped_symlinks().
  // A directory that cannot be read, or an entry that vanishes or cannot be examined during the
  // walk, is kIo naming the path: a listing that cannot finish is an error, never a short list.
  Status List(const std::string& prefix,
              const std::function<bool(const ObjectInfo&)>& on_object) override;

  // The object List would show at `key`, or nullopt when there is none (absent, a directory, a
  // special file, a dangling symlink, or a path through a symlinked directory, which List does not
  // descend). kInvalidArgument for a key that is not a canonical relative path (empty, absolute,
  // with "", "." or ".." components) or that resolves outside the root; kIo when it cannot be
  // examined.
  Result<std::optional<ObjectInfo>> Head(const std::string& key) override;

  // Streams the file at `key` to `sink` in chunks of at most 1 MiB (never read whole); a key with
  // no object (as Head) is kNotFound, a bad key kInvalidArgument, a read failure kIo; a sink error
  // stops the transfer and is returned.
  Status Get(const std::string& key,
             const std::function<Status(std::string_view chunk)>& sink) override;

  // Refused, deliberately: csmigrate never writes to a staging NFS export (the NFS stores stay
  // CloudStack's ImageCache). Always kInvalidArgument saying so; nothing is written.
  Result<ObjectInfo> Put(const std::string& key, const std::string& path) override;

  // Refused, deliberately, as Put: always kInvalidArgument; nothing is deleted.
  Status Delete(const std::string& key) override;

  // Refused, as Put (nothing is ever uploaded to NFS): always kInvalidArgument; reads nothing.
  Result<std::string> UploadEtag(const std::string& path) override;

  // Never (nothing is uploaded to NFS in parts, or at all): false.
  bool UploadsInParts(int64_t size) const override;

  // Nothing to do (Put never writes, so no upload is ever interrupted): always ok.
  Status DiscardInterruptedUploads(const std::string& key) override;

  // The local path of `key`, ROOT + "/" + key, after Head's key checks (kInvalidArgument for a
  // bad key or one resolving outside the root); the file need not exist. The reconciler reads
  // template.properties through it.
  Result<std::string> PathOf(const std::string& key) const;

  // How many symlinks and special files List has skipped since the store was created (over all
  // listings; an entry is counted once per listing that reaches it).
  int64_t skipped_symlinks() const { return skipped_; }

 private:
  // One entry of a directory being walked, as List will treat it.
  struct Entry {
    enum class Kind { kFile, kDirectory, kSkipped };
    std::string sort_name;  // the name, plus "/" for a directory
    Kind kind;
    struct stat info {};   // kFile: the file's (a symlink's target's) status
    const char* why = "";  // kSkipped: what it is, for the log
  };

  explicit NfsStore(std::string root);

  // Lists `dir` (whose keys start with `dir_key`, "" or ending in '/'); false when `on_object`
  // stopped the walk.
  Result<bool> Walk(const std::string& dir, const std::string& dir_key, const std::string& prefix,
                    const std::function<bool(const ObjectInfo&)>& on_object);
  // The entries of `dir` that can hold keys starting with `prefix`, sorted.
  Result<std::vector<Entry>> ReadEntries(const std::string& dir, const std::string& dir_key,
                                         const std::string& prefix) const;
  // How List treats the symlink at `path` (key `key`), with `prefix`; nullopt when it cannot
  // match `prefix`.
  Result<std::optional<Entry>> ClassifySymlink(const std::string& path, const std::string& name,
                                               const std::string& key,
                                               const std::string& prefix) const;
  // The status of the regular file List would show at `key` (its local path in `path`), or
  // nullopt.
  Result<std::optional<struct stat>> Lookup(const std::string& key, std::string* path) const;
  // Whether the canonical path `real` is the root or inside it.
  bool Inside(const std::string& real) const;

  std::string root_;        // canonical, absolute
  std::string root_slash_;  // root_ ending in '/'
  int64_t skipped_ = 0;
};

}  // namespace csm::store
