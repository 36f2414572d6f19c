// Engine: turns a Ticket into a Decision with the tenant's models and triage configuration.
//
// The Engine is the pure core that the server and the CLI wrap: it does no I/O, reads no clock
// other than std::chrono::steady_clock for its own latency figure (and the wall clock in the
// two-argument Decide, which stands for "now"), and holds no global state. It
// holds one classify::Model per tenant through a shared_ptr, so a model can be swapped while
// requests that started with the old one finish with it. Thread-safety: every method may be called
// from any number of threads at once; SetModel takes an exclusive lock on the tenant map, Decide a
// shared one only long enough to copy the model pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "classify/model.h"
#include "engine/knowledge.h"
#include "policy/resolution.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"
#include "triage/triage.h"

namespace ticketwise::engine {

struct EngineOptions {
  // Precision the category head must reach; a prediction below its label's threshold abstains.
  double target_precision = 0.9;
  // How many alternatives (best first, the decided label included) a FieldDecision lists.
  std::size_t top_k = 3;
  // Suggestions, duplicates and thread summaries (knowledge.h).
  KnowledgeOptions knowledge;
};

// How one field of one tenant may act. In auto mode a decision acts only when it did not abstain
// and its confidence reaches auto_min_confidence; otherwise it is recorded as a suggestion.
struct FieldPolicy {
  Mode mode = Mode::kShadow;
  double auto_min_confidence = 0.95;
};

// What the caller gathered around one ticket for its triage, since the engine does no I/O: the
// requester's recent history and the queues the ticket has been through, from the store. The engine
// adds what it knows itself: the VIP flag (the ticket's "vip" field), repeat contacts (open tickets
// of the same requester that its duplicate search finds) and the open tickets per queue
// (Knowledge).
struct TriageContext {
  std::uint32_t requester_tickets_7d = 0;  // the requester's other tickets of the last 7 days
  std::uint32_t requester_reopened = 0;    // the requester's recent tickets that were reopened
  std::vector<std::string> queues{};       // where the ticket has been, oldest first; last: now
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Installs `model` (REQUIRES: not null) as `tenant`'s category model, replacing any earlier one.
  // `version` is recorded on every decision the model makes.
  void SetModel(const std::string& tenant, std::shared_ptr<const classify::Model> model,
                std::string version);

  // The model of every tenant that has none of its own; null removes it.
  void SetDefaultModel(std::shared_ptr<const classify::Model> model, std::string version);

  // Sets how `field` of `tenant` may act; fields without a policy are in shadow mode.
  void SetPolicy(const std::string& tenant, const std::string& field, FieldPolicy policy);

  // Installs `model` as `tenant`'s learned head for "priority" or "queue" (null removes it): a
  // classifier trained on that column of the tenant's tickets, whose probabilities feed
  // Triage::Prioritize (the "model" signal) and Triage::Route (team fit). `version` is recorded
  // with the configuration's on the fields it informs. InvalidArgument for another field.
  Status SetHead(const std::string& tenant, std::string_view field,
                 std::shared_ptr<const classify::Model> model, std::string version);

  // Installs `triage` as `tenant`'s priority and routing configuration (null removes it). `version`
  // names the configuration on the decisions it makes, as a model version does.
  void SetTriage(const std::string& tenant, std::shared_ptr<const triage::Triage> triage,
                 std::string version);

  // Replaces `tenant`'s declared incidents (POST /v1/status/incidents); Decide checks which are in
  // effect at its `now`.
  void SetIncidents(const std::string& tenant, std::vector<triage::ActiveIncident> incidents);

  // Installs `config` as `tenant`'s auto-resolution rules and reply templates (null removes them);
  // its version is recorded on the "resolution" field of the decisions it makes.
  void SetResolution(const std::string& tenant,
                     std::shared_ptr<const policy::ResolutionConfig> config);

  // `tenant`'s auto-resolution configuration, or null.
  std::shared_ptr<const policy::ResolutionConfig> ResolutionOf(std::string_view tenant) const;

  // `tenant`'s triage configuration, or null.
  std::shared_ptr<const triage::Triage> TriageOf(std::string_view tenant) const;

  // Whether `tenant` has a model, its own or the default.
  bool HasModel(std::string_view tenant) const;

  // The labels of the model that decides `tenant`'s category now; empty when it has no model.
  std::vector<std::string> CategoryLabels(std::string_view tenant) const;

  // The version that decides `tenant`'s tickets now, or "" when it has no model.
  std::string ModelVersion(std::string_view tenant) const;

  // The tenants' articles and tickets that decisions draw suggestions and duplicates from.
  Knowledge& knowledge() { return knowledge_; }
  const Knowledge& knowledge() const { return knowledge_; }

  // Decides `ticket` for `tenant`: one FieldDecision for "category", with suggestions, duplicates
  // and a thread summary from knowledge(). A tenant with a triage configuration also gets
  // "priority" (P1..P4, Triage::Prioritize) and "queue" (Triage::Route), each with its reasons;
  // see docs/decisions/0019-triage-in-decisions.md. A tenant with an auto-resolution configuration
  // also gets "resolution" (policy::Evaluate; docs/decisions/0022-auto-resolution.md). `now` is the
  // instant incidents are checked against and the ticket's creation time when it has none. The
  // Decision's id, ticket_id, input_hash and created_at_ms are left for the store.
  // FailedPrecondition when the tenant has no model. `context` feeds the priority and routing of a
  // tenant with a triage configuration.
  Result<Decision> Decide(std::string_view tenant, const Ticket& ticket, triage::Seconds now,
                          const TriageContext& context = {}) const;
  // The same at the wall clock's now.
  Result<Decision> Decide(std::string_view tenant, const Ticket& ticket,
                          const TriageContext& context = {}) const;

 private:
  struct TenantModel {
    std::shared_ptr<const classify::Model> model;
    std::string version;
  };
  struct TenantTriage {
    std::shared_ptr<const triage::Triage> triage;
    std::string version;
    // Learned heads, set apart from the configuration (either may come first); model null when
    // there is none.
    TenantModel priority_head;
    TenantModel queue_head;
    // Shared so Decide copies a pointer, not the list, under the lock.
    std::shared_ptr<const std::vector<triage::ActiveIncident>> incidents;
  };

  // The "priority" and "queue" decisions of a ticket whose category head is `category_head`.
  void AddTriageFields(const TenantTriage& tt, std::string_view tenant, const Ticket& ticket,
                       std::vector<triage::LabelProb> category_head, triage::Seconds now,
                       const TriageContext& context, std::size_t repeat_contacts,
                       const std::map<std::string, FieldPolicy, std::less<>>* policies,
                       Decision* decision) const;

  // Scratch buffers are reused across calls because allocating them per ticket costs more than
  // predicting; a pool (rather than thread_local) keeps the Engine free of hidden global state.
  std::unique_ptr<classify::PredictScratch> AcquireScratch() const;
  void ReleaseScratch(std::unique_ptr<classify::PredictScratch> scratch) const;

  const EngineOptions options_;
  Knowledge knowledge_;
  mutable std::shared_mutex models_mu_;
  std::map<std::string, TenantModel, std::less<>> models_;   // GUARDED_BY(models_mu_)
  TenantModel default_model_;                                // GUARDED_BY(models_mu_)
  std::map<std::string, TenantTriage, std::less<>> triage_;  // GUARDED_BY(models_mu_)
  std::map<std::string, std::shared_ptr<const policy::ResolutionConfig>, std::less<>>
      resolution_;  // GUARDED_BY(models_mu_)
  // tenant -> field -> policy
  std::map<std::string, std::map<std::string, FieldPolicy, std::less<>>, std::less<>>
      policies_;  // GUARDED_BY(models_mu_)
  mutable std::mutex scratch_mu_;
  mutable std::vector<std::unique_ptr<classify::PredictScratch>>
      scratch_;  // GUARDED_BY(scratch_mu_)
};

}  // namespace ticketwise::engine
