// The guard every file csmigrate writes passes first: an output never lands on a file the same
// invocation reads (its SQLite database, rule file, db.properties, details file, schemas, files
// under an --nfs-root ...), however it is reached (another spelling, a symlink, a hard link).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace csm {

// A path as the command line named it: the option ("--output", "--db") and the path.
struct NamedPath {
  std::string option;
  std::string path;
};

// What one invocation writes and reads. Empty paths are ignored.
struct FileRoles {
  std::vector<NamedPath> outputs;      // files written (reports, logs)
  std::vector<NamedPath> inputs;       // files read
  std::vector<NamedPath> input_trees;  // directories any file under which may be read
};

// Ok when no output is the same file as an input (same canonical path, or the same device and
// inode: symlinks and hard links resolved), lies under an input tree, or is the same file as
// another output. Else kInvalidArgument naming the output's option and path and the input's,
// so that the command can refuse before it opens anything for writing. Only looks (stat,
// realpath): creates, truncates and changes nothing.
Status CheckOutputsAreNotInputs(const FileRoles& roles);

}  // namespace csm
