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
#include <vector>

#include "engine/knowledge.h"
#include "ingest/import.h"
#include "store/store.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::triage {
class Triage;
}

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
//  "fields": {name: {label, confidence, abstained, top: [{label, p}], mode, model_version,
//  reasons: [str]}}, "engine_micros"}
std::string DecisionJson(const Decision& decision);

// {"id", "external_id", "title", "description", "comments", "requester", "service", "fields",
//  "updated_at_ms"}
std::string TicketJson(const store::StoredTicket& ticket);

// Parses the body of `POST /v1/decisions/{id}/feedback`:
//   {"field": str, "verdict": "accepted"|"corrected"|"flagged", "value": str, "reason": str,
//    "actor": str}
// field and verdict are required, value too for "corrected". decision_id is left empty.
Result<store::Feedback> ParseFeedbackRequest(std::string_view body);

// Parses the body of `PUT /v1/modes/{field}`: {"mode": "shadow"|"suggest"|"auto",
// "auto_min_confidence": number in [0, 1] (default 0.95)}. The result's field is left empty.
Result<store::FieldMode> ParseModeRequest(std::string_view body);

struct TrainRequest {
  std::string field = "category";
  bool activate = false;
};
// Parses the body of `POST /v1/models/train`: {"field": str, "activate": bool}, both optional;
// an empty body means the defaults.
Result<TrainRequest> ParseTrainRequest(std::string_view body);

// {"decisions": [DecisionJson...], "next_before": id or null}
std::string DecisionListJson(const std::vector<Decision>& decisions, bool more);
// {"id", "decision_id", "field", "verdict", "value", "reason", "actor", "created_at_ms"}
std::string FeedbackJson(const store::Feedback& feedback);
// {"feedback": [FeedbackJson...]}
std::string FeedbackListJson(const std::vector<store::Feedback>& feedback);
// {"version", "field", "state", "active", "created_at_ms", "finished_at_ms", "metrics", "error"}
std::string ModelJson(const store::ModelVersion& model);
// {"models": [ModelJson...]}
std::string ModelListJson(const std::vector<store::ModelVersion>& models);
// {"modes": {field: {"mode", "auto_min_confidence", "updated_at_ms"}}}
std::string ModesJson(const std::vector<store::FieldMode>& modes);

// {"field", "rows_seen", "rows_accepted", "rows_skipped", "skipped": [{"line", "reason"}]}
std::string ImportReportJson(const ingest::ImportReport& report, std::string_view field);

// The body of `POST /v1/kb/articles` (one article object, or {"articles": [object, ...]}) or of
// `PUT /v1/kb/articles/{id}` (one object; `path_id` is its id, and an "id" member must agree) as
// JSON Lines for retrieve::ParseKbJsonl, which reads each article: {"id", "title", "body_md" or
// "body" (plain text or HTML), "link" or "url"}. InvalidArgument for invalid UTF-8, malformed JSON
// or a wrong shape.
Result<std::string> ArticleRequestToJsonl(std::string_view body, std::string_view path_id = {});

// {"id", "title", "link", "sections": [{"heading", "text"}], "resolution", "updated_at_ms"}
std::string ArticleJson(const store::KbArticle& article, std::string_view resolution);
// {"articles": [{"id", "title", "link", "updated_at_ms"}], "next_after": id or null}
std::string ArticleListJson(const std::vector<store::KbArticle>& articles, bool more);
// {"received", "created", "updated", "skipped": [reason, ...], "warnings": [text, ...]}: of the
// articles received, `created` were new and `updated` replaced stored ones; `skipped` ones were not
// stored, and `warnings` name stored ones that search cannot find (no indexable text).
std::string ArticlePutJson(std::size_t received, std::size_t stored, std::size_t created,
                           const std::vector<std::string>& skipped,
                           const std::vector<std::string>& warnings);
// {"query", "threshold", "confident", "results": [{"kind", "id", "title", "link", "steps",
//  "score", "lexical", "semantic", "above_gate"}]}
std::string SearchJson(std::string_view query, double threshold,
                       const std::vector<engine::KnowledgeHit>& hits);

// The body of PUT /v1/hooks/{platform}/secret: {"secret": "..."}; InvalidArgument otherwise.
Result<std::string> ParseSecretRequest(std::string_view body);
// {"status": "accepted" | "duplicate", "inbox_id", "event", "ticket"}
std::string HookAcceptedJson(const store::InboxEnqueue& queued, std::string_view event,
                             std::string_view ticket);
// {"status": "ignored", "reason"}
std::string HookIgnoredJson(std::string_view reason);
// {"hooks": [{"platform", "secret_set", "path"}]}
std::string HooksJson(std::string_view tenant, const std::vector<std::string>& configured);
// {"items": [{"id", "platform", "delivery_key", "received_at_ms", "state", "attempts", "result",
//  "processed_at_ms"}]}
std::string InboxJson(const std::vector<store::InboxItem>& items);

// PUT /v1/connections/{platform}: {"base_url", "user", "token"} (Basic; "password" is the same
// as "token"), {"base_url", "bearer"}, or {"base_url", "client_id", "client_secret", "token_url"?}
// (OAuth client credentials; the platform's token endpoint by default). The platform comes from
// the path.
Result<store::Connection> ParseConnectionRequest(std::string_view body, std::string_view platform);
// Never with secrets.
std::string ConnectionsJson(const std::vector<store::Connection>& connections);
std::string OutboxItemJson(const store::OutboxItem& item);
std::string OutboxJson(const std::vector<store::OutboxItem>& items);

// The body of PUT /v1/connections/servicenow/poll: {"interval_seconds": 0..86400, "since":
// "YYYY-MM-DD HH:MM:SS" (optional)}. Returns (interval, since or "").
Result<std::pair<std::uint32_t, std::string>> ParsePollingRequest(std::string_view body);
// {"platform", "interval_seconds", "watermark", "last_poll_ms", "last_error"}
std::string PollingJson(const store::Polling& polling);

// The body of POST /v1/status/incidents: one incident object or an array of them
// (triage/config_json.h). Each needs a non-empty string "id"; the records carry it and the object
// as compact JSON, for triage::ParseIncidentsJson to check the rest. InvalidArgument otherwise.
Result<std::vector<store::IncidentRecord>> ParseIncidentsRequest(std::string_view body);
// ParseIncidentsRequest, then every incident read as triage reads it (triage::ParseIncidentsJson:
// keys, times, priority) and, when `triage` is not null, checked against the tenant's
// configuration (Triage::ValidateIncident: known service, end after start). Every problem is
// InvalidArgument naming the incident.
Result<std::vector<store::IncidentRecord>> ParseCheckedIncidents(std::string_view body,
                                                                 const triage::Triage* triage);
// {"incidents": [incident object, ...]}
std::string IncidentsJson(const std::vector<store::IncidentRecord>& incidents);
// GET /v1/status/major-incidents: {"major_incidents": [{id, service, summary, first_seen_ms,
// last_seen_ms, tickets: [...]}, ...]}.
std::string MajorIncidentsJson(const std::vector<store::MajorIncidentRecord>& incidents);
// GET /v1/alerts/ping-pong: {"threshold": n, "alerts": [{ticket, reassignments, queues: [...],
// last_corrected_at_ms}, ...]}.
std::string PingPongJson(std::uint32_t threshold, const std::vector<store::QueueHistory>& alerts);

// {"error": {"code": code, "message": message}}
std::string ErrorJson(std::string_view code, std::string_view message);

}  // namespace ticketwise::server
