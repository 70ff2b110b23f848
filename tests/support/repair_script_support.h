// The repair script reconcile writes for a template_store_ref row whose install_path holds
// hostile text, for tests that run its suggested statement on a real database as a person would.
#pragma once

#include <cstdint>
#include <set>
#include <sstream>
#include <string>

#include "db/dialect.h"
#include "reconcile/report.h"
#include "reconcile/sync_listing.h"
#include "reconcile/template_sync.h"

namespace csm::test {

// The --repair-sql script, for `dialect`, of an S3 Image store (id 2) that lists template 201 at
// `listed_key` (under template/) while row #`row_id` says `row_path`: a sync_repoint whose
// suggested statement sets the row's install_path to `listed_key`, guarded by `row_path`.
inline std::string RepointRepairScript(const db::Dialect& dialect, int64_t row_id,
                                       const std::string& row_path, const std::string& listed_key) {
  reconcile::SyncListing listing("S3");
  store::ObjectInfo object;
  object.key = listed_key;
  object.size = 10;
  listing.Observe(object);
  reconcile::SyncTemplate t;
  t.id = 201;
  t.unique_name = reconcile::SyncListing::S3UniqueName(listed_key);
  t.url = "http://dl.example.com/t.qcow2";
  t.type = "USER";
  t.state = "Active";
  t.account_id = 2;
  t.is_public = true;
  t.row = reconcile::SyncRow{row_id, "Ready", "DOWNLOADED", row_path, std::nullopt, false};
  auto report = reconcile::Report::Create(reconcile::ReportFormat::kJsonLines, false);
  if (!report.ok()) return "";
  const std::set<int64_t> missing_rows;
  reconcile::TemplateSyncReplay replay({2, "S3", true}, listing, missing_rows, dialect,
                                       [&](const reconcile::Finding& f) { (*report)->Add(f); });
  replay.Add(t);
  replay.Finish();
  std::ostringstream out;
  if (!(*report)->WriteRepairSql(out, dialect.name()).ok()) return "";
  return out.str();
}

// The statement a person would run from `script`: its line that starts with "-- " + `start`,
// without the "-- "; "" when it has none.
inline std::string SuggestedStatement(const std::string& script, const std::string& start) {
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("-- " + start)) return line.substr(3);
  }
  return "";
}

}  // namespace csm::test
