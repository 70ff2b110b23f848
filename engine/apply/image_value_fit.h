// Whether a value of a journal before-image may be written back into its live column: rollback
// restores the images with the database's own JSON functions, which turn whatever a damaged image
// holds into something (1e400 into Inf, a huge number into a float, an object into its JSON
// text), so every value is checked against its column before the first write.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace csm::apply {

// "" when `value` fits `column`: null; for an integer column a whole number within its range
// (rules/literal_types.h); for a decimal column a finite number; for a boolean column true,
// false, 0 or 1; for a text or date-time column a string; for a column of another type any value
// but an array or an object. Else what is wrong with it, for "<value> ..." (e.g. "is not a whole
// number from 0 to 18446744073709551615, as size (bigint unsigned) holds").
std::string ImageValueMisfit(const nlohmann::json& value, const db::ColumnInfo& column);

// A value of a before-image that stops it from being read as JSON here although the database
// reads it (a number past what a double holds: 1e400): its column and its text.
struct UnreadableValue {
  std::string column;
  std::string text;
};

// The value where reading `image` (an array of `columns`' values in their order, or an object by
// column name) fails, when that failure is within one of its values; nullopt when `image` reads,
// or fails elsewhere (its column cannot then be told).
std::optional<UnreadableValue> FindUnreadableValue(const std::string& image,
                                                   const std::vector<std::string>& columns);

}  // namespace csm::apply
