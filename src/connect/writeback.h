// Write-back: the requests that put a decision onto a Jira or ServiceNow ticket, in each platform's
// wire format (docs: /rest/api/2 for Jira Cloud and Data Center, the Table API for ServiceNow).
//
// A decision reaches the platform as an internal note for the agent (Jira: a comment with the JSM
// property `sd.public.comment` internal; ServiceNow: a work note, never the customer-visible
// `comments`) and, in auto mode, as the field itself (Jira: components; ServiceNow: category).
// Every note ends with a marker naming the outbox item that posted it, "[ticketwise:<id>]", so
// that a sender that cannot know whether its last attempt arrived (a crash, a timeout) reads the
// ticket's notes and posts only when the marker is not there. Pure functions, thread-safe; the
// text handed to NoteRequest must already have passed the safety module's redaction.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "connect/event.h"
#include "connect/jira.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"

namespace ticketwise::connect {

// One HTTP request to a platform, relative to the tenant's base URL.
struct PlatformRequest {
  std::string method;  // "GET", "POST", "PUT" or "PATCH"
  std::string path;    // "/rest/api/2/issue/SD-42/comment", with the target percent-encoded
  std::string body;    // JSON; empty for GET
};

// "[ticketwise:<id>]".
std::string OutboxMarker(std::int64_t outbox_id);

// Where a platform hands out OAuth 2.0 access tokens for the client-credentials grant when the
// connection does not say: ServiceNow's instance endpoint (`<base>/oauth_token.do`), Atlassian's
// authorization server for Jira Cloud service accounts.
std::string DefaultTokenUrl(Platform platform, std::string_view base_url);

// The body of a client-credentials token request (application/x-www-form-urlencoded).
std::string TokenRequestBody(std::string_view client_id, std::string_view client_secret);

// One decided field in a note, and whether it is being set on the ticket as well (auto); for
// "resolution", whether the ticket is being resolved.
struct NoteField {
  const FieldDecision* field = nullptr;
  bool will_set = false;
};

// The note an agent reads: for each field the decided label and its confidence, the runners-up
// and, for priority and queue, the reasons that weighed most; then the best knowledge suggestion
// with its link. Plain text that reads the same as Jira wiki markup and in a ServiceNow work note.
std::string DecisionNote(const Decision& decision, std::span<const NoteField> fields);
// The same for one field.
std::string DecisionNote(const Decision& decision, const FieldDecision& field, bool will_set);

// Whether `field` is set on `platform`'s ticket when it acts in auto mode: the category (Jira
// components, ServiceNow category), the priority (Jira priority by its default names, ServiceNow
// impact and urgency, never priority itself) and the queue (ServiceNow assignment_group; Jira has
// no standard team field, so there only when the site's field map names one, else the queue is only
// in the note).
bool WritesField(Platform platform, std::string_view field, const JiraFieldMap& jira = {});

// Posts `text` followed by the marker as an internal note on `target` (Jira issue key,
// ServiceNow sys_id).
PlatformRequest NoteRequest(Platform platform, std::string_view target, std::string_view text,
                            std::int64_t outbox_id);

// Reads the notes of `target`, for NoteIsPresent.
PlatformRequest NoteCheckRequest(Platform platform, std::string_view target);

// Whether the answer to NoteCheckRequest holds the note of `outbox_id`.
bool NoteIsPresent(std::string_view answer_body, std::int64_t outbox_id);

// Sets `field` (one WritesField accepts) to `label`: a category, P1..P4, or a queue name.
// Setting a field twice leaves the same ticket, so this needs no marker.
// A Jira queue goes to `jira.queue_field` as a select list's option.
PlatformRequest SetFieldRequest(Platform platform, std::string_view target, std::string_view field,
                                std::string_view label, const JiraFieldMap& jira = {});

// --- Resolving a ticket (auto-resolution), with the requester's reply.
//
// Resolving is done only while the ticket is not resolved yet: the sender first reads its status
// (ResolvedCheckRequest, IsResolved), so a resolution that already arrived, or a person who
// resolved or closed the ticket meanwhile, is never overridden. ServiceNow is then one PATCH
// (state 6 Resolved, close_code, close_notes with the reply). Jira resolves through a workflow
// transition whose id differs per workflow: TransitionsRequest lists them, DoneTransition picks the
// first that leads to a status of the "done" category, TransitionRequest performs it with the
// resolution (when the transition asks for one) and the reply as a comment the requester sees.

// Reads the ticket's status.
PlatformRequest ResolvedCheckRequest(Platform platform, std::string_view target);
// Whether the answer to ResolvedCheckRequest shows the ticket resolved, closed or cancelled (Jira:
// a status of the "done" category; ServiceNow: state 6, 7 or 8). InvalidArgument for an answer
// that says neither.
Result<bool> IsResolved(Platform platform, std::string_view answer_body);

// ServiceNow: state 6 with `close_code` and the reply as close_notes.
PlatformRequest ResolveRequest(std::string_view target, std::string_view close_code,
                               std::string_view reply);

struct JiraTransition {
  std::string id;
  bool wants_resolution = false;  // the transition's screen has a resolution field
};
// Jira: the transitions available on the issue, with their fields.
PlatformRequest TransitionsRequest(std::string_view target);
// The first transition of the answer to TransitionsRequest that leads to a "done" status; NotFound
// when there is none, InvalidArgument for an answer that is not a transition list.
Result<JiraTransition> DoneTransition(std::string_view answer_body);
// Jira: performs `transition`, setting the resolution by name when it wants one, with the reply
// as a comment.
PlatformRequest TransitionRequest(std::string_view target, const JiraTransition& transition,
                                  std::string_view resolution, std::string_view reply);

// Whether a change a platform reports puts a resolved ticket back to work: Jira clears the
// resolution, ServiceNow moves the state from Resolved or Closed to an open one.
bool IsReopening(Platform platform, const FieldChange& change);

// --- Reopening a ticket whose auto-resolution was withdrawn (feedback said it was wrong).
//
// Only a ticket that is still resolved is reopened (ResolvedCheckRequest, IsResolved first).
// Jira: the first transition of TransitionsRequest's answer that leads to an "indeterminate" (In
// Progress) or "new" (To Do) status; NotFound when there is none.
Result<JiraTransition> ReopenTransition(std::string_view answer_body);
// ServiceNow: state 2 (In Progress) with `note` as a work note; Jira: performs `transition`
// (no comment: the reason is the agents', and a Jira comment could reach the requester).
PlatformRequest ReopenRequest(Platform platform, std::string_view target,
                              const JiraTransition& transition, std::string_view note);

}  // namespace ticketwise::connect
