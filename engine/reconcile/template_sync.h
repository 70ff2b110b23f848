// CloudStack's template sync (TemplateServiceImpl.handleTemplateSync, cloudstack.md §5) replayed
// on one object store, from what the store really lists (SyncListing) and the database's
// templates and rows: what the next sync would do that loses or hides data, as findings.
// - sync_remove: a row the sync deletes ("Removing leftover template"), or marks Failed;
// - sync_repoint: a row whose install_path the sync changes (a placeholder it fills included,
//   whose staging pin is then never given back);
// - sync_delete: listed objects the sync deletes because no template it considers has their
//   unique name.
// A template the sync lists and has no row for gets a new row: not a finding. Pure logic: the
// caller streams the templates in and reads nothing else.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/dialect.h"
#include "reconcile/finding.h"
#include "reconcile/sync_listing.h"

namespace csm::reconcile {

// The object store whose sync is replayed.
struct SyncStore {
  int64_t id = 0;
  std::string provider;  // S3 or Swift
  bool region = true;    // data_center_id NULL: placeholders survive there
};

// A live (destroyed = 0) staging (ImageCache) row of a template.
struct SyncStagingRow {
  int64_t id = 0;
  int64_t store_id = 0;
  int64_t ref_cnt = 0;
  std::string state;
  std::string install_path;  // "" when NULL
};

// The template's live row on the store.
struct SyncRow {
  int64_t id = 0;
  std::string state;
  std::string download_state;
  std::optional<std::string> install_path;  // nullopt when NULL
  std::optional<int64_t> physical_size;
  // No one has touched it since it was made (update_count 0, last_updated NULL): push fills such
  // a placeholder whatever its state; one CloudStack is filling itself it leaves alone.
  bool untouched = false;
};

// One vm_template row, with its row on the store and its staging rows.
struct SyncTemplate {
  int64_t id = 0;
  std::string unique_name;
  std::string url;    // "" when NULL
  std::string type;   // SYSTEM, BUILTIN, PERHOST, USER
  std::string state;  // "" when NULL (4.3-era rows)
  int64_t account_id = 0;
  bool removed = false;
  bool is_child = false;  // parent_template_id IS NOT NULL
  bool direct_download = false;
  bool is_public = false;
  bool featured = false;
  std::optional<SyncRow> row;           // its live row on the store, the lowest id
  std::vector<SyncStagingRow> staging;  // by id
};

// Whether the sync considers `t`: not removed, and Active, NotUploaded or UploadInProgress (or no
// state at all, which a 4.3-era row may have; considered so as not to cry wolf), or SYSTEM, or
// BUILTIN. Children are considered only to be skipped.
bool IsConsidered(const SyncTemplate& t);

class TemplateSyncReplay {
 public:
  using Emit = std::function<void(const Finding&)>;

  // Replays the sync of `store` over `listing` (complete). `missing_rows` are the ids of the
  // store's template_store_ref rows whose install_path the listing does not hold (the claims
  // merge found them missing). Findings go to `emit`, their repair statements written for
  // `dialect`.
  TemplateSyncReplay(SyncStore store, SyncListing& listing, const std::set<int64_t>& missing_rows,
                     const db::Dialect& dialect, Emit emit);

  // Takes the next template. Every child template must come before the first template that is
  // not a child (the sync sets children aside first); otherwise any order, by id as the sync
  // goes. Templates that are removed or not considered are taken too: they only explain deletes.
  void Add(const SyncTemplate& t);

  // Emits a sync_delete for each listed template no considered template took.
  void Finish();

 private:
  void Listed(const SyncTemplate& t, const ListedTemplate& listed);
  void NotListed(const SyncTemplate& t);
  // The Ready staging row push would copy from: pinned first, then by id; nullptr when none.
  const SyncStagingRow* ReadyCopy(const SyncTemplate& t) const;
  // The staging row whose pin the row stands for: the lowest id with ref_cnt > 0.
  const SyncStagingRow* Pin(const SyncTemplate& t) const;
  // Where push would put `t` copied from `copy` (cloudstack.md §3).
  std::string PushKey(const SyncTemplate& t, const SyncStagingRow& copy) const;
  Finding RowFinding(FindingKind kind, const SyncTemplate& t) const;
  // `text` as a literal of the dialect the repairs are for.
  std::string Literal(const std::string& text) const;
  // "install_path = <literal>" or "install_path IS NULL": the guard that the row still has it.
  std::string PathGuard(const std::optional<std::string>& path) const;

  const db::Dialect& dialect_;
  SyncStore store_;
  SyncListing& listing_;
  const std::set<int64_t>& missing_rows_;
  Emit emit_;
  // For listed unique names: why the templates that have them are not considered.
  std::map<std::string, std::vector<std::string>> not_considered_;
};

}  // namespace csm::reconcile
