#include "fingerprint.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace csm::bench {
namespace {

constexpr const char* kTables[] = {
    "image_store",      "image_store_details", "template_store_ref", "snapshot_store_ref",
    "volume_store_ref", "vm_template",         "template_zone_ref"};

// FNV-1a over `text`, continuing from `h`.
uint64_t Fnv(uint64_t h, const std::string& text) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// splitmix64's finalizer, so that summing row hashes does not cancel simple differences.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool IsTime(const db::ColumnInfo& column) {
  std::string type = column.declared_type;
  std::transform(type.begin(), type.end(), type.begin(), ::toupper);
  return type.find("DATE") != std::string::npos || type.find("TIME") != std::string::npos;
}

Result<TableFingerprint> FingerprintTable(db::Connection& conn, const std::string& table) {
  const db::Dialect& d = conn.dialect();
  CSM_ASSIGN_OR_RETURN(db::TableSchema schema, conn.DescribeTable(table));
  if (!schema.exists()) {
    return Status(ErrorCode::kPrecondition, "fingerprint: table " + table + " does not exist");
  }
  TableFingerprint fp;
  fp.table = table;
  // Columns are read as stored and reduced here, not in SQL: the same code then serves every
  // backend (their time types and literal typing differ).
  enum class Kind { kPlain, kTime, kSecretValue };
  std::vector<Kind> kinds;
  std::string exprs;
  size_t name_index = 0;
  for (const auto& column : schema.columns) {
    if (column.name == "id" || column.name == "uuid") continue;
    if (column.name == "name") name_index = kinds.size();
    Kind kind = Kind::kPlain;
    if (IsTime(column)) {
      kind = Kind::kTime;
    } else if (table == "image_store_details" && column.name == "value") {
      kind = Kind::kSecretValue;
    }
    kinds.push_back(kind);
    exprs += (exprs.empty() ? "" : ", ") + d.Quote(column.name);
  }
  CSM_RETURN_IF_ERROR(
      conn.ForEachRow("SELECT " + exprs + " FROM " + d.Quote(table), {}, [&](const db::Row& row) {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (size_t i = 0; i < row.size(); ++i) {
          std::string text = db::IsNull(row[i]) ? std::string("\x01N") : db::ToDisplay(row[i]);
          if (kinds[i] == Kind::kTime && !db::IsNull(row[i]) && text >= "2020") {
            text = "run-time";  // written by the run: "now" differs between variants
          } else if (kinds[i] == Kind::kSecretValue) {
            const std::string name = db::ToDisplay(row[name_index]);
            if (name == "secretkey" || name == "key") text = "secret";
          }
          h = Fnv(h, text);
          h = Fnv(h, "\x1f");
        }
        fp.hash += Mix(h);
        ++fp.rows;
        return true;
      }));
  if (schema.Find("ref_cnt") != nullptr) {
    CSM_ASSIGN_OR_RETURN(fp.ref_cnt_sum,
                         db::QueryInt(conn, "SELECT SUM(ref_cnt) FROM " + d.Quote(table)));
  }
  if (schema.Find("store_id") != nullptr && table != "image_store_details") {
    CSM_ASSIGN_OR_RETURN(fp.on_newest_store,
                         db::QueryInt(conn, "SELECT COUNT(*) FROM " + d.Quote(table) +
                                                " WHERE store_id = (SELECT MAX(id) FROM "
                                                "image_store)"));
  }
  return fp;
}

}  // namespace

Result<std::vector<TableFingerprint>> FingerprintCloud(db::Connection& conn) {
  std::vector<TableFingerprint> out;
  for (const char* table : kTables) {
    CSM_ASSIGN_OR_RETURN(TableFingerprint fp, FingerprintTable(conn, table));
    out.push_back(std::move(fp));
  }
  return out;
}

std::string Describe(const std::vector<TableFingerprint>& fingerprints) {
  std::string out;
  for (const auto& fp : fingerprints) {
    char line[256];
    const std::string sum = fp.ref_cnt_sum < 0 ? "-" : std::to_string(fp.ref_cnt_sum);
    std::snprintf(line, sizeof line,
                  "  %-20s rows=%-9lld sum(ref_cnt)=%-9s on_new_store=%-9lld hash=%016llx\n",
                  fp.table.c_str(), static_cast<long long>(fp.rows), sum.c_str(),
                  static_cast<long long>(fp.on_newest_store),
                  static_cast<unsigned long long>(fp.hash));
    out += line;
  }
  return out;
}

}  // namespace csm::bench
