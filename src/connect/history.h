// History import: tickets exported from Jira or ServiceNow, mapped to ours, for training and for
// `POST /v1/import`.
//
// Jira: the CSV export (Issues > Export > CSV; repeated columns such as "Comment", "Component/s"
// and "Labels" are all read) and the REST search response ({"issues":[...]} from
// /rest/api/2/search or /rest/api/3/search). ServiceNow: the incident list exported as JSON
// ({"records":[...]} from the JSONv2 export, or {"result":[...]} from the Table API) or CSV (column
// names as field names or as the list's labels). Field mapping as in event.h; text has its markup
// stripped.
//
// Each accepted ticket goes to `sink` in file order. A ticket that cannot be used (no key, no text,
// invalid UTF-8, wrong field count, a key seen before) is skipped, counted and reported with the
// line it starts on, never dropped silently. Problems with the whole file (not the export it claims
// to be, malformed JSON, an unterminated quote) are errors naming the file. Not thread-safe per
// call; separate calls are independent.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "connect/jira.h"
#include "ingest/import.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::connect {

enum class HistoryFormat { kCsv, kJson };

// .csv -> kCsv; .json -> kJson (case-insensitive); anything else is kInvalidArgument.
Result<HistoryFormat> HistoryFormatFromPath(std::string_view path);

struct HistoryOptions {
  JiraFieldMap jira;                      // custom fields of the Jira site (JSON exports)
  std::size_t max_reported_skips = 50;    // skipped tickets beyond this are counted, not listed
  std::size_t max_json_bytes = 1u << 30;  // JSON exports are read whole; larger files are refused
};

using TicketSink = std::function<void(const Ticket& ticket)>;

// Reads a Jira export from `in`; `name` names it in messages and in the report.
Result<ingest::ImportReport> ImportJiraHistory(std::istream& in, HistoryFormat format,
                                               std::string_view name, const HistoryOptions& options,
                                               const TicketSink& sink);

// Reads a ServiceNow incident export from `in`.
Result<ingest::ImportReport> ImportServiceNowHistory(std::istream& in, HistoryFormat format,
                                                     std::string_view name,
                                                     const HistoryOptions& options,
                                                     const TicketSink& sink);

// One JSON object, no line break: "id", "title", "description" and "comments" (always present;
// comments joined by blank lines), "requester", "service" and "created_at" (UTC RFC 3339) when
// known, then every field of Ticket::fields under its own name. `ticketwise train --data FILE
// --text title,description,comments --label category` and POST /v1/import read these lines.
std::string TicketJsonLine(const Ticket& ticket);

}  // namespace ticketwise::connect
