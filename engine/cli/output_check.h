// The one check of everything a command wrote to stdout and to --log-file: a write that failed
// (a full disk, /dev/full, a closed pipe's reader gone) is an error, never a silent success.
#pragma once

#include <string>

namespace csm::cli {

// Records what the command has made permanent before printing its result ("run 7 was applied
// and committed"), for the message FinishOutputs prints when an output then fails: the admin must
// not take the failure for a change that did not happen.
void NoteCommitted(std::string what);

// Flushes stdout and checks every write to it and to the log file so far (cli/logging.h's
// LogFileStatus). When one failed and `exit_code` is 0 or 1 (the command had a result to show),
// says so on stderr, naming stdout or the log file, the system's reason and what was committed,
// and returns 8 (kExitIo); otherwise returns `exit_code` (a command that failed has said why
// already). Call once, as the command ends.
int FinishOutputs(int exit_code);

}  // namespace csm::cli
