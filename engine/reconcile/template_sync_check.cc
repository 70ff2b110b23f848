#include "reconcile/template_sync_check.h"

#include <optional>
#include <string>

#include "cloudstack/ref_tables.h"
#include "cloudstack/template_properties.h"
#include "reconcile/template_sync.h"

namespace csm::reconcile {

using cloudstack::AppendStoreRole;
using db::Statement;
namespace {

// Reads the template.properties of each container `listing` needs; an incomplete finding on
// store `store_id` for each whose sizes CloudStack cannot read.
Status ReadSwiftProperties(store::ObjectStore& objects, int64_t store_id, SyncListing& listing,
                           const std::function<void(const Finding&)>& emit) {
  for (const std::string& container : listing.PropertiesToRead()) {
    const std::string key = container + "/template.properties";
    std::string text;
    const Status got = objects.Get(key, [&](std::string_view chunk) {
      if (text.size() + chunk.size() > cloudstack::kMaxTemplatePropertiesBytes) {
        return Status(ErrorCode::kIo, key + " is larger than 1 MiB: not a template.properties");
      }
      text.append(chunk);
      return Status::Ok();
    });
    if (!got.ok() && got.code() == ErrorCode::kNotFound) {
      listing.AddProperties(container, std::nullopt);  // gone since the listing
      continue;
    }
    CSM_RETURN_IF_ERROR(got);
    const std::string problem = listing.AddProperties(container, text);
    if (problem.empty()) continue;
    Finding f;
    f.kind = FindingKind::kIncomplete;
    f.store_id = store_id;
    f.key = key;
    f.store_size = static_cast<int64_t>(text.size());
    f.detail = problem + " (container " + container + ")";
    emit(f);
  }
  return Status::Ok();
}

// `expr` when vm_template has `column`, else `otherwise`.
std::string IfColumn(const db::TableSchema& schema, const std::string& column,
                     const std::string& expr, const std::string& otherwise) {
  return schema.Find(column) != nullptr ? expr : otherwise;
}

}  // namespace

Status PredictTemplateSync(db::Connection& conn, const cloudstack::ImageStoreRow& store,
                           store::ObjectStore& objects, SyncListing& listing,
                           const std::set<int64_t>& missing_rows,
                           const std::function<void(const Finding&)>& emit) {
  if (store.provider == "Swift")
    CSM_RETURN_IF_ERROR(ReadSwiftProperties(objects, store.id, listing, emit));
  CSM_ASSIGN_OR_RETURN(const db::TableSchema templates, conn.DescribeTable("vm_template"));
  const std::string child =
      IfColumn(templates, "parent_template_id",
               "CASE WHEN t.parent_template_id IS NULL THEN 0 ELSE 1 END", "0");
  Statement sql;
  sql.Append("SELECT t.id, t.unique_name, t.url, t.type, " +
             IfColumn(templates, "state", "t.state", "NULL") +
             ", t.account_id, CASE WHEN t.removed IS NULL THEN 0 ELSE 1 END, " + child + ", " +
             IfColumn(templates, "direct_download", "COALESCE(t.direct_download, 0)", "0") + ", " +
             IfColumn(templates, "public", "t.public", "0") + ", " +
             IfColumn(templates, "featured", "t.featured", "0") +
             ", r.id, r.state, r.download_state, r.install_path, r.physical_size, "
             "s.id, s.store_id, s.ref_cnt, s.state, s.install_path, "
             "CASE WHEN COALESCE(r.update_count, 0) = 0 AND r.last_updated IS NULL THEN 1 ELSE 0 "
             "END "
             "FROM vm_template t LEFT JOIN template_store_ref r ON r.template_id = t.id AND "
             "r.store_id = ")
      .Bind(store.id)
      .Append(
          " AND COALESCE(r.destroyed, 0) = 0 LEFT JOIN (SELECT st.id, st.template_id, "
          "st.store_id, st.ref_cnt, st.state, st.install_path FROM template_store_ref st JOIN "
          "image_store sts ON sts.id = st.store_id WHERE ");
  AppendStoreRole(sql, conn.dialect(), "sts", "ImageCache");
  // Children first (an ORDER BY term must not be a bare number: that names a column).
  const bool has_children = templates.Find("parent_template_id") != nullptr;
  sql.Append(
      " AND COALESCE(st.destroyed, 0) = 0) s ON s.template_id = t.id AND r.id IS NOT NULL "
      "ORDER BY " +
      (has_children ? child + " DESC, " : std::string()) + "t.id, r.id, s.id");

  SyncStore sync_store{store.id, store.provider, !store.data_center_id.has_value()};
  TemplateSyncReplay replay(sync_store, listing, missing_rows, conn.dialect(), emit);
  std::optional<SyncTemplate> current;
  CSM_RETURN_IF_ERROR(conn.ForEachRow(sql.text, sql.Values(), [&](const db::Row& row) {
    const int64_t id = db::AsInteger(row[0]).value_or(0);
    if (!current || current->id != id) {
      if (current) replay.Add(*current);
      current.emplace();
      SyncTemplate& t = *current;
      t.id = id;
      t.unique_name = db::TextOrEmpty(row[1]);
      t.url = db::TextOrEmpty(row[2]);
      t.type = db::TextOrEmpty(row[3]);
      t.state = db::TextOrEmpty(row[4]);
      t.account_id = db::AsInteger(row[5]).value_or(0);
      t.removed = db::AsInteger(row[6]).value_or(0) != 0;
      t.is_child = db::AsInteger(row[7]).value_or(0) != 0;
      t.direct_download = db::AsInteger(row[8]).value_or(0) != 0;
      t.is_public = db::AsInteger(row[9]).value_or(0) != 0;
      t.featured = db::AsInteger(row[10]).value_or(0) != 0;
      if (!db::IsNull(row[11])) {
        SyncRow r;
        r.id = db::AsInteger(row[11]).value_or(0);
        r.state = db::TextOrEmpty(row[12]);
        r.download_state = db::TextOrEmpty(row[13]);
        if (!db::IsNull(row[14])) r.install_path = db::ToDisplay(row[14]);
        r.physical_size = db::AsInteger(row[15]);
        if (r.physical_size && *r.physical_size < 0) r.physical_size.reset();  // impossible
        r.untouched = db::AsInteger(row[21]).value_or(0) != 0;
        t.row = std::move(r);
      }
    }
    SyncTemplate& t = *current;
    // Staging rows of the template's first row on the store (a second row repeats them).
    if (t.row && db::AsInteger(row[11]) == t.row->id && !db::IsNull(row[16])) {
      SyncStagingRow s;
      s.id = db::AsInteger(row[16]).value_or(0);
      s.store_id = db::AsInteger(row[17]).value_or(0);
      s.ref_cnt = db::AsInteger(row[18]).value_or(0);
      s.state = db::TextOrEmpty(row[19]);
      s.install_path = db::TextOrEmpty(row[20]);
      t.staging.push_back(std::move(s));
    }
    return true;
  }));
  if (current) replay.Add(*current);
  replay.Finish();
  return Status::Ok();
}

}  // namespace csm::reconcile
