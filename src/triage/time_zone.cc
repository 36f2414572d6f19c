#include "triage/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace ticketwise::triage {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

std::uint32_t Be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::int64_t Be64(const unsigned char* p) {
  return static_cast<std::int64_t>((std::uint64_t{Be32(p)} << 32) | Be32(p + 4));
}

// A cursor over the POSIX TZ string.
class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool Name() {
    if (Peek() == '<') {
      const std::size_t close = s_.find('>', pos_);
      if (close == std::string_view::npos || close == pos_ + 1) return false;
      pos_ = close + 1;
      return true;
    }
    const std::size_t start = pos_;
    while (pos_ < s_.size() &&
           ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z')))
      ++pos_;
    return pos_ - start >= 3;
  }

  // [+-]hh[:mm[:ss]] with hours up to `max_hours`, in seconds.
  bool Time(int max_hours, std::int32_t* out) {
    int sign = 1;
    if (Peek() == '+' || Peek() == '-') sign = s_[pos_++] == '-' ? -1 : 1;
    int h = 0, m = 0, sec = 0;
    if (!Number(0, max_hours, &h)) return false;
    if (Peek() == ':') {
      ++pos_;
      if (!Number(0, 59, &m)) return false;
      if (Peek() == ':') {
        ++pos_;
        if (!Number(0, 59, &sec)) return false;
      }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool RuleDate(TimeZone::Rule* r) {
    if (Peek() == 'M') {
      ++pos_;
      r->kind = TimeZone::Rule::Kind::kMonthWeekDay;
      if (!Number(1, 12, &r->month) || !Expect('.') || !Number(1, 5, &r->week) || !Expect('.') ||
          !Number(0, 6, &r->weekday))
        return false;
    } else if (Peek() == 'J') {
      ++pos_;
      r->kind = TimeZone::Rule::Kind::kJulian1;
      if (!Number(1, 365, &r->day)) return false;
    } else {
      r->kind = TimeZone::Rule::Kind::kJulian0;
      if (!Number(0, 365, &r->day)) return false;
    }
    r->time = 7200;
    if (Peek() == '/') {
      ++pos_;
      if (!Time(167, &r->time)) return false;
    }
    return true;
  }

  bool Expect(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Done() const { return pos_ == s_.size(); }

 private:
  bool Number(int lo, int hi, int* out) {
    const std::size_t start = pos_;
    long v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' && pos_ - start < 4)
      v = v * 10 + (s_[pos_++] - '0');
    if (pos_ == start || v < lo || v > hi) return false;
    *out = static_cast<int>(v);
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

Result<TimeZone::Posix> ParsePosix(std::string_view rule) {
  PosixParser p(rule);
  TimeZone::Posix out;
  std::int32_t west = 0;
  const Status bad = Status::InvalidArgument("malformed POSIX TZ rule '" + std::string(rule) + "'");
  if (!p.Name() || !p.Time(24, &west)) return Fail(bad);
  out.std_offset = -west;
  if (p.Done()) return out;
  if (!p.Name()) return Fail(bad);
  out.has_dst = true;
  out.dst_offset = out.std_offset + 3600;
  if (p.Peek() != ',' && !p.Done()) {
    if (!p.Time(24, &west)) return Fail(bad);
    out.dst_offset = -west;
  }
  if (p.Done()) {
    // No rule given: the US rules are the POSIX default.
    out.start = {TimeZone::Rule::Kind::kMonthWeekDay, 3, 2, 0, 0, 7200};
    out.end = {TimeZone::Rule::Kind::kMonthWeekDay, 11, 1, 0, 0, 7200};
    return out;
  }
  if (!p.Expect(',') || !p.RuleDate(&out.start) || !p.Expect(',') || !p.RuleDate(&out.end) ||
      !p.Done())
    return Fail(bad);
  return out;
}

// Local midnight of the rule's date in `year`, as days since the epoch.
sys_days RuleDay(const TimeZone::Rule& r, int year) {
  using namespace std::chrono;
  const year_month_day jan1{std::chrono::year(year), January, std::chrono::day(1)};
  switch (r.kind) {
    case TimeZone::Rule::Kind::kJulian0:
      return sys_days(jan1) + days(r.day);
    case TimeZone::Rule::Kind::kJulian1: {
      // Day 1..365, February 29 never counted.
      int d = r.day - 1;
      if (std::chrono::year(year).is_leap() && r.day >= 60) ++d;
      return sys_days(jan1) + days(d);
    }
    case TimeZone::Rule::Kind::kMonthWeekDay:
      break;
  }
  const auto ym = std::chrono::year(year) / std::chrono::month(static_cast<unsigned>(r.month));
  const weekday wd{static_cast<unsigned>(r.weekday)};
  if (r.week == 5) return sys_days(ym / wd[last]);
  return sys_days(ym / wd[static_cast<unsigned>(r.week)]);
}

std::int32_t PosixOffset(const TimeZone::Posix& p, std::int64_t utc) {
  if (!p.has_dst) return p.std_offset;
  using namespace std::chrono;
  const auto local_day = floor<days>(sys_seconds(seconds(utc + p.std_offset)));
  const int year = static_cast<int>(year_month_day(local_day).year());
  const std::int64_t start =
      sys_seconds(RuleDay(p.start, year)).time_since_epoch().count() + p.start.time - p.std_offset;
  const std::int64_t end =
      sys_seconds(RuleDay(p.end, year)).time_since_epoch().count() + p.end.time - p.dst_offset;
  const bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? p.dst_offset : p.std_offset;
}

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  std::size_t part_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const std::string_view part = name.substr(part_start, i - part_start);
      if (part.empty() || part == "." || part == "..") return false;
      part_start = i + 1;
      continue;
    }
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '+' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TimeZone TimeZone::Utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::FromPosixRule(std::string_view rule, std::string name) {
  auto posix = ParsePosix(rule);
  if (!posix) return Fail(posix.error());
  TimeZone z;
  z.name_ = std::move(name);
  z.has_posix_ = true;
  z.posix_ = *posix;
  z.initial_offset_ = posix->std_offset;
  return z;
}

Result<TimeZone> TimeZone::FromTzif(std::string_view bytes, std::string name) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  const Status corrupt = Status::Corruption("time zone '" + name + "' is not a valid TZif file");
  constexpr std::size_t kHeader = 44;
  if (size < kHeader || bytes.substr(0, 4) != "TZif") return Fail(corrupt);
  const char version = bytes[4];

  struct Counts {
    std::uint32_t isut, isstd, leap, time, type, chars;
  };
  auto counts_at = [&](std::size_t at) {
    const unsigned char* p = data + at + 20;
    return Counts{Be32(p), Be32(p + 4), Be32(p + 8), Be32(p + 12), Be32(p + 16), Be32(p + 20)};
  };
  auto block_size = [](const Counts& c, std::size_t time_size) {
    return std::uint64_t{c.time} * time_size + c.time + std::uint64_t{c.type} * 6 + c.chars +
           std::uint64_t{c.leap} * (time_size + 4) + c.isstd + c.isut;
  };

  Counts c = counts_at(0);
  std::size_t at = kHeader;
  std::size_t time_size = 4;
  if (version >= '2') {
    const std::uint64_t skip = block_size(c, 4);
    if (skip > size - at || size - at - skip < kHeader) return Fail(corrupt);
    at += skip;
    if (bytes.substr(at, 4) != "TZif") return Fail(corrupt);
    c = counts_at(at);
    at += kHeader;
    time_size = 8;
  }
  if (c.type == 0 || c.type > 256 || c.time > 100000 || c.chars == 0) return Fail(corrupt);
  if (block_size(c, time_size) > size - at) return Fail(corrupt);

  TimeZone z;
  z.name_ = std::move(name);
  const unsigned char* times = data + at;
  const unsigned char* idx = times + std::size_t{c.time} * time_size;
  const unsigned char* types = idx + c.time;
  std::vector<std::int32_t> type_offsets(c.type);
  std::vector<bool> type_dst(c.type);
  for (std::uint32_t i = 0; i < c.type; ++i) {
    const auto off = static_cast<std::int32_t>(Be32(types + 6 * i));
    if (off < -25 * 3600 || off > 26 * 3600) return Fail(corrupt);
    type_offsets[i] = off;
    type_dst[i] = types[6 * i + 4] != 0;
  }
  z.transitions_.reserve(c.time);
  z.offsets_.reserve(c.time);
  for (std::uint32_t i = 0; i < c.time; ++i) {
    const std::int64_t t =
        time_size == 8 ? Be64(times + 8 * i) : static_cast<std::int32_t>(Be32(times + 4 * i));
    if (idx[i] >= c.type) return Fail(corrupt);
    if (!z.transitions_.empty() && t <= z.transitions_.back()) return Fail(corrupt);
    z.transitions_.push_back(t);
    z.offsets_.push_back(type_offsets[idx[i]]);
  }
  // Before the first transition: the first standard-time type (RFC 8536 section 3.2), else type 0.
  z.initial_offset_ = type_offsets[0];
  for (std::uint32_t i = 0; i < c.type; ++i) {
    if (!type_dst[i]) {
      z.initial_offset_ = type_offsets[i];
      break;
    }
  }

  if (time_size == 8) {
    std::size_t footer = at + static_cast<std::size_t>(block_size(c, time_size));
    if (footer < size && bytes[footer] == '\n') {
      const std::size_t close = bytes.find('\n', footer + 1);
      if (close == std::string_view::npos) return Fail(corrupt);
      const std::string_view rule = bytes.substr(footer + 1, close - footer - 1);
      if (!rule.empty()) {
        auto posix = ParsePosix(rule);
        if (!posix) return Fail(corrupt);
        z.has_posix_ = true;
        z.posix_ = *posix;
      }
    }
  }
  return z;
}

std::chrono::seconds TimeZone::Offset(std::chrono::sys_seconds utc) const {
  const std::int64_t t = utc.time_since_epoch().count();
  if (transitions_.empty()) {
    return std::chrono::seconds(has_posix_ ? PosixOffset(posix_, t) : initial_offset_);
  }
  if (t < transitions_.front()) return std::chrono::seconds(initial_offset_);
  if (t >= transitions_.back() && has_posix_) return std::chrono::seconds(PosixOffset(posix_, t));
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return std::chrono::seconds(offsets_[static_cast<std::size_t>(it - transitions_.begin()) - 1]);
}

Result<TimeZone> TimeZoneLoader::Load(std::string_view name) const {
  if (name == "UTC" || name == "Etc/UTC") {
    TimeZone z = TimeZone::Utc();
    return z;
  }
  if (!ValidZoneName(name))
    return Fail(Status::InvalidArgument("'" + std::string(name) + "' is not a time zone name"));
  const std::string path = root_ + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::NotFound("unknown time zone '" + std::string(name) + "'"));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.empty()) return Fail(Status::NotFound("unknown time zone '" + std::string(name) + "'"));
  if (bytes.size() > (1u << 20))
    return Fail(Status::Corruption("time zone '" + std::string(name) + "' file is too large"));
  return TimeZone::FromTzif(bytes, std::string(name));
}

}  // namespace ticketwise::triage
