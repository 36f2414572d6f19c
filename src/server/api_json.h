// The JSON shapes of the HTTP API (docs/decisions/0007-http-server.md): request bodies in, resource
// representations out.
//
// Pure functions over strings, safe from any thread. The JSON library stays inside api_json.cc so
// that nothing else in the server (or anything that includes this header) depends on it. Parsing
// never throws: every problem with a body is an InvalidArgument whose message names the field or,
// for malformed JSON, the byte offset.
#pragma once

#include <string>
#include <string_view>

#include "store/store.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::server {

// Parses the body of `POST /v1/tickets`:
//   {"external_id": str, "title": str, "description": str,
//    "comments": [{"body": str, "visibility": "internal"|"public", "author": str}],
//    "requester": str, "service": str, "fields": {str: str}}
// external_id and one of title/description are required, the rest optional; unknown members are
// ignored so that clients may send more than this version reads. The result's tenant is empty.
// InvalidArgument for invalid UTF-8, malformed JSON, a missing required field or a wrong type.
Result<Ticket> ParseTicketRequest(std::string_view body);

// {"decision_id", "ticket_id", "created_at_ms", "input_hash",
//  "fields": {name: {label, confidence, abstained, top: [{label, p}], mode, model_version}},
//  "engine_micros"}
std::string DecisionJson(const Decision& decision);

// {"id", "external_id", "title", "description", "comments", "requester", "service", "fields",
//  "updated_at_ms"}
std::string TicketJson(const store::StoredTicket& ticket);

// {"error": {"code": code, "message": message}}
std::string ErrorJson(std::string_view code, std::string_view message);

}  // namespace ticketwise::server
