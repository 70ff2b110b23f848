#include "synthetic_cloud.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace csm::bench {
namespace {

// The helper table of consecutive integers 1..max that every generating statement selects from.
constexpr const char* kSeqTable = "bench_seq";
constexpr const char* kOld = "'2014-01-01 00:00:00'";
constexpr const char* kRemoved = "'2015-06-01 00:00:00'";

// One target column and the SQL expression that fills it.
using ColumnExprs = std::vector<std::pair<std::string, std::string>>;

// SQL fragments whose spelling differs between backends. The generator splices only integers it
// computed itself into its SQL, never outside input.
class Fragments {
 public:
  explicit Fragments(std::string dialect) : dialect_(std::move(dialect)) {}

  // The text concatenation of `parts` (SQL expressions; integers are converted).
  std::string Cat(const std::vector<std::string>& parts) const {
    std::string out = dialect_ == "mysql" ? "CONCAT(" : "(";
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += dialect_ == "mysql" ? ", " : " || ";
      out += parts[i];
    }
    return out + ")";
  }

  // Integer division of `a` by `b`, truncating.
  std::string IDiv(const std::string& a, const std::string& b) const {
    return dialect_ == "mysql" ? "(" + a + " DIV " + b + ")" : "((" + a + ") / " + b + ")";
  }

  // The time literal `quoted` ('YYYY-MM-DD hh:mm:ss') typed as a timestamp, so that a CASE
  // yielding it can fill a timestamp column (PostgreSQL types a CASE of bare literals as text).
  std::string Time(const std::string& quoted) const {
    return dialect_ == "sqlite" ? quoted : "TIMESTAMP " + quoted;
  }

  // The zone of NFS store `store` (an SQL expression): stores 1 and 2 are in zone 1, 3 in zone 2,
  // 4 in zone 3.
  static std::string ZoneOf(const std::string& store) {
    return "(CASE " + store + " WHEN 1 THEN 1 WHEN 2 THEN 1 WHEN 3 THEN 2 ELSE 3 END)";
  }

 private:
  std::string dialect_;
};

std::string N(int64_t n) {
  return std::to_string(n);
}

// A value for a NOT NULL column without a default that the generator does not fill itself.
std::string Filler(const db::ColumnInfo& column) {
  std::string type = column.declared_type;
  std::transform(type.begin(), type.end(), type.begin(), ::toupper);
  if (type.find("DATE") != std::string::npos || type.find("TIME") != std::string::npos) {
    return kOld;
  }
  if (type.find("INT") != std::string::npos || type.find("DEC") != std::string::npos ||
      type.find("FLOAT") != std::string::npos || type.find("DOUBLE") != std::string::npos ||
      type.find("BIT") != std::string::npos) {
    return "0";
  }
  return "''";
}

// Runs INSERT INTO `table` (columns) SELECT exprs `from_where`. Every named column must exist;
// NOT NULL columns without a default that `values` leaves out get Filler(). Refreshes the table's
// planner statistics afterwards.
Status InsertSelect(db::Connection& conn, const std::string& table, const ColumnExprs& values,
                    const std::string& from_where) {
  CSM_ASSIGN_OR_RETURN(db::TableSchema schema, conn.DescribeTable(table));
  if (!schema.exists()) {
    return Status(ErrorCode::kPrecondition, "synthetic cloud: table " + table + " does not exist");
  }
  std::set<std::string> given;
  std::string columns, exprs;
  auto add = [&](const std::string& column, const std::string& expr) {
    columns += (columns.empty() ? "" : ", ") + conn.dialect().Quote(column);
    exprs += (exprs.empty() ? "" : ", ") + expr;
    given.insert(column);
  };
  for (const auto& [column, expr] : values) {
    if (schema.Find(column) == nullptr) {
      return Status(ErrorCode::kPrecondition,
                    "synthetic cloud: the schema has no column " + table + "." + column);
    }
    add(column, expr);
  }
  for (const auto& column : schema.columns) {
    if (column.not_null && !column.has_default && !column.primary_key &&
        !given.count(column.name)) {
      add(column.name, Filler(column));
    }
  }
  const std::string sql = "INSERT INTO " + conn.dialect().Quote(table) + " (" + columns +
                          ") SELECT " + exprs + " " + from_where;
  CSM_RETURN_IF_ERROR(conn.Execute(sql).status().WithContext("synthetic cloud: filling " + table));
  // A database in service has statistics (PostgreSQL's autovacuum); without them the planner
  // takes the fresh tables for empty, and the first variant measured pays for whether autovacuum
  // came by before it (PostgreSQL 10^5 floor: 80-90 s without, 7.5 s with).
  return db::RefreshStatistics(conn, table);
}

// Fills the (empty) sequence table with 1..max by doubling: no recursive CTE, whose depth limit
// and spelling differ between backends.
Status FillSequence(db::Connection& conn, int64_t max) {
  const std::string seq = kSeqTable;
  CSM_RETURN_IF_ERROR(conn.Execute("INSERT INTO " + seq + " (x) VALUES (1)").status());
  for (int64_t have = 1; have < max; have *= 2) {
    CSM_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO " + seq + " (x) SELECT x + ? FROM " + seq + " WHERE x <= ?",
                     {have, std::min(have, max - have)})
            .status());
  }
  return Status::Ok();
}

Status FillStoresAndZones(db::Connection& conn, const Fragments& f) {
  const std::string seq = kSeqTable;
  // Zones 1-3 are live, zone 4 was removed.
  CSM_RETURN_IF_ERROR(
      InsertSelect(conn, "data_center",
                   {{"id", "x"},
                    {"name", f.Cat({"'zone-'", "x"})},
                    {"uuid", f.Cat({"'zone-uuid-'", "x"})},
                    {"removed", "CASE WHEN x = 4 THEN " + f.Time(kRemoved) + " ELSE NULL END"}},
                   "FROM " + seq + " WHERE x <= 4"));
  // Stores 1-4: live NFS Image stores; store 5: a removed Swift store.
  return InsertSelect(
      conn, "image_store",
      {{"id", "x"},
       {"name", "CASE WHEN x = 5 THEN 'old-swift' ELSE " + f.Cat({"'nfs-'", "x"}) + " END"},
       {"image_provider_name", "CASE WHEN x = 5 THEN 'Swift' ELSE 'NFS' END"},
       {"protocol", "CASE WHEN x = 5 THEN 'http' ELSE 'nfs' END"},
       {"url", "CASE WHEN x = 5 THEN 'http://swift.example/auth' ELSE " +
                   f.Cat({"'nfs://10.1.0.'", "x", "'/export/secondary'"}) + " END"},
       {"data_center_id", "CASE WHEN x = 5 THEN NULL ELSE " + Fragments::ZoneOf("x") + " END"},
       {"scope", "CASE WHEN x = 5 THEN 'REGION' ELSE 'ZONE' END"},
       {"role", "'Image'"},
       {"uuid", f.Cat({"'store-uuid-'", "x"})},
       {"created", kOld},
       {"removed", "CASE WHEN x = 5 THEN " + f.Time(kRemoved) + " ELSE NULL END"}},
      "FROM " + seq + " WHERE x <= 5");
}

Status FillTemplates(db::Connection& conn, const Fragments& f, const CloudShape& shape) {
  const std::string m = N(shape.templates);
  // Templates 1-4 are SYSTEM, 5 BUILTIN, the rest USER; 1 in 20 is already cross-zone.
  const std::string cross = "(x <= 5 OR x % 20 = 0)";
  CSM_RETURN_IF_ERROR(InsertSelect(
      conn, "vm_template",
      {{"id", "x"},
       {"unique_name", f.Cat({"'tmpl-'", "x"})},
       {"uuid", f.Cat({"'tmpl-uuid-'", "x"})},
       {"name", f.Cat({"'template '", "x"})},
       {"type", "CASE WHEN x <= 4 THEN 'SYSTEM' WHEN x = 5 THEN 'BUILTIN' ELSE 'USER' END"},
       {"account_id", "CASE WHEN x <= 5 THEN 1 ELSE 2 + x % 50 END"},
       {"url", f.Cat({"'http://images.example.com/t'", "x", "'.qcow2'"})},
       {"format", "'QCOW2'"},
       {"cross_zones", "CASE WHEN " + cross + " THEN 1 ELSE 0 END"},
       {"hypervisor_type", "'KVM'"},
       {"removed", "CASE WHEN x % 97 = 0 THEN " + f.Time(kRemoved) + " ELSE NULL END"}},
      "FROM " + std::string(kSeqTable) + " WHERE x <= " + m));

  // Zone rows: a plain template in the zone of its first store; a cross-zone one in zones 1 and 2
  // (zone 3 is missing, for step D to add), some also in the removed zone 4 and some with a
  // removed row in zone 3.
  const ColumnExprs zone_row = {
      {"zone_id", "z"},
      {"template_id", "x"},
      {"created", kOld},
      {"last_updated", kOld},
      {"removed", "CASE WHEN z = 3 THEN " + f.Time(kRemoved) + " ELSE NULL END"}};
  const std::string seq = kSeqTable;
  const std::string zones =
      "FROM (SELECT x, " + Fragments::ZoneOf("1 + x % 4") + " AS z FROM " + seq +
      " WHERE x <= " + m + " AND NOT " + cross + " UNION ALL SELECT s.x, d.id AS z FROM " + seq +
      " s JOIN data_center d ON d.id IN (1, 2) " + "WHERE s.x <= " + m +
      " AND (s.x <= 5 OR s.x % 20 = 0)" + " UNION ALL SELECT x, 4 AS z FROM " + seq +
      " WHERE x <= " + m + " AND x % 40 = 0" + " UNION ALL SELECT x, 3 AS z FROM " + seq +
      " WHERE x <= " + m + " AND x % 60 = 0) q";
  CSM_RETURN_IF_ERROR(InsertSelect(conn, "template_zone_ref", zone_row, zones));

  // Rows 1..M put template x on store 1 + x % 4; the rest put every 9th template on a second
  // store. 1 row in 33 is destroyed, 1 in 50 still downloading, some failed, 1 in 10 pinned.
  const std::string tid =
      "CASE WHEN x <= " + m + " THEN x ELSE ((x - " + m + " - 1) * 9) % " + m + " + 1 END";
  const std::string store = "CASE WHEN x <= " + m + " THEN 1 + tid % 4 ELSE 1 + (tid + 1) % 4 END";
  const std::string account = "(CASE WHEN tid <= 5 THEN 1 ELSE 2 + tid % 50 END)";
  return InsertSelect(
      conn, "template_store_ref",
      {{"store_id", "st"},
       {"template_id", "tid"},
       {"created", kOld},
       {"last_updated", kOld},
       {"download_pct", "CASE WHEN x % 33 <> 0 AND x % 50 = 0 THEN 37 ELSE 100 END"},
       {"size", "2147483648 + tid * 4096"},
       {"store_role", "'Image'"},
       {"physical_size", "1073741824 + tid * 4096"},
       {"download_state",
        "CASE WHEN x % 33 = 0 THEN 'DOWNLOADED' WHEN x % 50 = 0 THEN 'DOWNLOAD_IN_PROGRESS' "
        "WHEN x % 200 = 7 THEN 'DOWNLOAD_ERROR' ELSE 'DOWNLOADED' END"},
       {"error_str",
        "CASE WHEN x % 33 <> 0 AND x % 50 <> 0 AND x % 200 = 7 "
        "THEN 'Connection timed out' ELSE NULL END"},
       {"install_path",
        f.Cat({"'template/tmpl/'", account, "'/'", "tid", "'/'", "tid", "'.qcow2'"})},
       {"url", f.Cat({"'http://images.example.com/t'", "tid", "'.qcow2'"})},
       {"state",
        "CASE WHEN x % 33 = 0 THEN 'Destroyed' WHEN x % 50 = 0 THEN 'Creating2' "
        "WHEN x % 200 = 7 THEN 'Failed' ELSE 'Ready' END"},
       {"destroyed", "CASE WHEN x % 33 = 0 THEN 1 ELSE 0 END"},
       {"is_copy", "0"},
       {"update_count", "2"},
       {"ref_cnt", "CASE WHEN x % 10 = 3 THEN 1 ELSE 0 END"}},
      "FROM (SELECT x, tid, " + store + " AS st FROM (SELECT x, " + tid + " AS tid FROM " + seq +
          " WHERE x <= " + N(shape.template_refs) + ") q1) q");
}

Status FillSnapshots(db::Connection& conn, const Fragments& f, const CloudShape& shape) {
  const std::string seq = kSeqTable;
  const std::string p = N(shape.snapshots);
  // Snapshots come in delta chains of 4 (full, then 3 deltas) of one volume.
  const std::string volume_of = "(" + f.IDiv("x - 1", "4") + " % " + N(shape.volumes) + " + 1)";
  CSM_RETURN_IF_ERROR(InsertSelect(
      conn, "snapshots",
      {{"id", "x"},
       {"data_center_id", Fragments::ZoneOf("1 + vol % 4")},
       {"account_id", "2 + vol % 50"},
       {"domain_id", "1"},
       {"volume_id", "vol"},
       {"disk_offering_id", "1"},
       {"status", "CASE WHEN x % 31 = 0 THEN 'Destroyed' ELSE 'BackedUp' END"},
       {"name", f.Cat({"'snap-'", "x"})},
       {"uuid", f.Cat({"'snap-uuid-'", "x"})},
       {"snapshot_type", "0"},
       {"type_description", "'MANUAL'"},
       {"size", "1073741824"},
       {"created", kOld},
       {"prev_snap_id", "CASE WHEN (x - 1) % 4 = 0 THEN 0 ELSE x - 1 END"},
       {"hypervisor_type", "'KVM'"}},
      "FROM (SELECT x, " + volume_of + " AS vol FROM " + seq + " WHERE x <= " + p + ") q"));

  // Rows 1..P: snapshot x on the NFS store of its volume (1 in 31 Destroyed). The rest: a
  // store_role='Primary' row for every 7th snapshot, whose store_id is a primary pool id (and so
  // collides with image store ids, as it does in CloudStack).
  const std::string sid = "CASE WHEN x <= " + p + " THEN x ELSE (x - " + p + ") * 7 END";
  const std::string vol = "(" + f.IDiv("sid - 1", "4") + " % " + N(shape.volumes) + " + 1)";
  return InsertSelect(
      conn, "snapshot_store_ref",
      {{"store_id", "CASE WHEN x <= " + p + " THEN 1 + vol % 4 ELSE 1 + (x - " + p + ") % 4 END"},
       {"snapshot_id", "sid"},
       {"created", kOld},
       {"last_updated", kOld},
       {"store_role", "CASE WHEN x <= " + p + " THEN 'Image' ELSE 'Primary' END"},
       {"size", "1073741824 + sid"},
       {"physical_size", "536870912 + sid"},
       {"parent_snapshot_id",
        "CASE WHEN x > " + p + " OR (sid - 1) % 4 = 0 THEN 0 ELSE sid - 1 END"},
       {"install_path",
        "CASE WHEN x <= " + p + " THEN " +
            f.Cat({"'snapshots/'", "2 + vol % 50", "'/'", "vol", "'/snap-'", "sid"}) + " ELSE " +
            f.Cat({"'/mnt/primary/'", "vol", "'/snap-'", "sid"}) + " END"},
       {"state", "CASE WHEN x <= " + p + " AND sid % 31 = 0 THEN 'Destroyed' ELSE 'Ready' END"},
       {"update_count", "2"},
       {"ref_cnt", "CASE WHEN x <= " + p + " AND x % 10 = 3 THEN 1 ELSE 0 END"},
       {"volume_id", "vol"}},
      "FROM (SELECT x, sid, " + vol + " AS vol FROM (SELECT x, " + sid + " AS sid FROM " + seq +
          " WHERE x <= " + N(shape.snapshot_refs) + ") q1) q");
}

Status FillVolumes(db::Connection& conn, const Fragments& f, const CloudShape& shape) {
  const std::string seq = kSeqTable;
  const std::string v = N(shape.volumes);
  CSM_RETURN_IF_ERROR(
      InsertSelect(conn, "volumes",
                   {{"id", "x"},
                    {"account_id", "2 + x % 50"},
                    {"domain_id", "1"},
                    {"pool_id", "1 + x % 4"},
                    {"name", f.Cat({"'vol-'", "x"})},
                    {"uuid", f.Cat({"'vol-uuid-'", "x"})},
                    {"size", "10737418240"},
                    {"data_center_id", Fragments::ZoneOf("1 + x % 4")},
                    {"volume_type", "'DATADISK'"},
                    {"state", "CASE WHEN x % 5 = 0 THEN 'Uploaded' ELSE 'Ready' END"},
                    {"created", kOld}},
                   "FROM " + seq + " WHERE x <= " + v));

  // Rows 1..V: volume x on store 1 + x % 4; the rest put every 19th volume on a second store.
  // 1 row in 29 is destroyed.
  const std::string vid =
      "CASE WHEN x <= " + v + " THEN x ELSE ((x - " + v + " - 1) * 19) % " + v + " + 1 END";
  const std::string store = "CASE WHEN x <= " + v + " THEN 1 + vid % 4 ELSE 1 + (vid + 2) % 4 END";
  return InsertSelect(
      conn, "volume_store_ref",
      {{"store_id", "st"},
       {"volume_id", "vid"},
       {"zone_id", Fragments::ZoneOf("st")},
       {"created", kOld},
       {"last_updated", kOld},
       {"download_pct", "100"},
       {"size", "10737418240"},
       {"physical_size", "2147483648 + vid"},
       {"download_state", "CASE WHEN x % 5 = 0 THEN 'UPLOADED' ELSE 'DOWNLOADED' END"},
       {"checksum", f.Cat({"'md5-'", "vid"})},
       {"install_path",
        f.Cat({"'volumes/'", "2 + vid % 50", "'/'", "vid", "'/vol-'", "vid", "'.qcow2'"})},
       {"state", "CASE WHEN x % 29 = 0 THEN 'Destroyed' ELSE 'Ready' END"},
       {"destroyed", "CASE WHEN x % 29 = 0 THEN 1 ELSE 0 END"},
       {"update_count", "2"},
       {"ref_cnt", "0"}},
      "FROM (SELECT x, vid, " + store + " AS st FROM (SELECT x, " + vid + " AS vid FROM " + seq +
          " WHERE x <= " + N(shape.volume_refs) + ") q1) q");
}

Status FillAll(db::Connection& conn, const CloudShape& shape) {
  const Fragments f(conn.dialect().name());
  CSM_RETURN_IF_ERROR(FillSequence(
      conn, std::max({shape.template_refs, shape.snapshot_refs, shape.volume_refs, int64_t{5}})));
  CSM_RETURN_IF_ERROR(FillStoresAndZones(conn, f));
  CSM_RETURN_IF_ERROR(FillTemplates(conn, f, shape));
  CSM_RETURN_IF_ERROR(FillVolumes(conn, f, shape));
  return FillSnapshots(conn, f, shape);
}

}  // namespace

CloudShape CloudShape::ForRows(int64_t store_refs) {
  CloudShape s;
  s.store_refs = std::max<int64_t>(store_refs, 100);
  s.template_refs = s.store_refs * 2 / 5;
  s.snapshot_refs = s.store_refs * 2 / 5;
  s.volume_refs = s.store_refs - s.template_refs - s.snapshot_refs;
  // Second-copy rows are strided (x9, x19) over the first copies, which stays collision-free
  // while (refs - objects) * stride < objects.
  s.templates = s.template_refs - s.template_refs / 11;
  s.snapshots = s.snapshot_refs - s.snapshot_refs / 8;
  s.volumes = s.volume_refs - s.volume_refs / 21;
  return s;
}

Status GenerateCloud(db::Connection& conn, const CloudShape& shape) {
  // The helper table's DDL stays outside the transaction (MySQL commits DDL implicitly).
  CSM_RETURN_IF_ERROR(
      conn.ExecuteScript(std::string("CREATE TABLE ") + kSeqTable + " (x BIGINT PRIMARY KEY)"));
  CSM_RETURN_IF_ERROR(conn.Begin());
  if (Status s = FillAll(conn, shape); !s.ok()) {
    (void)conn.Rollback();
    return s;
  }
  CSM_RETURN_IF_ERROR(conn.Commit());
  return conn.ExecuteScript(std::string("DROP TABLE ") + kSeqTable);
}

}  // namespace csm::bench
