// A run's recorded result (csm_run.result_json): written by apply, and all that its rollback needs
// besides the journal, so that no rule file is read to undo a run. Read back checked: a record
// that does not parse, has the wrong shape or disagrees with the run's journal is reported as
// csmigrate's own record being damaged (kDatabase, naming the run and the column), never taken for
// a change CloudStack made since the run.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apply/journal.h"
#include "apply/recorded_guard.h"
#include "common/result.h"
#include "db/dialect.h"

namespace csm::apply {

// What one step of the run did (status and people read it; rollback does not).
struct RecordedStep {
  int number = 0;
  std::string name;
  int64_t rows = 0, pinned = 0;
};

struct RunResult {
  std::vector<RecordedStep> steps;
  std::optional<int64_t> new_store_id;  // the image store the run inserted, if any
  // Per journaled table, the columns its images hold (absent in runs made before they were
  // recorded: then the live ones are used).
  std::optional<std::map<std::string, std::vector<std::string>>> image_columns;
  // Per table whose updated rows have narrow before-images, their columns.
  std::map<std::string, std::vector<std::string>> update_columns;
  std::string after_images;  // the digest form (Dialect::DigestForm), "" in older runs
  // Per table, the mask its after-image digests were made with (apply/journal.h); none: no mask.
  std::map<std::string, db::DigestMask> digest_masks;
  std::map<std::string, TableChanges> tables;  // rows the run changed, per table
  // The rollback guards the run was applied with (absent in runs made before they were recorded:
  // then the rule file's are compiled anew).
  std::optional<std::vector<RecordedGuard>> rollback_guards;
};

// Writes `result` as csm_run.result_json holds it.
void to_json(nlohmann::json& json, const RunResult& result);

// Parses run `run_id`'s result_json, as to_json writes it or as earlier versions wrote it (parts
// absent). kDatabase when it does not parse or a part has the wrong type.
Result<RunResult> ParseRunResult(int64_t run_id, const std::string& result_json);

// The error for run `run_id`'s record in `column` (e.g. "csm_run.result_json") being damaged in
// the way `what` says.
Status DamagedRecord(int64_t run_id, const std::string& column, const std::string& what);

}  // namespace csm::apply
