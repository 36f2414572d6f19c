// Time zones for business hours: UTC offsets of IANA zones, read from the system's compiled tz
// database (TZif files under /usr/share/zoneinfo, Debian package tzdata), including the POSIX rule
// at the end of a TZif file for instants past its last listed transition.
//
// libstdc++ 12 has no std::chrono::tzdb, hence this small reader; see
// docs/decisions/0013-routing-score.md. A TimeZone is an immutable value, safe to share between
// threads. TimeZoneLoader reads files only when asked (at configuration time), never at triage
// time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ticketwise/status.h"

namespace ticketwise::triage {

class TimeZone {
 public:
  // UTC, with no file needed.
  static TimeZone Utc();
  // Parses the contents of a TZif file (RFC 8536, versions 1 to 4).
  static Result<TimeZone> FromTzif(std::string_view bytes, std::string name);
  // A zone given by a POSIX TZ rule alone, e.g. "CET-1CEST,M3.5.0,M10.5.0/3".
  static Result<TimeZone> FromPosixRule(std::string_view rule, std::string name);

  const std::string& name() const { return name_; }

  // Offset of local time from UTC at the instant `utc` (positive east of Greenwich).
  std::chrono::seconds Offset(std::chrono::sys_seconds utc) const;

  // Local wall-clock time at `utc`, as seconds since the local epoch.
  std::chrono::local_seconds ToLocal(std::chrono::sys_seconds utc) const {
    return std::chrono::local_seconds((utc + Offset(utc)).time_since_epoch());
  }

  // A parsed POSIX rule: standard offset, and optionally a DST offset with its start and end rule.
  struct Rule {
    enum class Kind : std::uint8_t { kMonthWeekDay, kJulian1, kJulian0 };
    Kind kind = Kind::kMonthWeekDay;
    int month = 0, week = 0, weekday = 0, day = 0;  // day: for the Julian kinds
    std::int32_t time = 7200;                       // seconds after local midnight
  };
  struct Posix {
    std::int32_t std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    std::int32_t dst_offset = 0;
    Rule start, end;
  };

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int32_t> offsets_;      // offset in effect from transitions_[i]
  std::int32_t initial_offset_ = 0;        // before the first transition
  bool has_posix_ = false;
  Posix posix_;
};

// Loads zones by IANA name from a tz database folder.
class TimeZoneLoader {
 public:
  explicit TimeZoneLoader(std::string root = "/usr/share/zoneinfo") : root_(std::move(root)) {}

  // "UTC" and "Etc/UTC" need no file. InvalidArgument for a malformed name (".." parts, absolute
  // paths, odd characters), NotFound for a zone that does not exist, Corruption for a file that is
  // not TZif.
  Result<TimeZone> Load(std::string_view name) const;

 private:
  std::string root_;
};

}  // namespace ticketwise::triage
