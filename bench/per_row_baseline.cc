#include "per_row_baseline.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/digest.h"

namespace csm::bench {
namespace {

// Rows a list query fetches per round trip. Lists are read in id order, page by page (keyset), as a
// paging DAO would; that keeps memory flat without changing which rows are visited.
constexpr int kPageRows = 1000;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

class Converter {
 public:
  explicit Converter(db::Connection& conn) : conn_(conn) {}

  // Runs the whole conversion; the caller owns the transaction.
  Result<PerRowOutcome> Convert(const rules::RunParameters& params) {
    auto scalar = [&](const std::string& name) -> std::string {
      const auto it = params.scalars.find(name);
      return it == params.scalars.end() || !it->second ? std::string() : *it->second;
    };
    const auto details_it = params.maps.find("details");
    const rules::KeyValues details =
        details_it == params.maps.end() ? rules::KeyValues{} : details_it->second;
    const std::string provider = scalar("provider");
    const std::string name = scalar("name");
    const std::string url = scalar("url");
    const std::string uuid = RandomUuid();
    now_ = UtcNow();
    const std::string store_name = !name.empty() ? name : !url.empty() ? url : uuid;
    bool https = false;
    for (const auto& [key, value] : details) {
      if (key == "usehttps") https = Lower(value) == "true";
    }
    const std::string protocol = provider == "S3" && https ? "https" : "http";

    // A. Preconditions.
    CSM_ASSIGN_OR_RETURN(bool foreign, Exists("SELECT id FROM image_store WHERE role = 'Image' AND "
                                              "removed IS NULL AND (image_provider_name IS NULL "
                                              "OR image_provider_name <> 'NFS') LIMIT 1",
                                              {}));
    if (foreign) return Status(ErrorCode::kPrecondition, "a live Image store is not NFS");
    CSM_ASSIGN_OR_RETURN(bool taken,
                         Exists("SELECT id FROM image_store WHERE name = ? LIMIT 1", {store_name}));
    if (taken) return Status(ErrorCode::kPrecondition, "store name " + store_name + " is taken");

    // B. Stage every NFS store, its template and snapshot rows; drop the primary-pool rows.
    std::vector<int64_t> nfs;
    CSM_RETURN_IF_ERROR(
        Each("SELECT id FROM image_store WHERE role = 'Image' AND removed IS NULL "
             "AND image_provider_name = 'NFS' ORDER BY id",
             {}, [&](const db::Row& row) {
               nfs.push_back(std::get<int64_t>(row[0]));
               return true;
             }));
    if (!nfs.empty()) {
      CSM_RETURN_IF_ERROR(
          ForEachId("SELECT id FROM snapshot_store_ref WHERE store_role = 'Primary'", "id", {},
                    "DELETE FROM snapshot_store_ref WHERE id = ?"));
    }
    for (const int64_t store : nfs) {
      CSM_RETURN_IF_ERROR(
          Exec("UPDATE image_store SET role = 'ImageCache' WHERE id = ?", {store}).status());
      CSM_RETURN_IF_ERROR(ForEachId(
          "SELECT id FROM template_store_ref WHERE store_id = ? AND destroyed = 0", "id", {store},
          "UPDATE template_store_ref SET store_role = 'ImageCache' WHERE id = ?"));
      CSM_RETURN_IF_ERROR(
          ForEachId("SELECT id FROM snapshot_store_ref WHERE store_id = ?", "id", {store},
                    "UPDATE snapshot_store_ref SET store_role = 'ImageCache' WHERE id = ?"));
    }

    // C. The new store and its details.
    CSM_RETURN_IF_ERROR(
        Exec("INSERT INTO image_store (name, uuid, protocol, url, image_provider_name, "
             "data_center_id, scope, role, created) VALUES (?, ?, ?, ?, ?, NULL, 'REGION', "
             "'Image', ?)",
             {store_name, uuid, protocol, url.empty() ? db::Value() : db::Value(url), provider,
              now_})
            .status());
    CSM_ASSIGN_OR_RETURN(outcome_.new_store_id, conn_.LastInsertId());
    const db::Value store = outcome_.new_store_id;
    for (const auto& [key, value] : details) {
      CSM_RETURN_IF_ERROR(
          Exec("INSERT INTO image_store_details (store_id, name, value) VALUES (?, ?, ?)",
               {store, key, value})
              .status());
    }

    CSM_RETURN_IF_ERROR(Each("SELECT id FROM data_center WHERE removed IS NULL ORDER BY id", {},
                             [&](const db::Row& row) {
                               zones_.push_back(row[0]);
                               return true;
                             }));
    // D. Templates that are cross-zone already and not removed, in every live zone. (Templates E
    // marks get their zone rows in E, so they need no second look-up here.)
    CSM_RETURN_IF_ERROR(Pages(
        "SELECT id FROM vm_template WHERE cross_zones = 1 AND removed IS NULL", "id", {},
        [&](const db::Row& row) { return EnsureZoneRows(row[0], /*touch_existing=*/false); }));

    // E. Placeholders, pinning the first (lowest id) staging row of each object; for templates,
    // the first live one that is Ready / DOWNLOADED, of a template that is not removed.
    CSM_RETURN_IF_ERROR(Pages(
        "SELECT r.id, r.template_id, r.state, r.download_pct, r.download_state, r.size, "
        "r.physical_size, r.error_str, r.url, r.ref_cnt FROM template_store_ref r JOIN vm_template "
        "t ON t.id = r.template_id JOIN image_store s ON s.id = r.store_id WHERE r.store_role = "
        "'ImageCache' AND r.destroyed = 0 AND r.state = 'Ready' AND r.download_state = "
        "'DOWNLOADED' AND s.removed IS NULL AND t.removed IS NULL AND (t.type IS NULL OR t.type <> "
        "'SYSTEM')",
        "r.id", {}, [&](const db::Row& r) -> Status {
          CSM_ASSIGN_OR_RETURN(bool has,
                               Exists("SELECT 1 FROM template_store_ref WHERE store_id = ? AND "
                                      "template_id = ? AND destroyed = 0 LIMIT 1",
                                      {store, r[1]}));
          if (has) return Status::Ok();
          CSM_RETURN_IF_ERROR(
              Exec("INSERT INTO template_store_ref (template_id, state, download_pct, "
                   "download_state, size, physical_size, error_str, url, ref_cnt, store_id, "
                   "store_role, is_copy, destroyed, update_count, created) VALUES (?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, 'Image', 0, 0, 0, ?)",
                   {r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], store, now_})
                  .status());
          ++outcome_.placeholders;
          CSM_RETURN_IF_ERROR(
              Exec("UPDATE template_store_ref SET ref_cnt = COALESCE(ref_cnt, 0) + 1 WHERE id = ?",
                   {r[0]})
                  .status());
          CSM_RETURN_IF_ERROR(Exec("UPDATE vm_template SET cross_zones = 1 WHERE id = ? AND "
                                   "(cross_zones IS NULL OR cross_zones <> 1)",
                                   {r[1]})
                                  .status());
          return EnsureZoneRows(r[1], /*touch_existing=*/true);
        }));
    CSM_RETURN_IF_ERROR(Pages(
        "SELECT id, snapshot_id, volume_id, parent_snapshot_id, state, size, physical_size, "
        "ref_cnt FROM snapshot_store_ref WHERE store_role = 'ImageCache'",
        "id", {}, [&](const db::Row& r) -> Status {
          CSM_ASSIGN_OR_RETURN(bool has,
                               Exists("SELECT 1 FROM snapshot_store_ref WHERE store_id = ? AND "
                                      "snapshot_id = ? AND store_role = 'Image' LIMIT 1",
                                      {store, r[1]}));
          if (has) return Status::Ok();
          CSM_RETURN_IF_ERROR(
              Exec("INSERT INTO snapshot_store_ref (snapshot_id, volume_id, parent_snapshot_id, "
                   "state, size, physical_size, ref_cnt, store_id, store_role, update_count, "
                   "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Image', 0, ?)",
                   {r[1], r[2], r[3], r[4], r[5], r[6], r[7], store, now_})
                  .status());
          ++outcome_.placeholders;
          return Exec(
                     "UPDATE snapshot_store_ref SET ref_cnt = COALESCE(ref_cnt, 0) + 1 WHERE id = "
                     "?",
                     {r[0]})
              .status();
        }));
    CSM_RETURN_IF_ERROR(Pages(
        "SELECT r.id, r.volume_id, r.state, r.download_pct, r.download_state, r.size, "
        "r.physical_size, r.error_str, r.ref_cnt FROM volume_store_ref r JOIN image_store s ON "
        "s.id = r.store_id WHERE s.role = 'ImageCache' AND s.removed IS NULL AND r.destroyed = 0",
        "r.id", {}, [&](const db::Row& r) -> Status {
          CSM_ASSIGN_OR_RETURN(bool has,
                               Exists("SELECT 1 FROM volume_store_ref WHERE store_id = ? AND "
                                      "volume_id = ? AND destroyed = 0 LIMIT 1",
                                      {store, r[1]}));
          if (has) return Status::Ok();
          CSM_RETURN_IF_ERROR(
              Exec("INSERT INTO volume_store_ref (volume_id, state, download_pct, download_state, "
                   "size, physical_size, error_str, ref_cnt, store_id, zone_id, destroyed, "
                   "update_count, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)",
                   {r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], store, now_})
                  .status());
          ++outcome_.placeholders;
          return Exec("UPDATE volume_store_ref SET ref_cnt = COALESCE(ref_cnt, 0) + 1 WHERE id = ?",
                      {r[0]})
              .status();
        }));
    outcome_.statements = statements_;
    return outcome_;
  }

 private:
  Result<int64_t> Exec(const std::string& sql, const std::vector<db::Value>& params) {
    ++statements_;
    return conn_.Execute(sql, params);
  }

  Status Each(const std::string& sql, const std::vector<db::Value>& params,
              const std::function<bool(const db::Row&)>& on_row) {
    ++statements_;
    return conn_.ForEachRow(sql, params, on_row);
  }

  // True when `sql` returns a row.
  Result<bool> Exists(const std::string& sql, const std::vector<db::Value>& params) {
    bool found = false;
    CSM_RETURN_IF_ERROR(Each(sql, params, [&](const db::Row&) {
      found = true;
      return false;
    }));
    return found;
  }

  // Runs `select` (a SELECT whose first column is `id_column`, ending in a WHERE clause) page by
  // page in id order and calls `on_row` for each row, after the page has been read.
  Status Pages(const std::string& select, const std::string& id_column,
               const std::vector<db::Value>& params,
               const std::function<Status(const db::Row&)>& on_row) {
    const std::string sql = select + " AND " + id_column + " > ? ORDER BY " + id_column +
                            " LIMIT " + std::to_string(kPageRows);
    db::Value last = int64_t{0};
    std::vector<db::Row> page;
    do {
      page.clear();
      std::vector<db::Value> bound = params;
      bound.push_back(last);
      CSM_RETURN_IF_ERROR(Each(sql, bound, [&](const db::Row& row) {
        page.push_back(row);
        return true;
      }));
      for (const db::Row& row : page) CSM_RETURN_IF_ERROR(on_row(row));
      if (!page.empty()) last = page.back()[0];
    } while (page.size() == static_cast<size_t>(kPageRows));
    return Status::Ok();
  }

  // Lists the ids `select` yields and runs `change` (one `?`: the id) for each.
  Status ForEachId(const std::string& select, const std::string& id_column,
                   const std::vector<db::Value>& params, const std::string& change) {
    return Pages(select, id_column, params,
                 [&](const db::Row& row) { return Exec(change, {row[0]}).status(); });
  }

  // Gives `template_id` a live template_zone_ref row in every live zone; with `touch_existing`,
  // existing live rows get last_updated = now.
  Status EnsureZoneRows(const db::Value& template_id, bool touch_existing) {
    for (const db::Value& zone : zones_) {
      std::vector<db::Value> rows;
      CSM_RETURN_IF_ERROR(
          Each("SELECT id FROM template_zone_ref WHERE zone_id = ? AND "
               "template_id = ? AND removed IS NULL",
               {zone, template_id}, [&](const db::Row& row) {
                 rows.push_back(row[0]);
                 return true;
               }));
      if (rows.empty()) {
        CSM_RETURN_IF_ERROR(Exec("INSERT INTO template_zone_ref (zone_id, template_id, created, "
                                 "last_updated) VALUES (?, ?, ?, ?)",
                                 {zone, template_id, now_, now_})
                                .status());
        continue;
      }
      if (!touch_existing) continue;
      for (const db::Value& id : rows) {
        CSM_RETURN_IF_ERROR(
            Exec("UPDATE template_zone_ref SET last_updated = ? WHERE id = ?", {now_, id})
                .status());
      }
    }
    return Status::Ok();
  }

  db::Connection& conn_;
  std::string now_;
  std::vector<db::Value> zones_;
  int64_t statements_ = 0;
  PerRowOutcome outcome_;
};

}  // namespace

Result<PerRowOutcome> RunPerRowConversion(db::Connection& conn, const rules::RunParameters& params,
                                          PerRowCommit commit) {
  Converter converter(conn);
  if (commit == PerRowCommit::kEachStatement) return converter.Convert(params);
  CSM_RETURN_IF_ERROR(conn.Begin());
  auto outcome = converter.Convert(params);
  if (!outcome.ok()) {
    (void)conn.Rollback();
    return outcome.status();
  }
  CSM_RETURN_IF_ERROR(conn.Commit());
  return outcome;
}

}  // namespace csm::bench
