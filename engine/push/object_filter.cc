#include "push/object_filter.h"

#include <string>

#include "db/value.h"

namespace csm::push {

Result<UnitFilter> FilterForObject(db::Connection& conn, ObjectKind kind, int64_t id) {
  UnitFilter filter;
  filter.kind = kind;
  if (kind == ObjectKind::kSnapshot) {
    CSM_ASSIGN_OR_RETURN(const db::QueryResult volume,
                         conn.Query("SELECT volume_id FROM snapshots WHERE id = ?", {id}));
    if (volume.rows.empty()) {
      return Status(ErrorCode::kNotFound, "no snapshot with id " + std::to_string(id));
    }
    filter.snapshot_volume_id = db::AsInteger(volume.rows[0][0]);
    return filter;
  }
  const bool is_template = kind == ObjectKind::kTemplate;
  CSM_ASSIGN_OR_RETURN(const db::QueryResult exists,
                       conn.Query(std::string("SELECT 1 FROM ") +
                                      (is_template ? "vm_template" : "volumes") + " WHERE id = ?",
                                  {id}));
  if (exists.rows.empty()) {
    return Status(ErrorCode::kNotFound,
                  "no " + std::string(KindName(kind)) + " with id " + std::to_string(id));
  }
  filter.object_id = id;
  return filter;
}

}  // namespace csm::push
