// The messages a rule file shows for rows it finds (require_none, report): {column} placeholders
// filled in from the row.
#pragma once

#include <string>
#include <vector>

#include "db/value.h"

namespace csm::apply {

// `message` with each {column} replaced by that column's value in `row` (whose columns are named
// by `columns`, in order), as ToDisplay shows it. Placeholders naming no column stay as written.
std::string FormatRowMessage(const std::string& message, const std::vector<std::string>& columns,
                             const db::Row& row);

}  // namespace csm::apply
