// A SQL statement or fragment with `?` placeholders and what to bind to each.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "db/value.h"
#include "rules/run_parameters.h"

namespace csm::rules {

// What one placeholder binds: a constant, a run binding ($name), or the run's id.
struct SqlParam {
  enum class Kind { kValue, kBinding, kRunId };
  Kind kind = Kind::kValue;
  db::Value value;      // kValue
  std::string binding;  // kBinding
  bool secret = false;  // shown masked in previews
};

struct Sql {
  std::string text;
  std::vector<SqlParam> params;

  bool empty() const { return text.empty(); }
  Sql& Append(const std::string& more) {
    text += more;
    return *this;
  }
  Sql& Append(const Sql& more) {
    text += more.text;
    params.insert(params.end(), more.params.begin(), more.params.end());
    return *this;
  }
  // Appends a placeholder bound to `param`.
  Sql& Bind(SqlParam param) {
    text += "?";
    params.push_back(std::move(param));
    return *this;
  }
  Sql& BindValue(db::Value v) { return Bind({SqlParam::Kind::kValue, std::move(v), "", false}); }
  Sql& BindRunId() { return Bind({SqlParam::Kind::kRunId, {}, "", false}); }
};

// The values to bind for `sql` in run `run_id` (0 before a run exists).
Result<std::vector<db::Value>> ResolveParams(const Sql& sql, const Bindings& bindings,
                                             int64_t run_id);

// `sql` with each placeholder replaced by a literal, secrets as '******': for people to read.
std::string Preview(const Sql& sql, const Bindings& bindings, int64_t run_id);

}  // namespace csm::rules
