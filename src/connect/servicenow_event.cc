#include "connect/json_internal.h"
#include "connect/servicenow.h"
#include "connect/servicenow_internal.h"
#include "connect/timestamp.h"

namespace ticketwise::connect {
namespace {

using internal::Json;
using internal::Member;
using internal::ScalarText;

Status Missing(std::string_view field) { return internal::MissingField("ServiceNow event", field); }

internal::GlideGetter GetterFor(const Json& record) {
  return [&record](std::string_view field, bool reference) {
    return internal::GlideText(Member(record, field), reference);
  };
}

Result<EventKind> KindOf(const std::string& event) {
  if (event == "inserted" || event == "insert") return EventKind::kTicketCreated;
  if (event == "updated" || event == "update") return EventKind::kTicketUpdated;
  if (event == "commented") return EventKind::kCommentAdded;
  return Fail(Status::Unsupported("ServiceNow event: unsupported event '" + event + "'"));
}

void ReadChanges(const Json& payload, InboundEvent* event) {
  const Json* changes = Member(payload, "changes");
  if (changes == nullptr || !changes->is_array()) return;
  for (const Json& item : *changes) {
    const std::string field = ScalarText(Member(item, "field"));
    const std::string_view ours = internal::OurServiceNowField(field);
    if (ours.empty()) continue;
    const bool reference = field == "assignment_group" || field == "assigned_to";
    FieldChange change;
    change.field = std::string(ours);
    change.platform_field = field;
    change.from = internal::GlideText(Member(item, "old"), reference);
    change.to = internal::GlideText(Member(item, "new"), reference);
    change.changed_by = event->actor;
    change.changed_at_ms = event->timestamp_ms;
    event->changes.push_back(std::move(change));
  }
}

}  // namespace

Result<InboundEvent> ParseServiceNowEvent(std::string_view body) {
  Result<Json> parsed = internal::ParseJsonObject(body, "ServiceNow event", kMaxPayloadBytes);
  if (!parsed) return Fail(parsed.error());
  const Json& payload = *parsed;

  if (const Json* version = Member(payload, "version"); version != nullptr) {
    if (!version->is_number_integer()) {
      return Fail(Status::InvalidArgument("ServiceNow event: field 'version' must be an integer"));
    }
    if (version->get<std::int64_t>() > kServiceNowEventVersion) {
      return Fail(Status::Unsupported("ServiceNow event: version " + version->dump() +
                                      " is newer than this build reads (" +
                                      std::to_string(kServiceNowEventVersion) + ")"));
    }
  }
  const Json* event_type = Member(payload, "event");
  if (event_type == nullptr) return Fail(Missing("event"));
  if (!event_type->is_string()) {
    return Fail(Status::InvalidArgument("ServiceNow event: field 'event' must be a string"));
  }
  InboundEvent event;
  event.platform = Platform::kServiceNow;
  event.platform_event = event_type->get<std::string>();
  Result<EventKind> kind = KindOf(event.platform_event);
  if (!kind) return Fail(kind.error());
  event.kind = *kind;
  if (const std::string table = ScalarText(Member(payload, "table"));
      !table.empty() && table != "incident") {
    return Fail(Status::Unsupported("ServiceNow event: unsupported table '" + table + "'"));
  }

  event.platform_id = internal::GlideText(Member(payload, "sys_id"), false);
  if (event.platform_id.empty()) return Fail(Missing("sys_id"));
  if (internal::GlideText(Member(payload, "number"), false).empty()) return Fail(Missing("number"));
  if (event.kind == EventKind::kTicketCreated && Member(payload, "short_description") == nullptr) {
    return Fail(Missing("short_description"));
  }

  const std::string updated_on = internal::GlideText(Member(payload, "sys_updated_on"), false);
  event.timestamp_ms = ParseTimestampMs(updated_on).value_or(0);
  event.actor = ScalarText(Member(payload, "updated_by"));
  internal::FillTicketFromServiceNow(GetterFor(payload), &event.ticket);

  const std::string mod_count = internal::GlideText(Member(payload, "sys_mod_count"), false);
  event.dedupe_key = "servicenow/" + event.platform_id + "/" +
                     (mod_count.empty() ? updated_on : mod_count) + "/" + event.platform_event;

  if (event.kind == EventKind::kCommentAdded) {
    std::vector<Comment> notes =
        ParseJournal(ScalarText(Member(payload, "work_notes")), Visibility::kInternal);
    std::vector<Comment> comments =
        ParseJournal(ScalarText(Member(payload, "comments")), Visibility::kPublic);
    if (!notes.empty()) {
      event.comment = notes.back();
    } else if (!comments.empty()) {
      event.comment = comments.back();
    } else {
      return Fail(Missing("work_notes' or 'comments"));
    }
    if (event.comment->author.empty()) event.comment->author = event.actor;
    if (event.comment->created_at_ms == 0) event.comment->created_at_ms = event.timestamp_ms;
  } else {
    ReadChanges(payload, &event);
  }
  return event;
}

Result<ServiceNowPage> ParseServiceNowTableList(std::string_view body, std::size_t max_bytes) {
  Result<Json> parsed = internal::ParseJsonObject(body, "ServiceNow Table API response", max_bytes);
  if (!parsed) return Fail(parsed.error());
  const Json* result = Member(*parsed, "result");
  if (result == nullptr) {
    if (const Json* error = Member(*parsed, "error"); error != nullptr) {
      return Fail(Status::Unavailable("ServiceNow Table API error: " +
                                      ScalarText(Member(*error, "message"))));
    }
    return Fail(Status::InvalidArgument("ServiceNow Table API response: missing field 'result'"));
  }
  Json single = Json::array();
  if (result->is_object()) {
    single.push_back(*result);
    result = &single;
  }
  if (!result->is_array()) {
    return Fail(Status::InvalidArgument(
        "ServiceNow Table API response: field 'result' must be an array or an object"));
  }
  ServiceNowPage page;
  std::int64_t newest = -1;
  for (std::size_t i = 0; i < result->size(); ++i) {
    const Json& record = (*result)[i];
    const std::string where = "result[" + std::to_string(i) + "]: ";
    if (!record.is_object()) {
      page.skipped.push_back(where + "not an object");
      continue;
    }
    const std::string sys_id = internal::GlideText(Member(record, "sys_id"), false);
    if (sys_id.empty()) {
      page.skipped.push_back(where + "missing field 'sys_id'");
      continue;
    }
    Ticket ticket;
    internal::FillTicketFromServiceNow(GetterFor(record), &ticket);
    if (ticket.external_id.empty()) {
      page.skipped.push_back(where + "missing field 'number'");
      continue;
    }
    const std::string updated_on = internal::GlideText(Member(record, "sys_updated_on"), false);
    if (const auto at = ParseTimestampMs(updated_on); at && *at > newest) {
      newest = *at;
      page.watermark = updated_on;
    }
    page.tickets.push_back(std::move(ticket));
    page.sys_ids.push_back(sys_id);
  }
  return page;
}

}  // namespace ticketwise::connect
