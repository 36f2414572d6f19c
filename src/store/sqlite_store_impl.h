// SqliteStoreImpl: the Store over one SQLite connection; private to src/store.
//
// The class is split over sqlite_store.cc (opening, tenants, tickets), sqlite_store_decisions.cc
// (decisions and feedback), sqlite_store_models.cc (models and modes), sqlite_store_audit.cc (the
// audit trail) and sqlite_store_kb.cc (knowledge-base articles). Every public method locks mu_ for
// its whole duration; methods named *Locked expect the caller to hold it. See sqlite_store.h for
// the contract.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite_db.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace ticketwise::store {

class SqliteStoreImpl final : public Store {
 public:
  // `checkpointer`, when given, is a second connection to the same file: a background thread uses
  // it to copy the WAL back into the database, so that no request's commit has to.
  SqliteStoreImpl(std::unique_ptr<Db> db, SqliteStoreOptions options,
                  std::unique_ptr<Db> checkpointer = nullptr);
  ~SqliteStoreImpl() override;

  Result<NewTenant> CreateTenant(std::string_view name) override;
  Result<std::string> FindTenantByApiKey(std::string_view api_key) override;
  Result<std::vector<Tenant>> ListTenants() override;

  Status RecordTriage(std::string_view tenant, const Ticket& ticket, Decision* decision,
                      std::string_view idempotency_key, TriageOutcome* outcome) override;
  Result<StoredTicket> GetTicket(std::string_view tenant, std::string_view ticket_id) override;
  Status ForEachTicket(
      std::string_view tenant,
      const std::function<Status(const StoredTicket&, bool triaged)>& on_ticket) override;
  Result<Decision> GetDecision(std::string_view tenant, std::string_view decision_id) override;
  Result<std::vector<Decision>> ListDecisions(std::string_view tenant,
                                              const DecisionQuery& query) override;

  Result<Feedback> RecordFeedback(std::string_view tenant, const Feedback& feedback) override;
  Result<std::vector<Feedback>> ListFeedback(std::string_view tenant,
                                             std::string_view decision_id) override;

  Status ImportTickets(std::string_view tenant, const std::vector<Ticket>& tickets) override;
  Result<std::vector<TrainingExample>> TrainingExamples(std::string_view tenant,
                                                        std::string_view field,
                                                        std::size_t limit) override;

  Status SetFieldMode(std::string_view tenant, const FieldMode& mode,
                      std::string_view actor) override;
  Result<std::vector<FieldMode>> ListFieldModes(std::string_view tenant) override;

  Result<ModelVersion> BeginModel(std::string_view tenant, std::string_view field) override;
  Status FinishModel(std::string_view tenant, std::string_view version,
                     std::string_view model_bytes, std::string_view metrics_json) override;
  Status FailModel(std::string_view tenant, std::string_view version,
                   std::string_view error) override;
  Result<std::vector<ModelVersion>> ListModels(std::string_view tenant) override;
  Result<ModelVersion> ActivateModel(std::string_view tenant, std::string_view version,
                                     std::string_view actor) override;
  Result<std::string> ModelBytes(std::string_view tenant, std::string_view version) override;
  Result<std::vector<std::pair<std::string, ModelVersion>>> ActiveModels() override;
  Status FailAbandonedModels() override;

  Result<std::size_t> PutArticles(std::string_view tenant, const std::vector<KbArticle>& articles,
                                  std::string_view actor) override;
  Result<KbArticle> GetArticle(std::string_view tenant, std::string_view id) override;
  Status DeleteArticle(std::string_view tenant, std::string_view id,
                       std::string_view actor) override;
  Result<std::vector<KbArticle>> ListArticles(std::string_view tenant, std::string_view after_id,
                                              std::uint32_t limit, bool with_sections) override;

  Status SetWebhookSecret(std::string_view tenant, std::string_view platform,
                          std::string_view secret, std::string_view actor) override;
  Result<std::string> WebhookSecret(std::string_view tenant, std::string_view platform) override;
  Result<std::vector<std::string>> WebhookPlatforms(std::string_view tenant) override;
  Result<InboxEnqueue> EnqueueInbox(std::string_view tenant, std::string_view platform,
                                    std::string_view delivery_key, std::string_view body) override;
  Result<std::vector<InboxItem>> PendingInbox(std::int64_t after_id, std::uint32_t limit) override;
  Status FinishInbox(std::int64_t id, bool ok, std::string_view result, bool retry) override;
  Result<std::vector<InboxItem>> ListInbox(std::string_view tenant, std::optional<InboxState> state,
                                           std::uint32_t limit) override;
  Result<InboxCounts> CountInbox() override;
  Result<std::int64_t> PruneInbox(std::int64_t before_ms) override;
  Status SetConnection(std::string_view tenant, const Connection& connection,
                       std::string_view actor) override;
  Result<Connection> GetConnection(std::string_view tenant, std::string_view platform) override;
  Result<std::vector<Connection>> ListConnections(std::string_view tenant) override;
  Result<std::vector<std::int64_t>> EnqueueOutbox(std::string_view tenant,
                                                  const std::vector<OutboxItem>& items) override;
  Result<std::vector<OutboxItem>> PendingOutbox(std::uint32_t limit) override;
  Status StartOutboxAttempt(std::int64_t id) override;
  Result<std::int64_t> WithdrawResolve(std::string_view tenant, std::string_view decision_id,
                                       std::string_view reason) override;
  Result<std::vector<ResolutionRuleReport>> ResolutionReport(std::string_view tenant,
                                                             std::int64_t since_ms) override;
  Status MarkOutboxSent(std::int64_t id, int http_status) override;
  Status MarkOutboxFailed(std::int64_t id, int http_status, std::string_view error, bool dead,
                          std::int64_t next_attempt_at_ms) override;
  Result<std::vector<OutboxItem>> ListOutbox(std::string_view tenant,
                                             std::optional<OutboxState> state,
                                             std::uint32_t limit) override;
  Result<OutboxItem> RetryOutbox(std::string_view tenant, std::int64_t id,
                                 std::string_view actor) override;
  Result<std::array<std::int64_t, 3>> CountOutbox() override;
  Result<Decision> LatestDecision(std::string_view tenant, std::string_view external_id) override;
  Status SetPolling(std::string_view tenant, std::string_view platform, std::uint32_t interval_s,
                    std::string_view watermark, std::string_view actor) override;
  Result<Polling> GetPolling(std::string_view tenant, std::string_view platform) override;
  Result<std::vector<Polling>> ActivePolling() override;
  Status RecordPoll(std::string_view tenant, std::string_view platform, std::string_view watermark,
                    std::int64_t at_ms, std::string_view error) override;
  Status SetConfig(std::string_view tenant, ConfigKind kind, std::string_view json,
                   std::string_view actor) override;
  Result<ConfigRecord> GetConfig(std::string_view tenant, ConfigKind kind) override;
  Result<std::vector<ConfigRecord>> Configs(ConfigKind kind) override;
  Status PutIncidents(std::string_view tenant, const std::vector<IncidentRecord>& incidents,
                      std::string_view actor) override;
  Result<std::vector<IncidentRecord>> ListIncidents(std::string_view tenant) override;
  Result<TicketHistory> HistoryOf(std::string_view tenant, const Ticket& ticket,
                                  std::int64_t now_ms) override;
  Result<std::vector<QueueHistory>> ReassignedTickets(std::string_view tenant,
                                                      std::uint32_t min_corrections,
                                                      std::uint32_t limit) override;
  Result<std::int64_t> PutMajorIncident(std::string_view tenant,
                                        const MajorIncidentRecord& record) override;
  Result<std::vector<MajorIncidentRecord>> ListMajorIncidents(std::string_view tenant,
                                                              std::uint32_t limit) override;
  Status SetStoreRawText(std::string_view tenant, bool raw, std::string_view actor) override;
  Result<std::vector<std::string>> RawTextTenants() override;
  Result<std::string> InstallationSecret() override;
  Result<std::vector<AuditRecord>> ListAudit(std::string_view tenant, std::uint32_t limit) override;
  Result<AuditCheck> VerifyAudit() override;
  Status ForEachAudit(std::string_view tenant,
                      const std::function<Status(const AuditRecord&)>& on_record) override;

 private:
  std::int64_t Now() const;

  Status TenantExistsLocked(std::string_view tenant);
  // TicketHistory::queues of the tenant's ticket with this external id.
  Result<std::vector<std::string>> QueueHistoryLocked(std::string_view tenant,
                                                      std::string_view external_id);
  // A change of one of the tenant's settings: `write(now)` in one write transaction, after checking
  // that the tenant exists, with one audit record (`what`, `subject`, `actor`). Takes the lock.
  Status WriteSetting(std::string_view tenant, std::string_view what, std::string_view subject,
                      std::string_view actor, const std::function<Status(std::int64_t now)>& write);
  // The tenant's ticket with its comments and fields, or NotFound.
  Result<StoredTicket> LoadTicketLocked(std::string_view tenant, std::string_view ticket_id);
  Status LoadSectionsLocked(std::string_view tenant, KbArticle* article);
  // Upserts the ticket with its comments and fields; returns its id.
  Result<std::string> UpsertTicketLocked(std::string_view tenant, const Ticket& ticket,
                                         std::int64_t now);
  // Inserts the decision and its fields; returns its seq.
  Result<std::int64_t> InsertDecisionLocked(const Decision& decision, std::string_view content_hash,
                                            std::string_view idempotency_key);
  // The id of the decision a triage request repeats (see Store::RecordTriage), or "".
  Result<std::string> ReplayedDecisionLocked(std::string_view tenant, std::string_view external_id,
                                             std::string_view content_hash,
                                             std::string_view idempotency_key);
  // The id of the tenant's latest decision on the ticket with this external id ("" when none),
  // with its content hash.
  Result<std::string> LatestDecisionIdLocked(std::string_view tenant, std::string_view external_id,
                                             std::string* content_hash);
  // The version row of `version` ("v<number>") if it is the tenant's, else NotFound.
  Result<ModelVersion> LoadModelLocked(std::string_view tenant, std::string_view version);
  Status AppendAuditLocked(const AuditRecord& record);
  // The decision's seq if it is the tenant's, else NotFound.
  Result<std::int64_t> DecisionSeqLocked(std::string_view tenant, std::string_view decision_id);
  Result<Decision> LoadDecisionLocked(std::string_view tenant, std::string_view decision_id);

  // The hot writes (a triaged ticket, a webhook delivery) are committed together with the ones
  // other threads make at the same moment, in one transaction (group commit): the WAL then writes
  // each shared page once per batch instead of once per write, and each caller still returns only
  // after its own rows are durable. Each write runs in its own savepoint, so one that fails leaves
  // no rows and does not take the others down with it.
  struct PendingWrite {
    const std::function<Status()>* write;  // runs with mu_ held, inside the batch's transaction
    Status status = Status::Ok();
    bool done = false;  // GUARDED_BY(queue_mu_)
  };
  // Runs `write` in a transaction shared with concurrent callers; its status once committed.
  Status CommitInGroup(const std::function<Status()>& write);
  void CommitBatch(const std::vector<PendingWrite*>& batch);

  // One RecordTriage call.
  struct PendingTriage {
    std::string_view tenant;
    const Ticket* ticket;
    Decision decision;
    std::string_view key;
    std::string content_hash;
    bool replayed = false;
  };
  Status RecordTriageLocked(PendingTriage* item);

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<PendingWrite*> queue_;  // GUARDED_BY(queue_mu_)
  bool leader_active_ = false;        // GUARDED_BY(queue_mu_)

  void CheckpointLoop();

  std::unique_ptr<Db> checkpoint_db_;  // used only by checkpoint_thread_
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;  // GUARDED_BY(checkpoint_mu_)
  std::thread checkpoint_thread_;

  std::mutex mu_;
  std::unique_ptr<Db> db_;  // guarded by mu_
  const SqliteStoreOptions options_;
};

// Between 1 and kMaxListLimit.
std::uint32_t ClampLimit(std::uint32_t limit);

}  // namespace ticketwise::store
