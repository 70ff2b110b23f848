#include "rules/sql.h"

#include <algorithm>
#include <cassert>

namespace csm::rules {

Result<std::vector<db::Value>> ResolveParams(const db::Statement& sql, const Bindings& bindings,
                                             int64_t run_id, SecretValues secrets) {
  assert(static_cast<size_t>(std::count(sql.text.begin(), sql.text.end(), '?')) ==
             sql.params.size() &&
         "every placeholder needs exactly one bound value");
  std::vector<db::Value> values;
  values.reserve(sql.params.size());
  for (const auto& p : sql.params) {
    switch (p.kind) {
      case db::StatementParam::Kind::kValue:
        if (p.secret && secrets == SecretValues::kMasked && !db::IsNull(p.value)) {
          values.push_back(std::string(std::min<size_t>(6, db::ToDisplay(p.value).size()), '*'));
        } else {
          values.push_back(p.value);
        }
        break;
      case db::StatementParam::Kind::kRunId:
        values.push_back(run_id);
        break;
      case db::StatementParam::Kind::kBinding: {
        CSM_ASSIGN_OR_RETURN(db::Value v, bindings.Get(p.binding));
        values.push_back(std::move(v));
        break;
      }
    }
  }
  return values;
}

std::string Preview(const db::Statement& sql, const Bindings& bindings, int64_t run_id) {
  std::string out;
  size_t next = 0;
  for (char c : sql.text) {
    if (c != '?' || next >= sql.params.size()) {
      out += c;
      continue;
    }
    const db::StatementParam& p = sql.params[next++];
    if (p.secret) {
      out += "'******'";
    } else if (p.kind == db::StatementParam::Kind::kRunId) {
      out += run_id > 0 ? std::to_string(run_id) : ":run_id";
    } else if (p.kind == db::StatementParam::Kind::kBinding) {
      auto v = bindings.Get(p.binding);
      out += v.ok() ? db::ToSqlLiteral(*v) : ":" + p.binding;
    } else {
      out += db::ToSqlLiteral(p.value);
    }
  }
  return out;
}

}  // namespace csm::rules
