// How push and drain tell what they did: lines for people on stdout, or with --json the body of
// one document at the end (docs/json.md, "push and drain"; docs/schemas/push.schema.json and
// drain.schema.json), which the caller wraps with JsonDocument.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cloudstack/retire_verdict.h"
#include "push/push_runner.h"
#include "push/push_unit.h"
#include "push/swift_repair.h"

namespace csm::cli {

// Who runs a push or drain and since when, for its JSON document.
struct RunStamp {
  std::string worker;      // "host:pid", as the apply lock names its holder
  std::string started_at;  // UTC ISO 8601 with Z
};

// This process, starting now.
RunStamp StartRun();

// "pushed 2 of 3 units: 4 placeholders filled, ..." and one "  failed: UNIT: why" line per
// failed unit.
std::string RunnerText(const push::RunnerOutcome& outcome);

// What drain --dry-run would push: per unit its bytes and the staging copy each item would be
// read from, then the totals.
std::string DryRunText(const std::vector<push::PushUnit>& units);

// Per staging store, "staging store 1: can be retired now: ..." or "...: still held by ...".
std::string RetireText(const std::vector<cloudstack::RetireVerdict>& verdicts);

// The body of push's document for `kind` `id`: the stamp (finished_at: now), the outcome's counts
// and failures, and the template.properties written back on Swift stores (`repairs`, those
// written).
nlohmann::ordered_json PushJson(const RunStamp& stamp, const std::string& kind, int64_t id,
                                const push::RunnerOutcome& outcome,
                                const std::vector<push::PropertiesRepair>& repairs);

// The body of drain's document: the stamp (finished_at: now), the outcome's counts and failures,
// the retire verdicts, and with `dry_run` the units it would push (`planned`) instead of any
// outcome (counts of nothing done).
nlohmann::ordered_json DrainJson(const RunStamp& stamp, bool dry_run,
                                 const push::RunnerOutcome& outcome,
                                 const std::vector<push::PushUnit>& planned,
                                 const std::vector<cloudstack::RetireVerdict>& verdicts);

}  // namespace csm::cli
