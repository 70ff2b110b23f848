// How `drain --status` prints the work board: a text report, and its --json document
// (docs/schemas/drain-status.schema.json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "push/board_status.h"

namespace csm::cli {

// The board as text: live workers with their claims, the ones that stopped in the last hour,
// progress across all of them, the most recent failures.
std::string BoardStatusText(const push::BoardStatus& status);

// The board as the --json document's body.
nlohmann::ordered_json BoardStatusJson(const push::BoardStatus& status);

}  // namespace csm::cli
