// ServiceNow: the events our Business Rule sends, and Table API list responses, parsed into the
// connector's types.
//
// The event is ours (ServiceNow has no generic outbound webhook); its fields are defined in
// docs/servicenow-events.md and sent by docs/servicenow/ticketwise_business_rule.js. Event types:
// "inserted" (kTicketCreated), "updated" (kTicketUpdated, with `changes`) and "commented"
// (kCommentAdded: the newest work note, internal, or else the newest additional comment, public).
// Values may be plain strings or Table API objects ({"value", "display_value", "link"}): reference
// fields (assignment_group, caller, cmdb_ci, assigned_to) read their display value, choice fields
// (category, impact, state, ...) their code.
//
// Errors as for Jira (jira.h): kResourceExhausted over kMaxPayloadBytes, kInvalidArgument naming a
// missing field or the JSON error, kUnsupported for event types ticketwise does not handle. Pure
// functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "connect/event.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::connect {

// The event format version this build reads; a body with a higher "version" is kUnsupported.
inline constexpr int kServiceNowEventVersion = 1;

Result<InboundEvent> ParseServiceNowEvent(std::string_view body);

// One page of `GET /api/now/table/incident` ({"result":[...]}, or {"result":{...}} for one record).
struct ServiceNowPage {
  std::vector<Ticket> tickets;       // external_id = number; fields as in the event
  std::vector<std::string> sys_ids;  // parallel to `tickets`
  // The greatest sys_updated_on of the page ("2015-11-01 22:37:27"), for the next poll's
  // `sys_updated_on>=` query; empty when no record had one.
  std::string watermark;
  // Records that could not be read, each "result[3]: missing field 'number'". Never dropped
  // silently.
  std::vector<std::string> skipped;
};

Result<ServiceNowPage> ParseServiceNowTableList(std::string_view body,
                                                std::size_t max_bytes = kMaxPayloadBytes);

// Splits the display value of a journal field ("comments", "work_notes" or
// "comments_and_work_notes") into comments, oldest first. Each entry starts with a header line
// "2016-12-12 16:56:57 - Beth Anglin (Work notes)" giving its time, author and kind ("Work notes"
// are internal, "Additional comments" public); text without such headers is one comment of
// `default_visibility`. Entry bodies are trimmed; empty ones are dropped.
std::vector<Comment> ParseJournal(std::string_view text, Visibility default_visibility);

}  // namespace ticketwise::connect
