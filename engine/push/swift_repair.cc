#include "push/swift_repair.h"

#include "cloudstack/image_stores.h"
#include "cloudstack/ref_tables.h"
#include "push/swift_template_properties.h"

namespace csm::push {

Result<std::vector<PropertiesRepair>> RepairSwiftTemplateProperties(
    db::Connection& conn, int64_t template_id, const store::StoreAccess& access,
    const std::optional<std::string>& encrypt_secret) {
  const db::Dialect& d = conn.dialect();
  CSM_ASSIGN_OR_RETURN(auto tables, cloudstack::DescribeRefTables(conn));
  db::Statement sql;
  sql.Append(
         "SELECT r.store_id, r.install_path, r.size, t.unique_name FROM template_store_ref r "
         "JOIN image_store s ON s.id = r.store_id JOIN vm_template t ON t.id = r.template_id "
         "WHERE r.template_id = ")
      .Bind(template_id)
      .Append(" AND r.install_path IS NOT NULL AND ");
  cloudstack::AppendLive(sql, d, tables.front(), "r");
  sql.Append(" AND ");
  cloudstack::AppendStoreRole(sql, d, "s", "Image");
  sql.Append(" AND s.data_center_id IS NULL AND " + d.Equals("s.image_provider_name", "?", true) +
             " ORDER BY r.store_id")
      .Param(std::string("Swift"));
  CSM_ASSIGN_OR_RETURN(auto rows, conn.Query(sql.text, sql.Values()));

  std::vector<PropertiesRepair> repairs;
  const std::string container = "T-" + std::to_string(template_id) + "/";
  for (const auto& row : rows.rows) {
    const int64_t store_id = db::AsInteger(row[0]).value_or(0);
    const std::string install_path = db::TextOrEmpty(row[1]);
    const std::optional<int64_t> row_size = db::AsInteger(row[2]);
    if (!install_path.starts_with(container) || install_path.size() == container.size() ||
        install_path.find('/', container.size()) != std::string::npos) {
      return Status(ErrorCode::kNotFound,
                    "template " + std::to_string(template_id) + " on image store " +
                        std::to_string(store_id) + " has install_path '" + install_path +
                        "', not " + container + "<file> as CloudStack lays templates out on Swift");
    }
    CSM_ASSIGN_OR_RETURN(auto stores,
                         cloudstack::ReadImageStores(conn, {store_id}, encrypt_secret));
    CSM_ASSIGN_OR_RETURN(auto swift, cloudstack::OpenStore(stores.front(), access));
    CSM_ASSIGN_OR_RETURN(auto object, swift->Head(install_path));
    if (!object) {
      return Status(ErrorCode::kNotFound,
                    "template " + std::to_string(template_id) + ": the object " + install_path +
                        " its row on image store " + std::to_string(store_id) +
                        " names is missing from " + swift->Describe() +
                        ": push cannot make it up (push the template again from a staging copy "
                        "after clearing the row's install_path, or restore the object)");
    }
    SwiftTemplateEntry entry;
    entry.template_id = template_id;
    entry.unique_name = db::TextOrEmpty(row[3]);
    entry.file_name = install_path.substr(container.size());
    entry.size = object->size;
    entry.virtual_size = row_size && *row_size > 0 ? *row_size : object->size;
    CSM_ASSIGN_OR_RETURN(bool written, EnsureSwiftTemplateProperties(*swift, entry));
    repairs.push_back({store_id, container + "template.properties", written});
  }
  return repairs;
}

}  // namespace csm::push
