// Timestamps as the platforms write them, to and from Unix epoch milliseconds. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ticketwise::connect {

// Parses ISO 8601 / RFC 3339 date-times as Jira and ServiceNow send them:
//   "2019-02-15T19:01:52.971-0800", "2019-02-15T19:01:52+01:00", "2019-02-15T19:01:52Z",
//   "2015-11-01 22:37:27" (ServiceNow, UTC), "2019-02-15T19:01" (seconds optional).
// A time without an offset is UTC. Also Jira's CSV export form "15/Feb/19 7:01 PM" (UTC).
// nullopt for anything else, including impossible dates.
std::optional<std::int64_t> ParseTimestampMs(std::string_view text);

// "2019-02-16T03:01:52Z" (UTC, whole seconds).
std::string FormatUtc(std::int64_t epoch_ms);

}  // namespace ticketwise::connect
