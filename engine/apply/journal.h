// The rollback journal: before-images of every row a run updates or deletes, the ids of every row
// it inserts, and digests of their after-images (Dialect::RowDigest). Every write is one set-based
// statement in the run's transaction, so the journal commits or vanishes with the data.
//
// Secrets: a digest of a secret would let anyone who reads the journal confirm a guess offline,
// long after a rollback removed the secret itself. So the digests never see a secret stored in
// clear: the run masks the secret values of its detail rows (db::DigestMask), and its rollback
// digests the current rows with the same mask. A change to nothing but such a value is therefore
// not seen at rollback; every other change to those rows is (their id, store, name, other
// columns). Secrets the installation encrypts are digested as stored: ciphertext under a random
// salt or nonce, from which no guess can be confirmed, and any change to it is seen.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "rules/compiled_plan.h"
#include "rules/run_parameters.h"

namespace csm::apply {

// Rows changed by a run in one table.
struct TableChanges {
  int64_t inserted = 0, updated = 0, deleted = 0;
};

class Journal {
 public:
  // `update_columns` (from UpdateColumns) narrows the before-images of updated rows per table;
  // tables not in it get images of every column. `digest_masks` says, per table, which values
  // the after-image digests must not see (secrets stored in clear, so that no journal column lets
  // one be confirmed); the run records them (DigestMasks) for its rollback to digest alike.
  Journal(db::Connection& conn, const rules::Catalog& catalog, const rules::Bindings& bindings,
          int64_t run_id, std::map<std::string, std::vector<std::string>> update_columns = {},
          std::map<std::string, db::DigestMask> digest_masks = {})
      : conn_(conn),
        catalog_(catalog),
        bindings_(bindings),
        run_id_(run_id),
        update_columns_(std::move(update_columns)),
        digest_masks_(std::move(digest_masks)) {}

  // Records the before-image of each row of `table` matching `rows` that the run has not journaled
  // yet, with op 'U' (the update columns of the table, or every column) or 'D' (every column).
  // Call before the statement that changes them.
  Status RecordBefore(const std::string& table, const db::Statement& rows, char op, int step_no);

  // Records as inserted (op 'I') each row of `table` with id > `watermark` matching `rows`, and
  // returns how many it recorded (the caller checks them against the rows its statement inserted).
  // With `final_now` (no later step of the run writes these rows) the journal row also carries
  // the row's after-image digest, so CaptureAfterImages has nothing left to do for it.
  Result<int64_t> RecordInserted(const std::string& table, int64_t watermark,
                                 const db::Statement& rows, int step_no, bool final_now);

  // Stores the after-image digest of every journaled, not deleted row of the run that has none
  // yet (in the after table). Call last.
  Status CaptureAfterImages();

  // Per journaled table, the columns its images hold, in image order (every column: images of
  // deleted rows, and the after-image digests). Stored with the run: a rollback reads images by
  // this list, whatever the live schema has become.
  std::map<std::string, std::vector<std::string>> ImageColumns() const;

  // Per journaled table whose updated rows have narrow before-images, their columns in image
  // order. Stored with the run next to ImageColumns.
  std::map<std::string, std::vector<std::string>> UpdateImageColumns() const;

  // The form of the after-image digests this journal writes (Dialect::DigestForm), recorded with
  // the run so that its rollback digests the current rows the same way.
  std::string DigestForm() const { return conn_.dialect().DigestForm(); }

  // The masks the after-image digests of each table were made with, as given.
  const std::map<std::string, db::DigestMask>& DigestMasks() const { return digest_masks_; }

  // The run's changes per table, as journaled so far (counted while journaling: no query).
  const std::map<std::string, TableChanges>& Changes() const { return changes_; }

 private:
  Result<std::vector<db::Value>> Params(const db::Statement& sql) const;

  // The after-image digest of a row of `table` aliased `alias`, the table's mask applied.
  std::string Digest(const std::string& table, const std::string& alias) const;

  // Counts `rows` just written to the journal, and refreshes its planner statistics when it has
  // doubled since the last refresh.
  Status Journaled(int64_t rows);

  db::Connection& conn_;
  const rules::Catalog& catalog_;
  const rules::Bindings& bindings_;
  int64_t run_id_;
  std::map<std::string, TableChanges> changes_;
  std::map<std::string, std::vector<std::string>> update_columns_;
  std::map<std::string, db::DigestMask> digest_masks_;
  int64_t journal_rows_ = 0, rows_at_refresh_ = 0;
};

}  // namespace csm::apply
