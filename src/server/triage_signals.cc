// What the service adds around the engine for priority and routing: the context the store holds
// (a requester's recent tickets, the queues a ticket has been through), probable major incidents
// from bursts of similar tickets, and ping-pong alerts for tickets reassigned too often
// (docs/decisions/0020-triage-signals-in-the-service.md).
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "safety/redactor.h"
#include "server/api_json.h"
#include "server/log.h"
#include "server/server_impl.h"
#include "store/codec.h"
#include "triage/incidents.h"
#include "triage/triage.h"

namespace ticketwise::server {
namespace {

constexpr std::uint32_t kDefaultPingPongBounces = 3;

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

triage::Seconds ToSeconds(std::int64_t ms) {
  return std::chrono::floor<std::chrono::seconds>(triage::Seconds(std::chrono::seconds(0)) +
                                                  std::chrono::milliseconds(ms));
}

std::int64_t ToMs(triage::Seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.time_since_epoch()).count();
}

}  // namespace

struct Server::Impl::Burst {
  explicit Burst(std::shared_ptr<const triage::Triage> t)
      : triage(std::move(t)), detector(triage->config().burst) {}
  std::mutex mu;
  const std::shared_ptr<const triage::Triage> triage;  // the configuration it was made for
  triage::BurstDetector detector;                      // GUARDED_BY(mu)
  std::map<std::uint64_t, std::int64_t> stored;        // GUARDED_BY(mu): detector id -> store id
};

Server::Impl::TriageInput Server::Impl::GatherTriageInput(const std::string& tenant,
                                                          const Ticket& ticket) {
  TriageInput input;
  input.triage = engine.TriageOf(tenant);
  if (input.triage == nullptr) return input;
  auto history = store->HistoryOf(tenant, ticket, WallMs());
  if (!history) {
    // The decision does not depend on it: decided without the store's context, and said so.
    LogLine("triage context of " + ticket.external_id +
            " unavailable: " + history.error().ToString());
    return input;
  }
  input.known = history->known;
  input.context.requester_tickets_7d = history->requester_tickets_7d;
  input.context.requester_reopened = history->requester_reopened;
  input.context.queues = std::move(history->queues);
  return input;
}

Result<Decision> Server::Impl::DecideTicket(const std::string& tenant, const Ticket& ticket,
                                            TriageInput* input) {
  // Decided as the service knows the ticket (its requester's digest, as in the store and the
  // knowledge index); the reply to the requester is written from the ticket as it came.
  const Ticket keyed = WithRequesterKey(tenant, ticket);
  *input = GatherTriageInput(tenant, keyed);
  auto decision = engine.Decide(tenant, keyed, input->context);
  if (decision) HoldUnsafeReply(tenant, ticket, &*decision);
  return decision;
}

void Server::Impl::AfterDecision(const std::string& tenant, const Ticket& ticket,
                                 const Decision& decision, const TriageInput& input) {
  RecordDecisionMetrics(decision);
  // The queue an open ticket counts towards: the one its decision assigned when it acted, else
  // the one the platform says (its "queue" field).
  std::string_view queue;
  if (const FieldDecision* q = FindField(decision, "queue");
      q != nullptr && q->mode == Mode::kAuto && !q->abstained)
    queue = q->label;
  // Searchable from now on: as a duplicate candidate while open, as a source once resolved. A
  // ticket with nothing indexable is simply not searchable; the decision stands.
  static_cast<void>(
      engine.knowledge().PutTicket(tenant, WithRequesterKey(tenant, ticket), true, 0, queue));
  if (input.triage != nullptr && !input.known) ObserveBurst(tenant, ticket, input.triage);
}

void Server::Impl::ObserveBurst(const std::string& tenant, const Ticket& ticket,
                                const std::shared_ptr<const triage::Triage>& triage) {
  std::shared_ptr<Burst> burst;
  {
    std::lock_guard lock(bursts_mu);
    auto& slot = bursts[tenant];
    // A new configuration may say other things about bursts: start over with it.
    if (slot == nullptr || slot->triage != triage) slot = std::make_shared<Burst>(triage);
    burst = slot;
  }
  triage::TicketSignals signals;
  signals.id = ticket.external_id;
  signals.text =
      ticket.title.empty() ? ticket.description : ticket.title + "\n\n" + ticket.description;
  signals.service = ticket.service;
  signals.created_at = ToSeconds(ticket.created_at_ms > 0 ? ticket.created_at_ms : WallMs());

  std::lock_guard lock(burst->mu);
  const triage::BurstEvent event = burst->detector.Observe(signals);
  if (!event.raised && !event.linked) return;
  const triage::MajorIncident& incident = burst->detector.incidents()[event.incident - 1];
  store::MajorIncidentRecord record{.id = 0,
                                    .service = incident.service,
                                    // Kept and listed: personal data is redacted first.
                                    .summary = safety::RedactText(incident.summary),
                                    .first_seen_ms = ToMs(incident.first_seen),
                                    .last_seen_ms = ToMs(incident.last_seen),
                                    .ticket_ids = incident.ticket_ids};
  if (auto it = burst->stored.find(incident.id); it != burst->stored.end()) record.id = it->second;
  auto id = store->PutMajorIncident(tenant, record);
  if (!id) {
    LogLine("probable major incident of tenant " + tenant +
            " not recorded: " + id.error().ToString());
    return;
  }
  burst->stored[incident.id] = *id;
  metrics.RecordTriageAlert(event.raised ? "major_incident_raised" : "major_incident_linked");
  if (event.raised)
    LogLine("probable major incident " + std::to_string(*id) + " of tenant " + tenant + ": " +
            std::to_string(incident.ticket_ids.size()) + " similar tickets");
}

std::uint32_t Server::Impl::PingPongThreshold(const std::string& tenant) const {
  auto triage = engine.TriageOf(tenant);
  return triage != nullptr ? triage->config().routing.ping_pong_bounces : kDefaultPingPongBounces;
}

void Server::Impl::AfterFeedback(const std::string& tenant, const store::Feedback& feedback) {
  metrics.RecordFeedback(feedback.field, store::VerdictName(feedback.verdict));
  if (feedback.field == "resolution" && feedback.verdict != store::Verdict::kAccepted)
    WithdrawResolution(tenant, feedback);
  if (feedback.field != "queue" || feedback.verdict != store::Verdict::kCorrected) return;
  auto decision = store->GetDecision(tenant, feedback.decision_id);
  if (!decision) return;
  auto stored = store->GetTicket(tenant, decision->ticket_id);
  if (!stored) return;
  auto history = store->HistoryOf(tenant, stored->ticket, WallMs());
  if (!history) return;
  const std::uint32_t threshold = PingPongThreshold(tenant);
  auto alert = triage::DetectPingPong(stored->ticket.external_id, history->queues, threshold);
  // Once per ticket: when this correction is the one that reaches the threshold.
  if (!alert || alert->bounces != threshold) return;
  metrics.RecordTriageAlert("ping_pong");
  LogLine("ping-pong: ticket " + alert->ticket_id + " of tenant " + tenant + " reassigned " +
          std::to_string(alert->bounces) + " times");
}

void Server::Impl::ListMajorIncidents(const httplib::Request& req, httplib::Response& res,
                                      const std::string& tenant) {
  auto limit = CountParam(req, "limit", 50, store::kMaxListLimit);
  if (!limit) return SendStatus(res, limit.error());
  auto incidents = store->ListMajorIncidents(tenant, *limit);
  if (!incidents) return SendStatus(res, incidents.error());
  res.set_content(MajorIncidentsJson(*incidents), kJson);
}

void Server::Impl::ListPingPong(const httplib::Request& req, httplib::Response& res,
                                const std::string& tenant) {
  auto limit = CountParam(req, "limit", 50, store::kMaxListLimit);
  if (!limit) return SendStatus(res, limit.error());
  const std::uint32_t threshold = PingPongThreshold(tenant);
  auto reassigned = store->ReassignedTickets(tenant, threshold, *limit);
  if (!reassigned) return SendStatus(res, reassigned.error());
  std::vector<store::QueueHistory> alerts;
  for (store::QueueHistory& h : *reassigned)
    if (triage::DetectPingPong(h.external_id, h.queues, threshold)) alerts.push_back(std::move(h));
  res.set_content(PingPongJson(threshold, alerts), kJson);
}

void Server::Impl::WithdrawResolution(const std::string& tenant, const store::Feedback& feedback) {
  std::string note = "ticketwise reopened the ticket: its auto-resolution was " +
                     std::string(store::VerdictName(feedback.verdict)) + " by " +
                     (feedback.actor.empty() ? std::string("an agent") : feedback.actor);
  if (!feedback.reason.empty()) note += " (" + feedback.reason + ")";
  note += ".";
  // Text for the platform is redacted like every note.
  auto reopen = store->WithdrawResolve(tenant, feedback.decision_id, safety::RedactText(note));
  if (!reopen) {
    // No resolve write: the decision resolved nothing on a platform, so there is nothing to undo.
    if (reopen.error().code() != StatusCode::kNotFound)
      LogLine("auto-resolution of decision " + feedback.decision_id +
              " not withdrawn: " + reopen.error().ToString());
    return;
  }
  LogLine("auto-resolution of decision " + feedback.decision_id + " withdrawn" +
          (*reopen > 0 ? "; reopen queued" : " before it was sent"));
  if (*reopen > 0) outbox->Notify();
}

}  // namespace ticketwise::server
