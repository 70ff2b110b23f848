#include "common/whole_number.h"

#include <charconv>

namespace csm {

std::optional<int64_t> ParseWholeNumber(const std::string& text, int64_t min, int64_t max) {
  const bool negative = !text.empty() && text[0] == '-';
  const size_t first_digit = negative ? 1 : 0;
  if (text.size() == first_digit) return std::nullopt;
  for (size_t i = first_digit; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;  // out of range
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::string WholeNumberProblem(const std::string& text, int64_t min, int64_t max) {
  return "'" + text + "' is not a whole number from " + std::to_string(min) + " to " +
         std::to_string(max);
}

}  // namespace csm
