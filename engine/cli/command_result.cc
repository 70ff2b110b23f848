#include "cli/command_result.h"

#include <iostream>

#include "cli/exit_codes.h"
#include "cli/json_document.h"
#include "cli/logging.h"
#include "cli/secret_arguments.h"
#include "common/printable_text.h"

namespace csm::cli {

int Fail(const Options& o, const Status& s) {
  ReportError(WithoutSecretArguments(s.message()));
  if (o.json) std::cout << JsonText(ErrorDocument(s)) << "\n";
  return ExitCodeFor(s.code());
}

void Print(const Options& o, const nlohmann::ordered_json& json, const std::string& text) {
  if (o.json) {
    std::cout << JsonText(JsonDocument(json)) << "\n";
  } else {
    std::cout << text;
  }
}

}  // namespace csm::cli
