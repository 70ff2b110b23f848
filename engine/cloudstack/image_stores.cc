#include "cloudstack/image_stores.h"

#include <algorithm>

#include "crypto/secret_cipher.h"

namespace csm::cloudstack {
namespace {

std::optional<std::string> OptionalText(const db::Value& v) {
  if (db::IsNull(v)) return std::nullopt;
  return db::ToDisplay(v);
}

bool IsSecretDetail(const std::string& name) {
  return name == "secretkey" || name == "key";
}

}  // namespace

Result<std::vector<ImageStoreRow>> ReadImageStores(
    db::Connection& conn, const std::vector<int64_t>& only,
    const std::optional<std::string>& encrypt_secret) {
  CSM_ASSIGN_OR_RETURN(
      auto stores,
      conn.Query("SELECT id, name, image_provider_name, protocol, url, data_center_id, scope, role "
                 "FROM image_store WHERE removed IS NULL ORDER BY id"));
  std::vector<ImageStoreRow> rows;
  for (const auto& r : stores.rows) {
    ImageStoreRow row;
    row.id = db::AsInteger(r[0]).value_or(0);
    if (!only.empty() && std::find(only.begin(), only.end(), row.id) == only.end()) continue;
    row.name = db::TextOrEmpty(r[1]);
    row.provider = db::TextOrEmpty(r[2]);
    row.protocol = db::TextOrEmpty(r[3]);
    row.url = OptionalText(r[4]);
    row.data_center_id = db::AsInteger(r[5]);
    row.scope = db::TextOrEmpty(r[6]);
    row.role = db::TextOrEmpty(r[7]);
    rows.push_back(std::move(row));
  }
  for (int64_t id : only) {
    const bool found = std::any_of(rows.begin(), rows.end(),
                                   [&](const ImageStoreRow& row) { return row.id == id; });
    if (!found) {
      return Status(ErrorCode::kNotFound,
                    "--store " + std::to_string(id) +
                        ": no image_store row with that id that is not removed");
    }
  }
  for (auto& row : rows) {
    CSM_ASSIGN_OR_RETURN(
        auto details,
        conn.Query("SELECT name, value FROM image_store_details WHERE store_id = ? ORDER BY id",
                   {row.id}));
    for (const auto& d : details.rows) {
      const std::string name = db::TextOrEmpty(d[0]);
      std::string value = db::TextOrEmpty(d[1]);
      if (encrypt_secret && IsSecretDetail(name) && !value.empty()) {
        auto plain = crypto::DecryptAnyVersion(*encrypt_secret, value);
        if (!plain.ok()) {
          return Status(plain.status().code(),
                        "image store " + std::to_string(row.id) + ": detail '" + name +
                            "' does not decrypt with the database secret of db.properties (" +
                            plain.status().message() + ")");
        }
        value = std::move(plain->second);
      }
      row.details[name] = std::move(value);
    }
  }
  return rows;
}

}  // namespace csm::cloudstack
