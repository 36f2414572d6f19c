#include <string_view>

#include "connect/jira.h"
#include "connect/jira_internal.h"

namespace ticketwise::connect {
namespace {

using internal::Json;
using internal::Member;
using internal::ScalarText;

Status Missing(std::string_view field) { return internal::MissingField("Jira webhook", field); }

// Our name for the field a changelog item changed, or empty when ticketwise does not track it.
std::string OurField(const Json& item, const JiraFieldMap& field_map) {
  const std::string id = ScalarText(Member(item, "fieldId"));
  const std::string name = ScalarText(Member(item, "field"));
  // Older Data Center servers send only the display name; core fields have stable ones.
  const std::string& key = id.empty() ? name : id;
  if (key == "components" || key == "Component") return "category";
  if (key == "priority") return "priority";
  if (key == "assignee") return "assignee";
  if (key == "labels") return "labels";
  if (key == "status" || key == "Status") return "status";
  if (key == "resolution") return "resolution";
  if (key == "issuetype") return "issue_type";
  if (!field_map.request_type_field.empty() && key == field_map.request_type_field) {
    return "request_type";
  }
  if (name == "Customer Request Type" || name == "Request Type" || name == "Request type") {
    return "request_type";
  }
  if (!field_map.queue_field.empty() && key == field_map.queue_field) return "queue";
  return {};
}

// Users change in the changelog by id (`from`/`to`: accountId or user name); everything else by
// the label a person sees (`fromString`/`toString`).
std::string ChangeValue(const Json& item, const std::string& field, bool to) {
  const std::string id = ScalarText(Member(item, to ? "to" : "from"));
  const std::string label = ScalarText(Member(item, to ? "toString" : "fromString"));
  if (field == "assignee") return id.empty() ? label : id;
  return label.empty() ? id : label;
}

void ReadChangelog(const Json& payload, const JiraFieldMap& field_map, InboundEvent* event) {
  const Json* items = Member(Member(payload, "changelog"), "items");
  if (items == nullptr || !items->is_array()) return;
  for (const Json& item : *items) {
    if (!item.is_object()) continue;
    std::string field = OurField(item, field_map);
    if (field.empty()) continue;
    FieldChange change;
    change.platform_field = ScalarText(Member(item, "fieldId"));
    if (change.platform_field.empty()) change.platform_field = ScalarText(Member(item, "field"));
    change.from = ChangeValue(item, field, false);
    change.to = ChangeValue(item, field, true);
    change.field = std::move(field);
    change.changed_by = event->actor;
    change.changed_at_ms = event->timestamp_ms;
    event->changes.push_back(std::move(change));
  }
}

}  // namespace

Result<InboundEvent> ParseJiraWebhook(std::string_view body, std::string_view delivery_id,
                                      const JiraFieldMap& field_map) {
  Result<Json> parsed = internal::ParseJsonObject(body, "Jira webhook", kMaxPayloadBytes);
  if (!parsed) return Fail(parsed.error());
  const Json& payload = *parsed;

  const Json* webhook_event = Member(payload, "webhookEvent");
  if (webhook_event == nullptr) return Fail(Missing("webhookEvent"));
  if (!webhook_event->is_string()) {
    return Fail(Status::InvalidArgument("Jira webhook: field 'webhookEvent' must be a string"));
  }
  InboundEvent event;
  event.platform = Platform::kJira;
  event.platform_event = webhook_event->get<std::string>();
  event.delivery_id = std::string(delivery_id);
  const std::string type_name = ScalarText(Member(payload, "issue_event_type_name"));

  const Json* comment = Member(payload, "comment");
  if (event.platform_event == "jira:issue_created") {
    event.kind = EventKind::kTicketCreated;
  } else if (event.platform_event == "comment_created") {
    event.kind = EventKind::kCommentAdded;
  } else if (event.platform_event == "jira:issue_updated") {
    if (type_name == "issue_comment_edited" || type_name == "issue_comment_deleted") {
      return Fail(Status::Unsupported("Jira webhook: unsupported event 'jira:issue_updated' (" +
                                      type_name + ")"));
    }
    event.kind = type_name == "issue_commented" && comment != nullptr ? EventKind::kCommentAdded
                                                                      : EventKind::kTicketUpdated;
  } else {
    return Fail(
        Status::Unsupported("Jira webhook: unsupported event '" + event.platform_event + "'"));
  }

  const Json* issue = Member(payload, "issue");
  if (issue == nullptr || !issue->is_object()) return Fail(Missing("issue"));
  event.platform_id = ScalarText(Member(*issue, "id"));
  if (event.platform_id.empty()) return Fail(Missing("issue.id"));
  if (ScalarText(Member(*issue, "key")).empty()) return Fail(Missing("issue.key"));
  const Json* fields = Member(*issue, "fields");
  if (fields == nullptr || !fields->is_object()) return Fail(Missing("issue.fields"));
  if (event.kind == EventKind::kTicketCreated && Member(*fields, "summary") == nullptr) {
    return Fail(Missing("issue.fields.summary"));
  }

  event.timestamp_ms = internal::TimeOf(Member(payload, "timestamp")).value_or(0);
  event.actor = internal::JiraUserId(Member(payload, "user"));
  internal::FillTicketFromIssue(*issue, field_map, &event.ticket);

  if (event.kind == EventKind::kCommentAdded) {
    if (comment == nullptr || !comment->is_object()) return Fail(Missing("comment"));
    const std::string comment_id = ScalarText(Member(*comment, "id"));
    if (comment_id.empty()) return Fail(Missing("comment.id"));
    if (Member(*comment, "body") == nullptr) return Fail(Missing("comment.body"));
    event.comment = internal::JiraComment(*comment);
    if (event.actor.empty()) event.actor = event.comment->author;
    // comment_created and jira:issue_updated(issue_commented) describe the same comment.
    event.dedupe_key = "jira/" + event.platform_id + "/comment/" + comment_id;
  } else {
    ReadChangelog(payload, field_map, &event);
    const std::string changelog_id = ScalarText(Member(Member(payload, "changelog"), "id"));
    event.dedupe_key = "jira/" + event.platform_id + "/" + event.platform_event + "/" +
                       (changelog_id.empty() ? std::to_string(event.timestamp_ms) : changelog_id);
  }
  return event;
}

}  // namespace ticketwise::connect
