// JSON access shared by the connector parsers. Internal to src/connect: the JSON library stays out
// of the module's public headers. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ticketwise/status.h"

namespace ticketwise::connect::internal {

using Json = nlohmann::json;

// Parses a whole payload. Bodies over `max_bytes` are kResourceExhausted without being read;
// malformed JSON (including invalid UTF-8 inside strings) is kInvalidArgument naming the byte
// offset; a body that is not an object is kInvalidArgument. `what` names the payload in messages
// ("Jira webhook"). The exception boundary with the JSON library.
Result<Json> ParseJsonObject(std::string_view body, std::string_view what, std::size_t max_bytes);

// kInvalidArgument "<what>: missing field '<field>'".
Status MissingField(std::string_view what, std::string_view field);

// The member `key` of `object`, or nullptr when `object` is not an object, lacks it, or it is null.
const Json* Member(const Json& object, std::string_view key);
// Member of a member: Member(Member(object, a), b), null-safe.
const Json* Member(const Json* object, std::string_view key);

// The text of a scalar: a string as is, a number as JSON writes it, "true"/"false"; empty for
// null, arrays and objects (and nullptr).
std::string ScalarText(const Json* value);

// A ServiceNow value: a string, or an object {"display_value", "value", "link"} (display_value
// preferred when `prefer_display`, else value).
std::string GlideText(const Json* value, bool prefer_display);

// A Jira user: accountId (Cloud), else name, else key (Data Center); empty when none.
std::string JiraUserId(const Json* user);

// The `name` of an object such as Jira's priority/status, else its `value` (select lists), else
// the scalar itself.
std::string NameOf(const Json* value);

// Epoch milliseconds from a JSON number or a timestamp string (see timestamp.h); nullopt otherwise.
std::optional<std::int64_t> TimeOf(const Json* value);

}  // namespace ticketwise::connect::internal
