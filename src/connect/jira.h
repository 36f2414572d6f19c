// Jira webhooks (Cloud, Data Center, Jira Service Management) parsed into InboundEvents.
//
// Handles `jira:issue_created`, `jira:issue_updated` (changelog items become FieldChanges; an
// update that carries a new comment, issue_event_type_name "issue_commented", is a comment event)
// and `comment_created`. Users are identified by accountId (Cloud) or name/key (Data Center).
// Descriptions and comment bodies may be wiki-markup strings (stripped with text::StripMarkup) or
// ADF documents (see adf.h). A comment is internal when Jira Service Management says so
// (`jsdPublic: false`, or the `sd.public.comment` property with `internal: true`) or when its
// visibility is restricted to a role or group; otherwise public.
//
// Errors: kResourceExhausted for a body over kMaxPayloadBytes; kInvalidArgument for malformed JSON
// (including invalid UTF-8) or a missing required field, naming it ("missing field 'issue.key'");
// kUnsupported (IsUnsupportedEvent) for a well-formed event ticketwise does not handle. Pure
// functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "connect/event.h"
#include "ticketwise/status.h"

namespace ticketwise::connect {

// Where a Jira site keeps what core Jira has no field for. Custom field ids differ per site
// (`GET /rest/api/2/field` lists them); empty means the site has no such field.
struct JiraFieldMap {
  // The JSM request type; on Jira Cloud the "Customer Request Type" field.
  std::string request_type_field = "customfield_10010";
  // A field naming the team or assignment group, read as "queue"; a decision in auto mode writes
  // its queue there (as a select list's option).
  std::string queue_field;
  // A field naming the affected service, read as the ticket's service.
  std::string service_field;
};

// A field map given as JSON: {"request_type_field": .., "queue_field": .., "service_field": ..},
// each a Jira field id or "" for none; a key left out keeps its default. InvalidArgument naming the
// problem for anything else.
Result<JiraFieldMap> ParseJiraFieldMap(std::string_view json);
// The map as that JSON, every key present.
std::string JiraFieldMapJson(const JiraFieldMap& map);

// Parses one webhook body. `delivery_id` is the X-Atlassian-Webhook-Identifier header (empty when
// absent); it is copied into the event.
Result<InboundEvent> ParseJiraWebhook(std::string_view body, std::string_view delivery_id = {},
                                      const JiraFieldMap& field_map = {});

}  // namespace ticketwise::connect
