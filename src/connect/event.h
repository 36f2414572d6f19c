// InboundEvent: what a Jira or ServiceNow webhook says happened to a ticket, in the engine's terms.
//
// The connector parsers turn a platform's payload into this one plain value: which ticket (its key
// and the platform's internal id), what happened (created, updated, commented), the ticket as it
// stands (a ticketwise::Ticket with plain-text title, description and comments and its current
// fields), the field changes a person made (the feedback a decision is measured against) and the
// new comment. The value owns its strings and is safe to copy between threads.
//
// Field names in Ticket::fields and FieldChange::field are ours, the same for every platform:
//   category, subcategory, priority, impact, urgency, queue, assignee, request_type, labels,
//   status, resolution, issue_type, project, close_notes.
// A field the platform does not carry is absent, not empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::connect {

// Payloads larger than this are refused with kResourceExhausted before they are parsed. Jira caps a
// description at 32,767 characters and a comment likewise; 4 MiB leaves room for a full issue with
// many comments and still bounds the memory one request can take.
inline constexpr std::size_t kMaxPayloadBytes = 4u << 20;

enum class Platform : std::uint8_t { kJira, kServiceNow };

// "jira" or "servicenow".
std::string_view PlatformName(Platform platform);

enum class EventKind : std::uint8_t {
  kTicketCreated,  // a new ticket: decide it
  kTicketUpdated,  // fields changed: `changes` lists them
  kCommentAdded,   // a comment or work note: `comment` holds it
};

// "ticket_created", "ticket_updated", "comment_added".
std::string_view EventKindName(EventKind kind);

// One field a person (or a rule) changed on the platform.
struct FieldChange {
  std::string field;               // our name, e.g. "category" (see the header comment)
  std::string platform_field;      // the platform's id, e.g. "components", "customfield_10010"
  std::string from;                // the old value as the platform names it; empty when unset
  std::string to;                  // the new value; empty when cleared
  std::string changed_by;          // platform user id (accountId, user name); may be empty
  std::int64_t changed_at_ms = 0;  // Unix epoch milliseconds; 0 when unknown
};

struct InboundEvent {
  Platform platform = Platform::kJira;
  EventKind kind = EventKind::kTicketCreated;
  std::string platform_event;  // the platform's own name: "jira:issue_updated", "updated", ...
  // The delivery id the platform sent (Jira's X-Atlassian-Webhook-Identifier), or empty.
  std::string delivery_id;
  // Names what happened independently of how often it was delivered: two deliveries with the same
  // key are the same event ("jira/10040/comment/10019", "servicenow/<sys_id>/4/updated"). Use it to
  // drop duplicates when there is no delivery id, and across the two events Jira fires for a
  // comment.
  std::string dedupe_key;
  std::string platform_id;        // Jira issue id, ServiceNow sys_id
  std::int64_t timestamp_ms = 0;  // when it happened on the platform; 0 when unknown
  std::string actor;              // who caused it (platform user id or name); may be empty
  // external_id is the key ("SD-42", "INC0010001"); tenant is left empty for the caller, who
  // knows which tenant's hook received the payload.
  Ticket ticket;
  std::vector<FieldChange> changes;
  std::optional<Comment> comment;  // the new comment of a kCommentAdded event
};

// True when `status` says the payload is well formed but describes an event ticketwise does not
// handle (an issue deleted, a comment edited): the caller acknowledges and ignores it.
inline bool IsUnsupportedEvent(const Status& status) {
  return status.code() == StatusCode::kUnsupported;
}

}  // namespace ticketwise::connect
