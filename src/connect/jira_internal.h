// Jira issue JSON to Ticket, shared by the webhook parser and the history import. Internal.
#pragma once

#include <string>

#include "connect/jira.h"
#include "connect/json_internal.h"
#include "ticketwise/ticket.h"

namespace ticketwise::connect::internal {

// Plain text of a Jira rich-text value: a wiki-markup string (markup stripped) or an ADF document.
std::string JiraRichText(const Json* value);

// A Jira comment object (REST or webhook shape). `internal` per jira.h.
Comment JiraComment(const Json& comment);

// Fills `ticket` from an issue object ({"id","key","fields":{...}}). Missing parts stay empty;
// required fields are the caller's to check.
void FillTicketFromIssue(const Json& issue, const JiraFieldMap& field_map, Ticket* ticket);

}  // namespace ticketwise::connect::internal
