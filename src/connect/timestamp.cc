#include "connect/timestamp.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace ticketwise::connect {
namespace {

// Reads exactly `digits` decimal digits at `*pos`.
std::optional<int> Digits(std::string_view s, std::size_t* pos, std::size_t digits) {
  if (*pos + digits > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  return value;
}

bool Eat(std::string_view s, std::size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

std::optional<std::int64_t> EpochMs(int year, int month, int day, int hour, int minute, int second,
                                    int millis) {
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year},
                            std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::int64_t days = sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute) * 60000LL + second * 1000LL + millis;
}

// "15/Feb/19 7:01 PM": Jira's default CSV date format (English month names).
std::optional<std::int64_t> ParseJiraCsvDate(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::size_t pos = 0;
  std::optional<int> day = Digits(s, &pos, 2);
  if (!day) {
    pos = 0;
    day = Digits(s, &pos, 1);
  }
  if (!day || !Eat(s, &pos, '/') || pos + 3 > s.size()) return std::nullopt;
  int month = 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    if (s.substr(pos, 3) == kMonths[m]) month = static_cast<int>(m) + 1;
  if (month == 0) return std::nullopt;
  pos += 3;
  if (!Eat(s, &pos, '/')) return std::nullopt;
  std::optional<int> year = Digits(s, &pos, 4);
  if (!year) {
    year = Digits(s, &pos, 2);
    if (!year) return std::nullopt;
    *year += 2000;
  }
  if (!Eat(s, &pos, ' ')) return std::nullopt;
  std::optional<int> hour = Digits(s, &pos, 2);
  if (!hour) hour = Digits(s, &pos, 1);
  if (!hour || !Eat(s, &pos, ':')) return std::nullopt;
  const std::optional<int> minute = Digits(s, &pos, 2);
  if (!minute) return std::nullopt;
  int h = *hour;
  if (Eat(s, &pos, ' ')) {
    const std::string_view half = s.substr(pos);
    if (h < 1 || h > 12) return std::nullopt;
    if (half == "AM") {
      h = h == 12 ? 0 : h;
    } else if (half == "PM") {
      h = h == 12 ? 12 : h + 12;
    } else {
      return std::nullopt;
    }
    pos = s.size();
  }
  if (pos != s.size()) return std::nullopt;
  return EpochMs(*year, month, *day, h, *minute, 0, 0);
}

}  // namespace

std::optional<std::int64_t> ParseTimestampMs(std::string_view s) {
  std::size_t pos = 0;
  const auto year = Digits(s, &pos, 4);
  if (!year) return ParseJiraCsvDate(s);
  if (!Eat(s, &pos, '-')) return std::nullopt;
  const auto month = Digits(s, &pos, 2);
  if (!month || !Eat(s, &pos, '-')) return std::nullopt;
  const auto day = Digits(s, &pos, 2);
  if (!day) return std::nullopt;
  if (pos == s.size()) return EpochMs(*year, *month, *day, 0, 0, 0, 0);
  if (!Eat(s, &pos, 'T') && !Eat(s, &pos, ' ')) return std::nullopt;
  const auto hour = Digits(s, &pos, 2);
  if (!hour || !Eat(s, &pos, ':')) return std::nullopt;
  const auto minute = Digits(s, &pos, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  int millis = 0;
  if (Eat(s, &pos, ':')) {
    const auto sec = Digits(s, &pos, 2);
    if (!sec) return std::nullopt;
    second = *sec;
    if (Eat(s, &pos, '.') || Eat(s, &pos, ',')) {
      int scale = 100;
      std::size_t fraction_digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        millis += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++fraction_digits;
      }
      if (fraction_digits == 0) return std::nullopt;
    }
  }
  std::int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      const auto oh = Digits(s, &pos, 2);
      if (!oh) return std::nullopt;
      Eat(s, &pos, ':');
      const auto om = Digits(s, &pos, 2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      offset_minutes = sign * (*oh * 60 + *om);
    }
  }
  if (pos != s.size()) return std::nullopt;
  const auto local = EpochMs(*year, *month, *day, *hour, *minute, second, millis);
  if (!local) return std::nullopt;
  return *local - offset_minutes * 60000;
}

std::string FormatUtc(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_seconds t{seconds{epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000}};
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss<seconds> time{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

}  // namespace ticketwise::connect
