// Which units `csmigrate push KIND ID` moves: one template or volume, or every still-placeholder
// snapshot of a snapshot's volume (a delta chain moves as a whole).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "db/connection.h"
#include "push/push_unit.h"
#include "push/unit_query.h"

namespace csm::push {

// The filter for object `id` of `kind`: a template or volume by its id, a snapshot by its
// volume. kNotFound ("no template with id 7") when the vm_template, volumes or snapshots row
// does not exist; a database error as it is.
Result<UnitFilter> FilterForObject(db::Connection& conn, ObjectKind kind, int64_t id);

}  // namespace csm::push
