// The general guard on values a run writes: every parameter a rule binds into a written column
// (update set, insert values, insert_each key and value, insert_from values, pin_source) is checked
// against that column's type and width in the live schema before the first write, so that a value
// is refused with its name instead of truncated, rejected mid-run or stored where CloudStack
// cannot read it back.
#pragma once

#include <string>

#include "common/result.h"
#include "rules/compiled_plan.h"
#include "rules/rule_model.h"
#include "rules/run_parameters.h"

namespace csm::apply {

// What a column's declared type admits, as far as csmigrate checks it.
struct ColumnLimit {
  size_t max_chars = 0;      // char(N) / varchar(N) / character varying(N): N characters; 0: none
  size_t max_bytes = 0;      // MySQL's tinytext / text / mediumtext: bytes; 0: none
  bool integer = false;      // an integer type: the value must be a whole number in range
  int64_t min = 0, max = 0;  // integer: its range (bigint unsigned: up to INT64_MAX here)
  bool basic_plane_only = false;  // MySQL's utf8 (utf8mb3): characters up to U+FFFF only
};

// The limit of a column declared `declared_type` (as DescribeTable reports it: "varchar(255)",
// "character varying(255)", "VARCHAR(255)", "int(10) unsigned", "bigint", "text") on the backend
// named `dialect` ("mysql": its text types hold bytes, elsewhere text is unbounded).
ColumnLimit LimitOf(const std::string& declared_type, const std::string& dialect);

// Checks every value bound from `bindings` into a column the steps of `rules` write, against
// `catalog`. kInvalidArgument naming the parameter (--name, --detail KEY, $derived and what it
// comes from), table.column, its width or type and the value's length (of a secret detail
// (rules::IsSecretName) neither its value nor its length: only that it is too long). A text
// column in MySQL's utf8 (utf8mb3, db::ColumnInfo::character_set) refuses a value with a
// character past U+FFFF (4 bytes in UTF-8: an emoji), naming which character (not of a secret).
// SQLite and PostgreSQL have no such limit.
Status CheckValuesFitColumns(const rules::RuleSet& rules, const rules::Catalog& catalog,
                             const rules::Bindings& bindings, const std::string& dialect);

}  // namespace csm::apply
