// Where csmigrate's log lines go and how they look: stderr, as text for people or as JSON Lines
// for log collectors, and optionally a file too; -v / -q set how much.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace csm::cli {

struct LogOptions {
  std::string format = "text";  // "text" or "json"
  std::string file;             // also append every line here (always with a timestamp)
  bool verbose = false;         // debug lines too
  bool quiet = false;           // warnings and errors only on stderr (the file keeps the rest)
};

// Installs the logger `options` describe as spdlog's default. Text on stderr is "level: message"
// (a terminal's colours kept; the message as PrintableText, so controls, newlines and bytes that
// are not UTF-8 show as \x1b, \n, \xff); JSON lines are {"time": "<UTC ISO 8601 with Z>", "level":
// ..., "message": ...} with the message escaped as JSON; lines in --log-file always carry the UTC
// time. kInvalidArgument for an unknown format; kIo when the file cannot be opened for appending.
Status ConfigureLogging(const LogOptions& options);

// Says `message` as the command's final error: "csmigrate: error: MESSAGE" on stderr (escaped as
// every line), or with --log-format json a JSON line of level "error"; and in --log-file, with
// its time. Before ConfigureLogging ran with the command's options, on stderr alone. `message`
// must hold no secret: callers mask what they repeat.
void ReportError(const std::string& message);

// Ok while every line meant for --log-file reached it; else kIo naming the file and the system's
// first reason (logging goes on, but the file misses lines from then on).
Status LogFileStatus();

}  // namespace csm::cli
