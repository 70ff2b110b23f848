// Whether a literal written in a rule fits the live column it is compared with or stored into:
// checked before anything runs, so that no backend converts it silently (MySQL compares 'Image'
// with an integer column as 0, SQLite stores text in an integer column as it is).
#pragma once

#include <string>

#include "common/result.h"
#include "db/connection.h"
#include "rules/rule_model.h"

namespace csm::rules {

// What a column holds, by its declared type as SQLite, MariaDB and PostgreSQL report it
// ("VARCHAR(255)", "bigint(20) unsigned", "character varying(255)", "timestamp without time
// zone", "boolean"); kOther for types csmigrate does not know (e.g. a backend's own).
enum class ColumnClass { kInteger, kDecimal, kBoolean, kText, kDateTime, kOther };
ColumnClass ClassOf(const std::string& declared_type);

// The whole numbers an integer column declared `declared_type` holds: MySQL's TINYINT, SMALLINT,
// MEDIUMINT, INT and BIGINT (signed or unsigned), PostgreSQL's smallint, integer and bigint (int2,
// int4, int8); "integer" (SQLite's 64-bit INTEGER) and bigint as 64 bits.
struct IntegerRange {
  __int128 min;
  __int128 max;
};
IntegerRange IntegerRangeOf(const std::string& declared_type);

// `value` in decimal digits (with a '-' when negative).
std::string DecimalText(__int128 value);

// How a literal is used: compared with a column (NULL then means IS NULL), or stored into it.
enum class LiteralUse { kCompared, kStored };

// Checks `op` against `column` of `table` when it is a literal, NULL or {add: N} (parameters and
// columns are checked elsewhere). kInvalidRules naming the literal's file:line, the literal, its
// type, the column and the column's type when:
// - a whole number meets a column of text or date-time (write it quoted to mean the text), or a
//   negative number an unsigned column;
// - a text meets an integer column and is no whole number, or a decimal column and is no number,
//   or a boolean column and is neither a number nor true/false;
// - a whole number (written as a number or as text) is outside the integer column's range
//   (TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, signed or unsigned);
// - a text meets a date-time column and is not YYYY-MM-DD[ HH:MM:SS];
// - a text is longer than the column's width (varchar(N), char(N): N characters);
// - NULL is stored into a NOT NULL column;
// - {add: N} is applied to a column that is not numeric, or N (or -N) is past the largest value
//   of the integer column it is added to.
// Types the check does not know (e.g. a backend's own) accept any literal.
Status CheckLiteral(const Operand& op, const std::string& table, const db::ColumnInfo& column,
                    LiteralUse use);

}  // namespace csm::rules
