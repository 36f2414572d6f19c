#include "connect/json_internal.h"

#include <exception>

#include "connect/timestamp.h"
#include "ingest/jsonl_reader.h"

namespace ticketwise::connect::internal {

Status MissingField(std::string_view what, std::string_view field) {
  return Status::InvalidArgument(std::string(what) + ": missing field '" + std::string(field) +
                                 "'");
}

Result<Json> ParseJsonObject(std::string_view body, std::string_view what, std::size_t max_bytes) {
  const std::string name(what);
  if (body.size() > max_bytes) {
    return Fail(Status::ResourceExhausted(name + " of " + std::to_string(body.size()) +
                                          " bytes is over the limit of " +
                                          std::to_string(max_bytes) + " bytes"));
  }
  Json parsed;
  try {
    parsed = Json::parse(body);
  } catch (const Json::parse_error& e) {
    return Fail(Status::InvalidArgument(name + " is not valid JSON at byte " +
                                        std::to_string(e.byte) + ": " +
                                        ingest::DescribeJsonError(e.what())));
  } catch (const Json::exception& e) {
    return Fail(Status::InvalidArgument(
        name + " is not valid JSON: " + ingest::DescribeJsonError(e.what())));
  } catch (const std::exception& e) {
    return Fail(Status::ResourceExhausted(name + " cannot be parsed: " + e.what()));
  }
  if (!parsed.is_object()) {
    return Fail(Status::InvalidArgument(name + " must be a JSON object"));
  }
  return parsed;
}

const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* Member(const Json* object, std::string_view key) {
  return object == nullptr ? nullptr : Member(*object, key);
}

std::string ScalarText(const Json* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  if (value->is_number()) return value->dump();
  return {};
}

std::string GlideText(const Json* value, bool prefer_display) {
  if (value == nullptr) return {};
  if (!value->is_object()) return ScalarText(value);
  std::string display = ScalarText(Member(*value, "display_value"));
  std::string raw = ScalarText(Member(*value, "value"));
  if (prefer_display) return display.empty() ? raw : display;
  return raw.empty() ? display : raw;
}

std::string JiraUserId(const Json* user) {
  if (user == nullptr) return {};
  if (!user->is_object()) return ScalarText(user);
  for (const char* key : {"accountId", "name", "key"}) {
    std::string id = ScalarText(Member(*user, key));
    if (!id.empty()) return id;
  }
  return {};
}

std::string NameOf(const Json* value) {
  if (value == nullptr) return {};
  if (!value->is_object()) return ScalarText(value);
  for (const char* key : {"name", "value"}) {
    std::string name = ScalarText(Member(*value, key));
    if (!name.empty()) return name;
  }
  return {};
}

std::optional<std::int64_t> TimeOf(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer() || value->is_number_unsigned()) return value->get<std::int64_t>();
  if (value->is_string()) return ParseTimestampMs(value->get_ref<const std::string&>());
  return std::nullopt;
}

}  // namespace ticketwise::connect::internal
