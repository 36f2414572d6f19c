#include <string_view>

#include "connect/adf_internal.h"
#include "connect/jira_internal.h"
#include "text/markup.h"

namespace ticketwise::connect::internal {
namespace {

// Names of the elements of an array of named objects or strings, joined with ",".
std::string JoinNames(const Json* array, bool first_only) {
  if (array == nullptr) return {};
  if (!array->is_array()) return NameOf(array);
  std::string out;
  for (const Json& item : *array) {
    const std::string name = NameOf(&item);
    if (name.empty()) continue;
    if (!out.empty()) out += ',';
    out += name;
    if (first_only) break;
  }
  return out;
}

// The JSM request type: Cloud's {"requestType":{"name":...}}, else a plain name or value.
std::string RequestTypeName(const Json* value) {
  if (value == nullptr) return {};
  if (const Json* type = Member(value, "requestType"); type != nullptr) return NameOf(type);
  return JoinNames(value, true);
}

void SetIfNotEmpty(std::map<std::string, std::string>* fields, const char* name,
                   std::string value) {
  if (!value.empty()) (*fields)[name] = std::move(value);
}

bool IsInternal(const Json& comment) {
  if (const Json* jsd = Member(comment, "jsdPublic"); jsd != nullptr && jsd->is_boolean()) {
    return !jsd->get<bool>();
  }
  if (const Json* properties = Member(comment, "properties");
      properties != nullptr && properties->is_array()) {
    for (const Json& property : *properties) {
      if (ScalarText(Member(property, "key")) != "sd.public.comment") continue;
      const Json* internal = Member(Member(property, "value"), "internal");
      if (internal != nullptr && internal->is_boolean()) return internal->get<bool>();
    }
  }
  if (const Json* visibility = Member(comment, "visibility");
      visibility != nullptr && !ScalarText(Member(*visibility, "value")).empty()) {
    return true;
  }
  return false;
}

}  // namespace

std::string JiraRichText(const Json* value) {
  if (value == nullptr) return {};
  if (value->is_string()) {
    return text::StripMarkup(value->get_ref<const std::string&>(), text::MarkupKind::kJiraWiki);
  }
  if (IsAdfNode(*value)) return AdfNodeToText(*value);
  return {};
}

Comment JiraComment(const Json& comment) {
  Comment out;
  out.author = JiraUserId(Member(comment, "author"));
  out.body = JiraRichText(Member(comment, "body"));
  out.visibility = IsInternal(comment) ? Visibility::kInternal : Visibility::kPublic;
  out.created_at_ms = TimeOf(Member(comment, "created")).value_or(0);
  return out;
}

void FillTicketFromIssue(const Json& issue, const JiraFieldMap& field_map, Ticket* ticket) {
  ticket->external_id = ScalarText(Member(issue, "key"));
  const Json* fields = Member(issue, "fields");
  if (fields == nullptr || !fields->is_object()) return;
  ticket->title = ScalarText(Member(*fields, "summary"));
  ticket->description = JiraRichText(Member(*fields, "description"));
  ticket->requester = JiraUserId(Member(*fields, "reporter"));
  ticket->created_at_ms = TimeOf(Member(*fields, "created")).value_or(0);

  auto& out = ticket->fields;
  SetIfNotEmpty(&out, "category", JoinNames(Member(*fields, "components"), true));
  SetIfNotEmpty(&out, "labels", JoinNames(Member(*fields, "labels"), false));
  SetIfNotEmpty(&out, "priority", NameOf(Member(*fields, "priority")));
  SetIfNotEmpty(&out, "assignee", JiraUserId(Member(*fields, "assignee")));
  SetIfNotEmpty(&out, "status", NameOf(Member(*fields, "status")));
  SetIfNotEmpty(&out, "resolution", NameOf(Member(*fields, "resolution")));
  SetIfNotEmpty(&out, "issue_type", NameOf(Member(*fields, "issuetype")));
  if (const Json* project = Member(*fields, "project"); project != nullptr) {
    SetIfNotEmpty(&out, "project", ScalarText(Member(*project, "key")));
  }
  if (!field_map.request_type_field.empty()) {
    SetIfNotEmpty(&out, "request_type",
                  RequestTypeName(Member(*fields, field_map.request_type_field)));
  }
  if (!field_map.queue_field.empty()) {
    SetIfNotEmpty(&out, "queue", JoinNames(Member(*fields, field_map.queue_field), true));
  }
  if (!field_map.service_field.empty()) {
    ticket->service = JoinNames(Member(*fields, field_map.service_field), true);
  }

  // A full issue (REST, Data Center webhooks) carries its comments.
  const Json* comments = Member(Member(*fields, "comment"), "comments");
  if (comments != nullptr && comments->is_array()) {
    for (const Json& comment : *comments) {
      if (!comment.is_object()) continue;
      Comment c = JiraComment(comment);
      if (!c.body.empty()) ticket->comments.push_back(std::move(c));
    }
  }
}

}  // namespace ticketwise::connect::internal
