// The exit codes of csmigrate, one per kind of failure a user can cause. Documented in --help and
// README.md; scripts rely on them, so they never change meaning.
#pragma once

#include "common/result.h"

namespace csm::cli {

inline constexpr int kExitOk = 0;            // done (also: the run was already applied)
inline constexpr int kExitFindings = 1;      // a report found differences (reconcile, replay)
inline constexpr int kExitUsage = 2;         // bad command line or parameter
inline constexpr int kExitRules = 3;         // the rule file is invalid for this database
inline constexpr int kExitPrecondition = 4;  // the database is not in a state the rules accept
inline constexpr int kExitConflict = 5;      // locked by another run, or rows changed since a run
inline constexpr int kExitNotFound = 6;      // a database, run, file or object that does not exist
inline constexpr int kExitDatabase = 7;      // the database failed
inline constexpr int kExitSignalBase = 128;  // push, drain: stopped by signal N, exit 128 + N
inline constexpr int kExitIo = 8;            // a file, network or crypto operation failed

inline constexpr const char* kExitCodeHelp =
    "Exit codes: 0 done (or already applied), 1 differences found, 2 bad usage or parameter,\n"
    "3 invalid rule file, 4 precondition refused, 5 locked or conflicting changes,\n"
    "6 not found, 7 database error, 8 file/network/crypto error; push and drain: 130 or 143\n"
    "when stopped by SIGINT or SIGTERM.";

inline int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    case ErrorCode::kInvalidRules:
      return kExitRules;
    case ErrorCode::kPrecondition:
      return kExitPrecondition;
    case ErrorCode::kConflict:
      return kExitConflict;
    case ErrorCode::kNotFound:
      return kExitNotFound;
    case ErrorCode::kDatabase:
      return kExitDatabase;
    case ErrorCode::kIo:
    case ErrorCode::kCrypto:
      return kExitIo;
  }
  return kExitIo;
}

}  // namespace csm::cli
