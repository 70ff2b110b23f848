#include "store/store_time.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace csm::store {
namespace {

std::string FormatUtc(std::time_t seconds, const char* suffix) {
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%s", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, suffix);
  return text;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string HttpDateToIso8601(std::string_view http_date) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string text(http_date);
  char weekday[4] = "", month[4] = "";
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d GMT%n", weekday, &tm.tm_mday, month,
                  &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 7 ||
      consumed != static_cast<int>(text.size())) {
    return "";
  }
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(month) == kMonths[i]) tm.tm_mon = i;
  }
  if (tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return "";
  }
  tm.tm_year -= 1900;
  return FormatUtc(timegm(&tm), ".000Z");
}

std::string SwiftTimestampToIso8601(std::string_view timestamp) {
  const size_t dot = timestamp.find('.');
  const std::string_view whole = timestamp.substr(0, dot);
  std::string fraction(dot == std::string_view::npos ? "" : timestamp.substr(dot + 1));
  if (!AllDigits(whole) || (dot != std::string_view::npos && !AllDigits(fraction)) ||
      fraction.size() > 6) {
    return "";
  }
  fraction.resize(6, '0');
  long long seconds = 0;
  if (std::from_chars(whole.data(), whole.data() + whole.size(), seconds).ec != std::errc()) {
    return "";
  }
  return FormatUtc(static_cast<std::time_t>(seconds), ("." + fraction).c_str());
}

}  // namespace csm::store
