// A tenant's Jira field map as JSON (PUT /v1/connections/jira/fields).
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "connect/jira.h"
#include "connect/json_internal.h"

namespace ticketwise::connect {
namespace {

constexpr std::size_t kMaxFieldMapBytes = 4096;
constexpr std::size_t kMaxFieldIdBytes = 64;

// Jira field ids are "customfield_10010" or a system field's name: letters, digits, underscores.
bool IsFieldId(std::string_view id) {
  if (id.size() > kMaxFieldIdBytes) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

std::array<std::pair<const char*, std::string JiraFieldMap::*>, 3> Members() {
  return {{{"request_type_field", &JiraFieldMap::request_type_field},
           {"queue_field", &JiraFieldMap::queue_field},
           {"service_field", &JiraFieldMap::service_field}}};
}

}  // namespace

Result<JiraFieldMap> ParseJiraFieldMap(std::string_view json) {
  auto object = internal::ParseJsonObject(json, "Jira field map", kMaxFieldMapBytes);
  if (!object) return Fail(object.error());
  JiraFieldMap out;
  for (const auto& [key, value] : object->items()) {
    std::string JiraFieldMap::*member = nullptr;
    for (const auto& [name, m] : Members())
      if (key == name) member = m;
    if (member == nullptr)
      return Fail(
          Status::InvalidArgument("Jira field map: unknown key '" + key +
                                  "' (known: request_type_field, queue_field, service_field)"));
    if (!value.is_string())
      return Fail(Status::InvalidArgument("Jira field map: '" + key +
                                          "' must be a field id such as customfield_10010"));
    const std::string id = value.get<std::string>();
    if (!IsFieldId(id))
      return Fail(Status::InvalidArgument(
          "Jira field map: '" + key +
          "' is not a Jira field id (letters, digits and underscores, at most 64)"));
    out.*member = id;
  }
  return out;
}

std::string JiraFieldMapJson(const JiraFieldMap& map) {
  internal::Json out = internal::Json::object();
  for (const auto& [name, member] : Members()) out[name] = map.*member;
  return out.dump();
}

}  // namespace ticketwise::connect
