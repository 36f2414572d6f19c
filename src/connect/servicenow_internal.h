// ServiceNow record to Ticket, shared by the event parser, the Table API reader and the history
// import. Internal.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ticketwise/ticket.h"

namespace ticketwise::connect::internal {

// Returns the text of a ServiceNow field of the record (empty when absent); `reference` says the
// field is a reference, whose display value is preferred over its sys_id.
using GlideGetter = std::function<std::string(std::string_view field, bool reference)>;

// Our name for a ServiceNow incident field ("assignment_group" -> "queue"), or empty.
std::string_view OurServiceNowField(std::string_view field);

// Fills title, description, requester, service, created_at_ms, comments (from the journal fields)
// and fields from an incident record.
void FillTicketFromServiceNow(const GlideGetter& get, Ticket* ticket);

}  // namespace ticketwise::connect::internal
