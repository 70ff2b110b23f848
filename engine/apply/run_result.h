// A run's recorded result (csm_run.result_json) as rollback reads it, checked: a record that does
// not parse, has the wrong shape or disagrees with the run's journal is reported as csmigrate's own
// record being damaged (kDatabase, naming the run and the column), never taken for a change
// CloudStack made since the run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apply/journal.h"
#include "common/result.h"
#include "db/dialect.h"

namespace csm::apply {

struct RunResult {
  // Per journaled table, the columns its images hold (absent in runs made before they were
  // recorded: then the live ones are used).
  std::optional<std::map<std::string, std::vector<std::string>>> image_columns;
  // Per table whose updated rows have narrow before-images, their columns.
  std::map<std::string, std::vector<std::string>> update_columns;
  std::string after_images;  // the digest form (Dialect::DigestForm), "" in older runs
  // Per table, the mask its after-image digests were made with (apply/journal.h); none: no mask.
  std::map<std::string, db::DigestMask> digest_masks;
  std::map<std::string, TableChanges> tables;  // rows the run changed, per table
};

// Parses run `run_id`'s result_json. kDatabase when it does not parse or a part has the wrong type.
Result<RunResult> ParseRunResult(int64_t run_id, const std::string& result_json);

// The error for run `run_id`'s record in `column` (e.g. "csm_run.result_json") being damaged in
// the way `what` says.
Status DamagedRecord(int64_t run_id, const std::string& column, const std::string& what);

}  // namespace csm::apply
