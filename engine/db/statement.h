// A SQL statement or fragment assembled left to right: its text with `?`
// placeholders and what to bind to each, in the same order. The one SQL builder
// of the engine.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "db/value.h"

namespace csm::db {

// What one placeholder binds: a value, or what only a run knows when it
// executes (a run binding
// `$name`, the run's id), which rules::ResolveParams fills in.
struct StatementParam {
  enum class Kind { kValue, kBinding, kRunId };
  Kind kind = Kind::kValue;
  Value value;          // kValue
  std::string binding;  // kBinding
  bool secret = false;  // shown masked in previews
};

struct Statement {
  std::string text;
  std::vector<StatementParam> params;

  bool empty() const { return text.empty(); }

  // Appends text that holds no placeholder, or whose placeholders Param then
  // binds.
  Statement& Append(const std::string& more) {
    text += more;
    return *this;
  }
  // Appends `more`, text and bound parameters.
  Statement& Append(const Statement& more) {
    text += more.text;
    params.insert(params.end(), more.params.begin(), more.params.end());
    return *this;
  }
  // Appends a placeholder bound to `value`.
  Statement& Bind(Value value) {
    return Bind({StatementParam::Kind::kValue, std::move(value), "", false});
  }
  // Appends a placeholder bound to `param`.
  Statement& Bind(StatementParam param) {
    text += "?";
    params.push_back(std::move(param));
    return *this;
  }
  // Appends a placeholder bound to the id of the run that executes the
  // statement.
  Statement& BindRunId() { return Bind({StatementParam::Kind::kRunId, {}, "", false}); }
  // Binds `value` to the next placeholder that text appended already holds (a
  // dialect's fragment written with "?").
  Statement& Param(Value value) {
    params.push_back({StatementParam::Kind::kValue, std::move(value), "", false});
    return *this;
  }

  // The values to bind, in order, of a statement whose placeholders all bind
  // values (asserted; one with run bindings is resolved by
  // rules::ResolveParams).
  std::vector<Value> Values() const {
    std::vector<Value> values;
    values.reserve(params.size());
    for (const auto& param : params) {
      assert(param.kind == StatementParam::Kind::kValue && "a run binding needs ResolveParams");
      values.push_back(param.value);
    }
    return values;
  }
};

}  // namespace csm::db
