#include "apply/row_message.h"

namespace csm::apply {

std::string FormatRowMessage(const std::string& message, const std::vector<std::string>& columns,
                             const db::Row& row) {
  std::string out = message;
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    const std::string token = "{" + columns[i] + "}";
    const std::string value = db::ToDisplay(row[i]);
    for (auto pos = out.find(token); pos != std::string::npos;
         pos = out.find(token, pos + value.size())) {
      out.replace(pos, token.size(), value);
    }
  }
  return out;
}

}  // namespace csm::apply
