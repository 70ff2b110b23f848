#include "cli/json_document.h"

#include <cassert>

#include "cli/exit_codes.h"
#include "cli/secret_arguments.h"
#include "common/version.h"

namespace csm::cli {

nlohmann::ordered_json JsonDocument(const nlohmann::ordered_json& body) {
  assert(body.is_object());
  nlohmann::ordered_json document = {{"csmigrate_version", Version()}};
  for (const auto& [key, value] : body.items()) document[key] = value;
  return document;
}

nlohmann::ordered_json ErrorDocument(const Status& status, std::optional<int> exit_code) {
  return JsonDocument({{"error",
                        {{"code", ErrorCodeName(status.code())},
                         {"exit_code", exit_code.value_or(ExitCodeFor(status.code()))},
                         {"message", WithoutSecretArguments(status.message())}}}});
}

std::string JsonText(const nlohmann::ordered_json& document) {
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace csm::cli
