// Server::Impl: the state behind a Server and its request handlers; private to src/server.
//
// The handlers are split by resource: server.cc (life cycle, routing, authentication, limits),
// handlers_tickets.cc (tickets, decisions, feedback, import), handlers_kb.cc (knowledge base,
// search) and handlers_models.cc (models, modes). Everything here is shared by the HTTP worker
// threads: the Store and the Engine are thread-safe, Metrics and RateLimiter lock internally, and
// the rest is set before Run and only read afterwards.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "connect/event.h"
#include "connect/jira.h"
#include "engine/engine.h"
#include "server/inbox_worker.h"
#include "server/metrics.h"
#include "server/model_trainer.h"
#include "server/outbox_worker.h"
#include "server/platform_client.h"
#include "server/poller.h"
#include "server/rate_limiter.h"
#include "server/server.h"
#include "store/store.h"

namespace ticketwise::server {

inline constexpr char kJson[] = "application/json";

// The one place where a Status becomes an HTTP status code.
int HttpStatusFor(StatusCode code);
void SendError(httplib::Response& res, int http_status, std::string_view code,
               std::string_view message);
// Errors of 500 and above are logged and answered without their details.
void SendStatus(httplib::Response& res, const Status& status);
// The media type of a Content-Type header without parameters, lower-cased.
std::string MediaType(std::string_view content_type);
// A whole number in [1, max] from the query parameter `name`, or `fallback` when it is absent.
Result<std::uint32_t> CountParam(const httplib::Request& req, const char* name,
                                 std::uint32_t fallback, std::uint32_t max);

struct Route {
  std::string name;  // the pattern as documented, e.g. "/v1/decisions/{id}", for metrics
  std::regex pattern;
  std::string allow;  // methods served, for 405's Allow header
};

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<store::Store> store;
  engine::Engine engine;
  Metrics metrics;
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<ModelTrainer> trainer;
  std::vector<Route> routes;
  httplib::Server http;

  // Valid API keys seen so far, by their SHA-256, so that a request does not need a database
  // query to authenticate. Keys are never rotated or revoked in this version, so entries cannot go
  // stale; only keys the store accepted are cached, which bounds the map by the number of tenants.
  std::shared_mutex auth_mu;
  std::unordered_map<std::string, std::string> auth_cache;  // GUARDED_BY(auth_mu)

  // Tenant ids by name and by id, for the webhook routes, which name the tenant in the path.
  std::shared_mutex tenant_names_mu;
  std::unordered_map<std::string, std::string> tenant_names;  // GUARDED_BY(tenant_names_mu)

  // Serializes the writes of triage configurations and incidents with their hand-over to the
  // engine, so the engine ends up with what the store holds last.
  std::mutex triage_mu;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_requested = false;  // GUARDED_BY(stop_mu)
  bool listen_done = false;     // GUARDED_BY(stop_mu)

  using Handler = void (Impl::*)(const httplib::Request&, httplib::Response&,
                                 const std::string& tenant);
  void InstallRoutes();
  // Registers an authenticated route: measures it, checks the key and the tenant's rate.
  void Add(const char* method, const char* name, const char* regex, Handler handler);
  // Registers a platform's webhook route (PostHook): measured, signed rather than keyed.
  void AddHook(const char* method, const char* name, const char* regex);
  void Measure(const std::string& route, const httplib::Request& req, httplib::Response& res,
               const std::function<void()>& handle);

  // Resolves the bearer key to a tenant, or answers the request (401, 429, or the store's error).
  std::optional<std::string> Authenticate(const httplib::Request& req, httplib::Response& res);
  // Answers 415 unless the body is JSON.
  bool RequireJson(const httplib::Request& req, httplib::Response& res);

  // Loads every tenant's active models, modes, triage configuration and incidents from the store
  // into the engine.
  Status LoadTenantState();
  // Puts a tenant's model for `field` to work: the category model, or a learned triage head.
  Status InstallModel(const std::string& tenant, const std::string& field,
                      const std::string& version, std::shared_ptr<const classify::Model> model);

  // handlers_tickets.cc
  void PostTicket(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void GetTicket(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void GetDecision(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void ListDecisions(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void PostFeedback(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void ListFeedback(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  // Authenticates itself before it reads the body, which it spools to a file.
  void PostImport(const httplib::Request& req, httplib::Response& res,
                  const httplib::ContentReader& reader);

  // handlers_kb.cc
  // Indexes the tenant's stored articles and tickets (at start-up).
  Status LoadKnowledge(const std::string& tenant);
  void PostArticles(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void PutArticle(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void GetArticle(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void ListArticles(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void DeleteArticle(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void Search(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  // Stores and indexes the articles of a POST (path_id empty) or PUT body.
  void StoreArticles(const httplib::Request& req, httplib::Response& res, const std::string& tenant,
                     std::string_view path_id);

  // handlers_models.cc
  void TrainModel(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void ListModels(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void GetModel(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void ActivateModel(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void ListModes(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void SetMode(const httplib::Request& req, httplib::Response& res, const std::string& tenant);

  // handlers_hooks.cc
  // Signed by the platform rather than authenticated by key; the path names the tenant.
  void PostHook(const httplib::Request& req, httplib::Response& res);
  void ListHooks(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void SetHookSecret(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void ListInbox(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  // A record the poller kept (poller.h) as the event it stands for.
  Result<connect::InboundEvent> ReadPolledRecord(const store::InboxItem& item);
  // PUT and GET /v1/connections/servicenow/poll (handlers_outbox.cc).
  void SetPolling(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void GetPolling(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  // PUT and GET /v1/connections/jira/fields (handlers_outbox.cc): where the tenant's Jira site
  // keeps the request type, the team and the service. Webhooks are read with it and queues written
  // to it.
  void PutJiraFields(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void GetJiraFields(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  connect::JiraFieldMap JiraFieldsOf(const std::string& tenant) const;
  Status LoadJiraFields();
  mutable std::shared_mutex jira_fields_mu;
  std::unordered_map<std::string, connect::JiraFieldMap> jira_fields;  // GUARDED_BY(jira_fields_mu)
  // What the inbox worker does with one delivery.
  InboxOutcome ProcessDelivery(const store::InboxItem& item);
  // Adds the writes a decision on a platform's ticket calls for to the outbox; how many there are.
  Result<std::size_t> QueueWriteBack(const connect::InboundEvent& event, const Decision& decision);

  // handlers_outbox.cc
  void ListConnections(const httplib::Request& req, httplib::Response& res,
                       const std::string& tenant);
  void SetConnection(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void ListOutbox(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void RetryOutbox(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  Result<std::string> TenantByNameOrId(const std::string& name);

  // handlers_triage.cc
  void PutTriageConfig(const httplib::Request& req, httplib::Response& res,
                       const std::string& tenant);
  void GetTriageConfig(const httplib::Request& req, httplib::Response& res,
                       const std::string& tenant);
  void PostIncidents(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  void ListIncidents(const httplib::Request& req, httplib::Response& res,
                     const std::string& tenant);
  // Installs a stored configuration in the engine (at start-up and on PUT).
  Status LoadTriageConfig(const store::ConfigRecord& record);
  // Hands the tenant's stored incidents to the engine (at start-up and after each POST).
  Status LoadIncidents(const std::string& tenant);
  // Auto-resolution: the configuration (PUT and GET /v1/resolution/config, loaded at start-up and
  // on PUT), and the reply a decision that resolves its ticket sends, rendered and checked by the
  // outbound text policy; nullopt when the decision resolves nothing.
  void PutResolutionConfig(const httplib::Request& req, httplib::Response& res,
                           const std::string& tenant);
  void GetResolutionConfig(const httplib::Request& req, httplib::Response& res,
                           const std::string& tenant);
  Status LoadResolutionConfig(const store::ConfigRecord& record);
  // GET /v1/resolution/report?days=N: per rule, how often it applied, was held, resolved a ticket
  // and was flagged as wrong, over the last N days (default 30).
  void GetResolutionReport(const httplib::Request& req, httplib::Response& res,
                           const std::string& tenant);
  // The reply to the requester of the rule a decision's "resolution" field names (auto or
  // suggest), checked by the outbound text policy; none when no rule applied or in shadow mode.
  std::optional<safety::OutboundMessage> ResolutionReply(const std::string& tenant,
                                                         const Ticket& ticket,
                                                         const Decision& decision) const;
  // A decision whose reply fails the check does not resolve: its "resolution" field is recorded
  // as a suggestion, with the check's reasons.
  void HoldUnsafeReply(const std::string& tenant, const Ticket& ticket, Decision* decision) const;

  // triage_signals.cc: the store's context for priority and routing, bursts, ping-pong.
  struct TriageInput {
    std::shared_ptr<const triage::Triage> triage;  // null: the tenant has no triage configuration
    engine::TriageContext context;
    bool known = false;  // the store held the ticket before (an update, not a new ticket)
  };
  // The tenant's triage configuration and, when it has one, what the store knows around `ticket`.
  TriageInput GatherTriageInput(const std::string& tenant, const Ticket& ticket);
  // Decides `ticket` with the context GatherTriageInput gathers into `input`.
  Result<Decision> DecideTicket(const std::string& tenant, const Ticket& ticket,
                                TriageInput* input);
  // After a new decision is stored: metrics, the knowledge index (the open ticket counts towards
  // its queue's load) and, for a new ticket of a tenant with triage, the burst detector.
  void AfterDecision(const std::string& tenant, const Ticket& ticket, const Decision& decision,
                     const TriageInput& input);
  void ObserveBurst(const std::string& tenant, const Ticket& ticket,
                    const std::shared_ptr<const triage::Triage>& triage);
  // After feedback is stored: metrics, and a ping-pong alert when a correction of the queue is the
  // one that makes the ticket's reassignments reach the tenant's threshold.
  void AfterFeedback(const std::string& tenant, const store::Feedback& feedback);
  // Feedback that an auto-resolution was wrong: a resolve write not sent yet is stopped, a ticket
  // it may have resolved is reopened through the outbox.
  void WithdrawResolution(const std::string& tenant, const store::Feedback& feedback);
  std::uint32_t PingPongThreshold(const std::string& tenant) const;
  void ListMajorIncidents(const httplib::Request& req, httplib::Response& res,
                          const std::string& tenant);
  void ListPingPong(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  // Each tenant's burst detector (recent tickets, in memory: a restart starts a fresh window).
  struct Burst;
  std::mutex bursts_mu;
  std::unordered_map<std::string, std::shared_ptr<Burst>> bursts;  // GUARDED_BY(bursts_mu)

  // privacy.cc: what of a ticket is kept. By default its text is stored redacted (a Redactor
  // session per ticket, so placeholders agree across its parts); a tenant may choose to keep it
  // as it came. The raw text is used in memory (models, knowledge) either way.
  // The requester identity too is kept as a digest keyed with the installation's secret
  // ("rq_" + 24 hex digits): one requester always gives the same digest within a tenant, so their
  // history still counts, but the stored ticket does not say who they are. The service works with
  // that digest throughout (decisions, history, the knowledge index); only the text of a reply to
  // the requester sees the identity as it came.
  void ForStorage(const std::string& tenant, Ticket* ticket, Decision* decision) const;
  // `ticket` with its requester as ForStorage keeps it; the rest as it came.
  Ticket WithRequesterKey(const std::string& tenant, Ticket ticket) const;
  std::string RequesterKey(const std::string& tenant, std::string_view requester) const;
  bool StoresRawText(const std::string& tenant) const;
  Status LoadPrivacy();
  void GetPrivacy(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  void PutPrivacy(const httplib::Request& req, httplib::Response& res, const std::string& tenant);
  mutable std::shared_mutex privacy_mu;
  std::unordered_set<std::string> raw_text_tenants;  // GUARDED_BY(privacy_mu)
  std::string installation_secret;                   // set by LoadPrivacy before the service starts

  void RecordDecisionMetrics(const Decision& decision);
  void Fallback(const httplib::Request& req, httplib::Response& res);

  // OAuth access tokens of the tenants' platform connections, for the outbox and the poller.
  OAuthTokens oauth_tokens;

  // Last: they are stopped before anything they use goes away; the inbox worker, which hands
  // the outbox its items, first.
  std::unique_ptr<OutboxWorker> outbox;
  std::unique_ptr<InboxWorker> inbox;
  std::unique_ptr<Poller> poller;  // feeds the inbox: stopped before it
};

}  // namespace ticketwise::server
