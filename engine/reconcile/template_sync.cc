#include "reconcile/template_sync.h"

#include <utility>

#include "common/printable_text.h"
namespace csm::reconcile {
namespace {

const std::string kTable = "template_store_ref";

std::string PathText(const std::optional<std::string>& path) {
  return path ? *path : "NULL";
}

std::string StagingName(const SyncStagingRow& s) {
  return "staging row #" + std::to_string(s.id) + " on store " + std::to_string(s.store_id) +
         " (ref_cnt " + std::to_string(s.ref_cnt) + ")";
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : separator) + part;
  return text;
}

// Why the sync does not consider `t`, for the detail of a delete.
std::string NotConsideredReason(const SyncTemplate& t) {
  const std::string name = "template " + std::to_string(t.id);
  if (t.removed) return name + " is removed";
  return name + (t.is_child ? " (a child template)" : "") + " is in state " +
         (t.state.empty() ? std::string("NULL") : t.state) + " and of type " +
         (t.type.empty() ? std::string("NULL") : t.type);
}

// Whether push fills `row`: a placeholder that is Ready, or that no one has touched since it was
// made (push/unit_query.h); one CloudStack moved on itself is its own copy's.
bool PushTakes(const SyncRow& row) {
  return !row.install_path && (row.state == "Ready" || row.untouched);
}

}  // namespace

std::string TemplateSyncReplay::Literal(const std::string& text) const {
  return dialect_.TextLiteral(text);
}

std::string TemplateSyncReplay::PathGuard(const std::optional<std::string>& path) const {
  return path ? "install_path = " + Literal(*path) : "install_path IS NULL";
}

bool IsConsidered(const SyncTemplate& t) {
  if (t.removed) return false;
  return t.state.empty() || t.state == "Active" || t.state == "NotUploaded" ||
         t.state == "UploadInProgress" || t.type == "SYSTEM" || t.type == "BUILTIN";
}

TemplateSyncReplay::TemplateSyncReplay(SyncStore store, SyncListing& listing,
                                       const std::set<int64_t>& missing_rows,
                                       const db::Dialect& dialect, Emit emit)
    : dialect_(dialect),
      store_(std::move(store)),
      listing_(listing),
      missing_rows_(missing_rows),
      emit_(std::move(emit)) {}

void TemplateSyncReplay::Add(const SyncTemplate& t) {
  auto& listed = listing_.templates();
  const auto found = listed.find(t.unique_name);
  if (!IsConsidered(t)) {
    if (found != listed.end()) not_considered_[t.unique_name].push_back(NotConsideredReason(t));
    return;
  }
  if (t.is_child) {
    // The sync sets children aside, and their listed templates with them: neither kept nor
    // deleted.
    if (found != listed.end()) listed.erase(found);
    return;
  }
  if (found == listed.end()) {
    NotListed(t);
    return;
  }
  const ListedTemplate entry = std::move(found->second);
  listed.erase(found);
  Listed(t, entry);
}

void TemplateSyncReplay::Finish() {
  for (const auto& [unique_name, entry] : listing_.templates()) {
    Finding f;
    f.kind = FindingKind::kSyncDelete;
    f.store_id = store_.id;
    f.key = entry.install_path;
    if (entry.physical_size >= 0) f.store_size = entry.physical_size;
    const auto reasons = not_considered_.find(unique_name);
    const std::string why = reasons != not_considered_.end()
                                ? Join(reasons->second, "; ")
                                : "no vm_template row has unique name \"" + unique_name + "\"";
    const std::string what = store_.provider == "S3"
                                 ? "every key that begins with " + entry.install_path
                                 : "the template of container " +
                                       entry.install_path.substr(0, entry.install_path.find('/'));
    f.detail = "CloudStack's template sync lists this as the template with unique name \"" +
               unique_name + "\", but considers no template of that name (" + why +
               "), so it deletes " + what + " from the store";
    if (!entry.shadowed.empty()) {
      f.detail +=
          " (listed before it under the same name and left alone: " + Join(entry.shadowed, ", ") +
          ")";
    }
    f.repair =
        "-- sync_delete: " + PrintableText(entry.install_path) + " on store " +
        std::to_string(store_.id) + ": " + PrintableText(f.detail) +
        ".\n-- No SQL keeps it: if it must be kept, move it out of " +
        (store_.provider == "S3" ? std::string("template/") : std::string("its T- container")) +
        " before CloudStack's next sync, or register it under a template that is Active.";
    emit_(f);
  }
  listing_.templates().clear();
}

Finding TemplateSyncReplay::RowFinding(FindingKind kind, const SyncTemplate& t) const {
  Finding f;
  f.kind = kind;
  f.store_id = store_.id;
  f.table = kTable;
  f.row_id = t.row->id;
  f.object_id = t.id;
  f.key = t.row->install_path.value_or("");
  f.db_size = t.row->physical_size;
  f.state = t.row->state;
  return f;
}

const SyncStagingRow* TemplateSyncReplay::ReadyCopy(const SyncTemplate& t) const {
  const SyncStagingRow* best = nullptr;
  for (const auto& s : t.staging) {
    if (s.state != "Ready" || s.install_path.empty()) continue;
    if (best == nullptr || (s.ref_cnt > 0 && best->ref_cnt <= 0)) best = &s;
  }
  return best;
}

const SyncStagingRow* TemplateSyncReplay::Pin(const SyncTemplate& t) const {
  for (const auto& s : t.staging) {
    if (s.ref_cnt > 0) return &s;
  }
  return nullptr;
}

std::string TemplateSyncReplay::PushKey(const SyncTemplate& t, const SyncStagingRow& copy) const {
  const std::string file = copy.install_path.substr(copy.install_path.rfind('/') + 1);
  if (store_.provider == "Swift") return "T-" + std::to_string(t.id) + "/" + file;
  return "template/tmpl/" + std::to_string(t.account_id) + "/" + std::to_string(t.id) + "/" +
         t.unique_name + "/" + file;
}

void TemplateSyncReplay::Listed(const SyncTemplate& t, const ListedTemplate& listed) {
  if (!t.row) return;  // the sync creates the row: nothing is lost
  const SyncRow& row = *t.row;
  if (row.install_path && *row.install_path == listed.install_path) return;  // sizes only
  Finding f = RowFinding(FindingKind::kSyncRepoint, t);
  f.key = listed.install_path;
  if (listed.physical_size >= 0) f.store_size = listed.physical_size;
  const std::string template_name =
      "template " + std::to_string(t.id) + " (unique name \"" + t.unique_name + "\")";
  f.detail = "CloudStack's template sync lists " + template_name + " at " + listed.install_path +
             " and sets this row's install_path to it (now " + PathText(row.install_path) + ")";
  bool shadowed = false;
  for (const auto& key : listed.shadowed) shadowed = shadowed || (row.install_path == key);
  if (shadowed) {
    f.detail +=
        "; the row's own key is listed too, but the sync keeps the key listed last "
        "under a unique name";
  }
  const SyncStagingRow* pin = Pin(t);
  if (!row.install_path) {
    f.detail += pin != nullptr ? "; the placeholder is filled, but the pin it stood for on " +
                                     StagingName(*pin) +
                                     " is never given back, so that staging store can never "
                                     "be retired"
                               : "; the placeholder is filled";
  }
  const std::string head = "-- sync_repoint: template_store_ref #" + std::to_string(row.id) +
                           " (template " + std::to_string(t.id) + ") on store " +
                           std::to_string(store_.id) + ": the sync would set install_path to " +
                           PrintableText(listed.install_path) + " (now " +
                           PrintableText(PathText(row.install_path)) + ").\n";
  const SyncStagingRow* copy = ReadyCopy(t);
  if (PushTakes(row) && copy != nullptr && PushKey(t, *copy) == listed.install_path) {
    f.action = "csmigrate push template " + std::to_string(t.id);
    f.repair = head + "-- " + f.action + " fills it from " + PrintableText(StagingName(*copy)) +
               ", verifying the object, and gives the pin back.";
    emit_(f);
    return;
  }
  std::string repair = head + "-- If " + PrintableText(listed.install_path) + " is template " +
                       std::to_string(t.id) + "'s file, record it as the sync would:\n-- UPDATE " +
                       kTable + " SET install_path = " + Literal(listed.install_path);
  if (!row.install_path) {
    repair += ", state = 'Ready', download_state = 'DOWNLOADED', download_pct = 100";
  }
  repair += " WHERE id = " + std::to_string(row.id) + " AND " + PathGuard(row.install_path) + ";";
  if (!row.install_path && pin != nullptr) {
    repair += "\n-- UPDATE " + std::string(kTable) +
              " SET ref_cnt = " + std::to_string(pin->ref_cnt - 1) +
              " WHERE id = " + std::to_string(pin->id) +
              " AND ref_cnt = " + std::to_string(pin->ref_cnt) + ";";
  }
  repair += std::string("\n-- If it is not, ") +
            (store_.provider == "S3"
                 ? "remove it from the store (the sync keeps the key listed last under the name "
                   "of its parent directory)."
                 : "correct the template.properties of its container.");
  f.repair = repair;
  emit_(f);
}

void TemplateSyncReplay::NotListed(const SyncTemplate& t) {
  if (!t.row) return;  // the sync may queue a download; nothing of the store's is touched
  const SyncRow& row = *t.row;
  const std::string id = std::to_string(t.id);
  const std::string template_name = "template " + id + " (unique name \"" + t.unique_name + "\")";
  const std::string head = "-- sync_remove: template_store_ref #" + std::to_string(row.id) +
                           " (template " + id + ") on store " + std::to_string(store_.id) + ": ";
  if (t.state == "NotUploaded" || t.state == "UploadInProgress") {
    Finding f = RowFinding(FindingKind::kSyncRemove, t);
    f.detail = "CloudStack's template sync does not list " + template_name +
               ", which is being uploaded through the SSVM (state " + t.state +
               "): it marks this row Failed (DOWNLOAD_ERROR) and the template's upload failed";
    f.repair =
        head + PrintableText(f.detail) + ".\n-- Finish or cancel the upload before the next sync.";
    emit_(f);
    return;
  }
  if (t.direct_download) return;  // the sync leaves direct-download templates alone
  const bool placeholder = !row.install_path.has_value();
  if (placeholder && store_.region && row.state == "Ready" && row.download_state == "DOWNLOADED") {
    return;  // the placeholder the conversion made: kept
  }

  Finding f = RowFinding(FindingKind::kSyncRemove, t);
  std::string why;
  bool object_present = false;
  if (placeholder) {
    why = store_.region ? "it is a placeholder (install_path NULL) in state " + row.state +
                              " / download_state " + row.download_state +
                              ", and the sync keeps only Ready / DOWNLOADED ones"
                        : "it is a placeholder on a zone store, and the sync keeps none there";
  } else if (row.install_path->empty()) {
    why = "its install_path is empty";
  } else if (missing_rows_.count(row.id) > 0) {
    why = "the store does not hold its object " + *row.install_path;
  } else {
    object_present = true;
    why = listing_.WhyNotListed(*row.install_path, t.unique_name);
    if (why.empty()) why = "another template of the same unique name took the listed object";
    why = "its object " + *row.install_path + " is on the store, but " + why;
  }
  // Repair texts show it escaped: a value's line break would start a believable comment line.
  why = PrintableText(why);
  std::string lost;
  if (t.url.empty()) {
    lost = "vm_template.url is empty, so CloudStack cannot download the template again: data loss";
  } else if (store_.region && !t.is_public && !t.featured && t.type != "SYSTEM") {
    lost =
        "CloudStack never downloads a private template to a region store again, so the "
        "template is left without a copy on it";
  } else {
    lost = "CloudStack queues the template to be downloaded again from vm_template.url";
  }
  const SyncStagingRow* pin = Pin(t);
  f.detail = "CloudStack's template sync does not list " + template_name + ": " + why +
             ". So it deletes this row (\"Removing leftover template\"): " + lost;
  if (placeholder && pin != nullptr) {
    f.detail +=
        "; the pin this placeholder stood for on " + StagingName(*pin) + " is never given back";
  }

  const SyncStagingRow* copy = ReadyCopy(t);
  const std::string push = "csmigrate push template " + id;
  // CloudStack's Swift layout, "T-<id>/<file>": the one push writes template.properties for.
  const std::string container = "T-" + id + "/";
  const bool swift_layout = store_.provider == "Swift" && !placeholder &&
                            row.install_path->starts_with(container) &&
                            row.install_path->size() > container.size() &&
                            row.install_path->find('/', container.size()) == std::string::npos;
  if (placeholder && copy != nullptr && !PushTakes(row)) {
    f.repair = head + "a placeholder the sync deletes, in state " + PrintableText(row.state) +
               " after CloudStack itself moved it there (update_count or last_updated set): "
               "push leaves it to CloudStack's own copy.\n-- Let that copy finish or fail, then "
               "reconcile again; if it is stuck: " +
               push + " after UPDATE " + kTable +
               " SET state = 'Ready' WHERE id = " + std::to_string(row.id) +
               " AND install_path IS NULL AND state = " + Literal(row.state) + ";";
  } else if (placeholder && copy != nullptr) {
    f.action = push;
    f.repair = head + "a placeholder the sync deletes.\n-- Before CloudStack's next sync: " + push +
               " (fills it from " + PrintableText(StagingName(*copy)) + ").";
  } else if (object_present && swift_layout && store_.region) {
    // push template N writes the container's template.properties (and refuses next to others).
    if (listing_.HasStrayProperties(*row.install_path)) {
      f.repair = head + why + ".\n-- Remove the objects of container T-" + id +
                 " whose names start with template.properties, then: " + push + " (it writes T-" +
                 id + "/template.properties).";
    } else {
      f.action = push;
      f.repair = head + why + ".\n-- " + push + " writes T-" + id + "/template.properties for it.";
    }
  } else if (object_present) {
    const std::string file = row.install_path->substr(row.install_path->rfind('/') + 1);
    const std::string key = store_.provider == "S3"
                                ? "template/tmpl/" + std::to_string(t.account_id) + "/" + id + "/" +
                                      t.unique_name + "/" + file
                                : "T-" + id + "/" + file;
    f.repair = head + why + ".\n-- Copy the object to " + PrintableText(key) +
               (store_.provider == "S3" ? "" : " (with its template.properties)") +
               ", then:\n-- UPDATE " + kTable + " SET install_path = " + Literal(key) +
               " WHERE id = " + std::to_string(row.id) + " AND " + PathGuard(row.install_path) +
               ";";
  } else if (copy != nullptr) {
    f.repair = head + why + ".\n-- " + PrintableText(StagingName(*copy)) +
               " still holds the template: make this row a placeholder again, pin that copy, "
               "then " +
               push + ":\n-- UPDATE " + kTable +
               " SET install_path = NULL, state = 'Ready', download_state = 'DOWNLOADED', "
               "download_pct = 100 WHERE id = " +
               std::to_string(row.id) + " AND " + PathGuard(row.install_path) + ";\n-- UPDATE " +
               kTable + " SET ref_cnt = " + std::to_string(copy->ref_cnt + 1) +
               " WHERE id = " + std::to_string(copy->id) +
               " AND ref_cnt = " + std::to_string(copy->ref_cnt) + ";";
  } else {
    f.repair = head + why + "; no Ready staging copy of the template is left.\n-- " +
               (t.url.empty() ? "Restore the template's file from a backup: nothing else has it."
                              : "Restore the template's file, or accept that " + lost + ".");
  }
  emit_(f);
}

}  // namespace csm::reconcile
