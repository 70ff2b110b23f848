// The envelope of every JSON document csmigrate prints (--json): the version that wrote it first,
// then the command's fields; on failure, the error instead (docs/json.md, docs/schemas/).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.h"

namespace csm::cli {

// {"csmigrate_version": "X.Y.Z ...", <the fields of `body`, in order>}. `body` must be an object.
nlohmann::ordered_json JsonDocument(const nlohmann::ordered_json& body);

// {"csmigrate_version": ..., "error": {"code": "invalid_argument", "exit_code": 2,
// "message": "..."}}: what --json prints on stdout when a command fails (with that exit code).
// `exit_code` defaults to ExitCodeFor(status.code()); reconcile passes its own (2).
nlohmann::ordered_json ErrorDocument(const Status& status, std::optional<int> exit_code = {});

// The JSON text of `document`: indented, invalid UTF-8 replaced (never an exception).
std::string JsonText(const nlohmann::ordered_json& document);

}  // namespace csm::cli
