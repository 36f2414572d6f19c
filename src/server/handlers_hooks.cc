// Handlers for the platforms' webhooks (Jira, ServiceNow), their secrets and the inbox, and the
// processing of each delivery the inbox worker hands over.
#include <cstdio>
#include <utility>

#include "connect/jira.h"
#include "connect/servicenow.h"
#include "connect/signature.h"
#include "connect/writeback.h"
#include "policy/resolution.h"
#include "safety/redactor.h"
#include "server/api_json.h"
#include "server/log.h"
#include "server/server_impl.h"
#include "store/secrets.h"

namespace ticketwise::server {
namespace {

// A reply that is not sent goes into the internal note instead, for an agent to send or rewrite:
// the rule was only suggested, or its text failed the outbound check (the reasons say which).
std::string HeldReply(const std::optional<safety::OutboundMessage>& reply, bool sent) {
  if (!reply || sent || reply->text.empty()) return "";
  if (reply->customer_visible)
    return "\n\nReply for the requester, to send when an agent resolves the ticket:\n" +
           reply->text;
  std::string why;
  for (const safety::PolicyViolation& v : reply->reasons)
    why += (why.empty() ? "" : ", ") + std::string(safety::PolicyRuleName(v.rule));
  return "\n\nReply for the requester, held (the outbound text check found: " + why +
         "); rewrite it before sending:\n" + reply->text;
}

Result<connect::InboundEvent> ParseDelivery(std::string_view platform, std::string_view body,
                                            std::string_view delivery_id,
                                            const connect::JiraFieldMap& jira) {
  if (platform == "jira") return connect::ParseJiraWebhook(body, delivery_id, jira);
  return connect::ParseServiceNowEvent(body);
}

// A change made on the platform, as feedback on our decision of that field.
std::string FeedbackReason(const connect::InboundEvent& event, const connect::FieldChange& c) {
  return "changed on " + std::string(connect::PlatformName(event.platform)) + " from '" + c.from +
         "' to '" + c.to + "'";
}

}  // namespace

Result<std::string> Server::Impl::TenantByNameOrId(const std::string& name) {
  {
    std::shared_lock lock(tenant_names_mu);
    if (auto it = tenant_names.find(name); it != tenant_names.end()) return it->second;
  }
  auto tenants = store->ListTenants();
  if (!tenants) return Fail(tenants.error());
  // Tenants are never renamed or removed, so what is cached stays true.
  std::unique_lock lock(tenant_names_mu);
  for (const store::Tenant& t : *tenants) {
    tenant_names[t.name] = t.id;
    tenant_names[t.id] = t.id;
  }
  if (auto it = tenant_names.find(name); it != tenant_names.end()) return it->second;
  return Fail(Status::NotFound("unknown tenant '" + name + "'"));
}

void Server::Impl::PostHook(const httplib::Request& req, httplib::Response& res) {
  const std::string platform = req.matches[1].str();
  auto tenant = TenantByNameOrId(req.matches[2].str());
  if (!tenant) return SendStatus(res, tenant.error());
  if (req.body.size() > connect::kMaxPayloadBytes)
    return SendError(res, 413, "payload_too_large",
                     "body exceeds " + std::to_string(connect::kMaxPayloadBytes) + " bytes");
  // The signature is checked on the raw bytes before anything reads them.
  auto secret = store->WebhookSecret(*tenant, platform);
  if (!secret && secret.error().code() != StatusCode::kNotFound)
    return SendStatus(res, secret.error());
  Status verified =
      !secret ? Status::FailedPrecondition("no " + platform + " webhook secret is set")
      : platform == "jira"
          ? connect::VerifyJiraSignature(
                *secret, req.body,
                req.has_header("X-Hub-Signature")
                    ? std::optional<std::string_view>(req.get_header_value("X-Hub-Signature"))
                    : std::nullopt)
          : connect::VerifyServiceNowSignature(
                *secret, req.body,
                req.has_header("X-SN-Signature")
                    ? std::optional<std::string_view>(req.get_header_value("X-SN-Signature"))
                    : std::nullopt);
  if (!verified.ok()) {
    LogLine(platform + " webhook for tenant " + *tenant + " refused: " + verified.message());
    metrics.RecordHook(platform, "unauthorized");
    return SendError(res, 401, "unauthorized", verified.message());
  }
  const std::string delivery_id = req.get_header_value("X-Atlassian-Webhook-Identifier");
  auto event = ParseDelivery(platform, req.body, delivery_id, JiraFieldsOf(*tenant));
  if (!event && connect::IsUnsupportedEvent(event.error())) {
    // Well formed, signed, and nothing for us to do: acknowledged so the platform does not retry.
    metrics.RecordHook(platform, "ignored");
    res.set_content(HookIgnoredJson(event.error().message()), kJson);
    return;
  }
  if (!event) {
    metrics.RecordHook(platform, "invalid");
    return SendStatus(res, event.error());
  }
  // The event's own key names it across redeliveries and across the two events Jira sends for one
  // comment; the delivery id is the fallback, then the content itself.
  std::string key = event->dedupe_key;
  if (key.empty()) key = delivery_id.empty() ? "sha256/" + store::Sha256Hex(req.body) : delivery_id;
  if (key.size() > store::kMaxDeliveryKeyBytes) key = "sha256/" + store::Sha256Hex(key);
  auto queued = store->EnqueueInbox(*tenant, platform, key, req.body);
  if (!queued) return SendStatus(res, queued.error());
  if (!queued->duplicate) inbox->Notify();
  metrics.RecordHook(platform, queued->duplicate ? "duplicate" : "accepted");
  res.status = queued->duplicate ? 200 : 202;
  res.set_content(
      HookAcceptedJson(*queued, connect::EventKindName(event->kind), event->ticket.external_id),
      kJson);
}

void Server::Impl::ListHooks(const httplib::Request&, httplib::Response& res,
                             const std::string& tenant) {
  auto platforms = store->WebhookPlatforms(tenant);
  if (!platforms) return SendStatus(res, platforms.error());
  res.set_content(HooksJson(tenant, *platforms), kJson);
}

void Server::Impl::SetHookSecret(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  auto secret = ParseSecretRequest(req.body);
  if (!secret) return SendStatus(res, secret.error());
  if (Status s = store->SetWebhookSecret(tenant, req.matches[1].str(), *secret, "api"); !s.ok())
    return SendStatus(res, s);
  res.status = 204;
}

void Server::Impl::ListInbox(const httplib::Request& req, httplib::Response& res,
                             const std::string& tenant) {
  std::optional<store::InboxState> state;
  if (req.has_param("state")) {
    state = store::ParseInboxState(req.get_param_value("state"));
    if (!state)
      return SendError(res, 400, "invalid_argument", "state must be pending, done or failed");
  }
  auto limit = CountParam(req, "limit", 50, store::kMaxListLimit);
  if (!limit) return SendStatus(res, limit.error());
  auto items = store->ListInbox(tenant, state, *limit);
  if (!items) return SendStatus(res, items.error());
  res.set_content(InboxJson(*items), kJson);
}

Result<std::size_t> Server::Impl::QueueWriteBack(const connect::InboundEvent& event,
                                                 const Decision& decision) {
  // Shadow mode writes nothing; the mode recorded on each field already says whether auto's
  // confidence gate passed (it is recorded as suggest when it did not).
  // A resolving decision sends the reply only when it passes the outbound text check now.
  const std::optional<safety::OutboundMessage> reply =
      ResolutionReply(event.ticket.tenant, event.ticket, decision);
  const FieldDecision* resolution = FindField(decision, "resolution");
  const bool resolve =
      reply && reply->customer_visible && resolution != nullptr && resolution->mode == Mode::kAuto;
  const connect::JiraFieldMap jira = JiraFieldsOf(event.ticket.tenant);
  std::vector<connect::NoteField> noted;
  for (const FieldDecision& f : decision.fields) {
    if (f.mode == Mode::kShadow) continue;
    // No rule applied: nothing for an agent to read.
    if (f.field == "resolution" && f.label.empty()) continue;
    const bool set = f.field == "resolution"
                         ? resolve
                         : f.mode == Mode::kAuto && !f.abstained && !f.label.empty() &&
                               connect::WritesField(event.platform, f.field, jira);
    noted.push_back({&f, set});
  }
  if (noted.empty()) return std::size_t{0};
  const std::string platform(connect::PlatformName(event.platform));
  auto connection = store->GetConnection(event.ticket.tenant, platform);
  if (!connection && connection.error().code() == StatusCode::kNotFound) return std::size_t{0};
  if (!connection) return Fail(connection.error());
  // Jira addresses an issue by its key; ServiceNow a record by its sys_id.
  const std::string target =
      event.platform == connect::Platform::kJira ? event.ticket.external_id : event.platform_id;
  if (target.empty()) return std::size_t{0};
  // One note for the whole decision (under the first field it speaks of), then each field set.
  store::OutboxItem note{.platform = platform,
                         .decision_id = decision.id,
                         .kind = store::OutboxKind::kNote,
                         .field = noted.front().field->field,
                         .ticket_key = event.ticket.external_id,
                         .target = target,
                         // Text leaves the service only after redaction of personal data.
                         .text = safety::RedactText(connect::DecisionNote(decision, noted) +
                                                    HeldReply(reply, resolve))};
  std::vector<store::OutboxItem> items = {note};
  for (const connect::NoteField& nf : noted) {
    if (!nf.will_set) continue;
    store::OutboxItem field = note;
    field.kind = store::OutboxKind::kSetField;
    field.field = nf.field->field;
    field.text = nf.field->label;
    if (nf.field->field == "resolution") {
      // Decided last, so queued last: the fields are set before the ticket is resolved.
      const std::shared_ptr<const policy::ResolutionConfig> config =
          engine.ResolutionOf(event.ticket.tenant);
      const policy::ResolutionRule* rule = config ? config->Rule(nf.field->label) : nullptr;
      if (rule == nullptr) continue;
      field.kind = store::OutboxKind::kResolve;
      field.text = reply->text;
      field.close_code =
          event.platform == connect::Platform::kJira ? rule->jira_resolution : rule->close_code;
    }
    items.push_back(std::move(field));
  }
  auto ids = store->EnqueueOutbox(event.ticket.tenant, items);
  if (!ids) return Fail(ids.error());
  outbox->Notify();
  return ids->size();
}

Result<connect::InboundEvent> Server::Impl::ReadPolledRecord(const store::InboxItem& item) {
  auto page = connect::ParseServiceNowTableList(item.body);
  if (!page) return Fail(page.error());
  if (page->tickets.size() != 1)
    return Fail(
        Status::InvalidArgument(page->skipped.empty() ? "no record" : page->skipped.front()));
  connect::InboundEvent event;
  event.platform = connect::Platform::kServiceNow;
  event.platform_event = "polled";
  event.platform_id = page->sys_ids.front();
  event.ticket = std::move(page->tickets.front());
  // A record seen for the first time is a new ticket to decide; one decided before is an update,
  // whose changes are its decided fields' values against those stored at the previous sight.
  auto latest = store->LatestDecision(item.tenant_id, event.ticket.external_id);
  if (!latest && latest.error().code() != StatusCode::kNotFound) return Fail(latest.error());
  if (!latest) {
    event.kind = connect::EventKind::kTicketCreated;
    return event;
  }
  event.kind = connect::EventKind::kTicketUpdated;
  auto before = store->GetTicket(item.tenant_id, latest->ticket_id);
  if (!before) return Fail(before.error());
  // The decided fields, and the state (a resolved ticket reopened).
  std::vector<std::string> watched = {"status"};
  for (const FieldDecision& f : latest->fields) watched.push_back(f.field);
  for (const std::string& field : watched) {
    auto now = event.ticket.fields.find(field);
    if (now == event.ticket.fields.end()) continue;
    auto then = before->ticket.fields.find(field);
    const std::string was = then == before->ticket.fields.end() ? "" : then->second;
    if (now->second != was) event.changes.push_back({field, field, was, now->second, "", 0});
  }
  return event;
}

InboxOutcome Server::Impl::ProcessDelivery(const store::InboxItem& item) {
  const bool polled = item.platform == kPolledServiceNow;
  auto event = polled ? ReadPolledRecord(item)
                      : ParseDelivery(item.platform, item.body, {}, JiraFieldsOf(item.tenant_id));
  if (!event && event.error().code() != StatusCode::kInvalidArgument)
    return {false, true, event.error().ToString()};
  if (!event) return {false, false, "does not parse: " + event.error().message()};
  Ticket& ticket = event->ticket;
  ticket.tenant = item.tenant_id;
  const std::string& tenant = item.tenant_id;

  if (event->kind == connect::EventKind::kTicketCreated) {
    TriageInput input;
    auto decision = DecideTicket(tenant, ticket, &input);
    if (!decision && decision.error().code() == StatusCode::kFailedPrecondition) {
      // No model yet: the ticket is kept (it trains the first model) but not decided.
      Ticket stored = ticket;
      ForStorage(tenant, &stored, nullptr);
      if (Status s = store->ImportTickets(tenant, {stored}); !s.ok())
        return {false, true, s.ToString()};
      return {true, false,
              "stored " + ticket.external_id + "; not decided: the tenant has no model"};
    }
    if (!decision) return {false, false, decision.error().ToString()};
    // The delivery is the idempotency key: processing it again after a crash replays the decision.
    const std::string key = "hook/" + store::Sha256Hex(item.platform + "\n" + item.delivery_key);
    store::TriageOutcome outcome;
    Ticket stored = ticket;
    ForStorage(tenant, &stored, &*decision);
    if (Status s = store->RecordTriage(tenant, stored, &*decision, key, &outcome); !s.ok())
      return {false, s.code() != StatusCode::kAlreadyExists, s.ToString()};
    if (!outcome.replayed) AfterDecision(tenant, ticket, *decision, input);
    // Committed before the delivery is marked done; a replayed decision finds its writes queued.
    auto writes = QueueWriteBack(*event, *decision);
    if (!writes) return {false, true, writes.error().ToString()};
    return {true, false,
            "decided " + decision->id + (outcome.replayed ? " (replayed)" : "") +
                (*writes > 0 ? "; " + std::to_string(*writes) + " write-back queued" : "")};
  }

  // An update or a comment: the ticket as it stands now, and the people's changes as feedback.
  // Deliveries are processed in arrival order, so a change that reaches us after our decision was
  // made after it; its platform timestamp is not compared, the two clocks need not agree.
  // Our own notes come back as comments; they are not the people's words.
  if (event->comment && event->comment->body.find("[ticketwise:") != std::string::npos)
    event->comment.reset();
  if (event->comment) {
    const Comment& c = *event->comment;
    bool present = false;
    for (const Comment& have : ticket.comments)
      present = present || (have.body == c.body && have.author == c.author);
    if (!present) ticket.comments.push_back(c);
  }
  auto latest = store->LatestDecision(tenant, ticket.external_id);
  if (!latest && latest.error().code() != StatusCode::kNotFound)
    return {false, true, latest.error().ToString()};
  Ticket kept = ticket;
  ForStorage(tenant, &kept, nullptr);
  if (Status s = store->ImportTickets(tenant, {kept}); !s.ok()) return {false, true, s.ToString()};
  std::size_t recorded = 0;
  if (latest) {
    auto given = store->ListFeedback(tenant, latest->id);
    if (!given) return {false, true, given.error().ToString()};
    const FieldDecision* resolution = FindField(*latest, "resolution");
    const bool resolved_by_us = resolution != nullptr && resolution->mode == Mode::kAuto &&
                                !resolution->abstained && !resolution->label.empty();
    for (const connect::FieldChange& change : event->changes) {
      store::Feedback fb;
      fb.decision_id = latest->id;
      if (change.field == "resolution" || change.field == "status") {
        // The platform's resolution and state are not our "resolution" field (a rule's name):
        // resolving the ticket, ours or a person's, says nothing about the rule. Reopening a
        // ticket we resolved says it was wrong.
        if (!resolved_by_us || !connect::IsReopening(event->platform, change)) continue;
        fb.field = "resolution";
        fb.verdict = store::Verdict::kFlagged;
        fb.reason = "reopened on " + std::string(connect::PlatformName(event->platform));
      } else {
        if (change.to.empty()) continue;
        const FieldDecision* decided = FindField(*latest, change.field);
        if (decided == nullptr) continue;
        fb.field = change.field;
        fb.verdict =
            change.to == decided->label ? store::Verdict::kAccepted : store::Verdict::kCorrected;
        if (fb.verdict == store::Verdict::kCorrected) fb.value = change.to;
        fb.reason = FeedbackReason(*event, change);
      }
      fb.actor = std::string(connect::PlatformName(event->platform)) +
                 (change.changed_by.empty() ? "" : ":" + change.changed_by);
      // A delivery processed twice (a crash before its outcome was written) gives feedback once.
      bool seen = false;
      for (const store::Feedback& g : *given)
        seen = seen || (g.field == fb.field && g.verdict == fb.verdict && g.value == fb.value &&
                        g.reason == fb.reason && g.actor == fb.actor);
      if (seen) continue;
      auto stored = store->RecordFeedback(tenant, fb);
      if (!stored) return {false, true, stored.error().ToString()};
      AfterFeedback(tenant, *stored);
      ++recorded;
    }
  }
  static_cast<void>(
      engine.knowledge().PutTicket(tenant, WithRequesterKey(tenant, ticket), latest.has_value()));
  return {true, false,
          std::string(connect::EventKindName(event->kind)) + " " + ticket.external_id +
              (recorded > 0 ? "; " + std::to_string(recorded) + " feedback" : "")};
}

}  // namespace ticketwise::server
