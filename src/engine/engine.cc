#include "engine/engine.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

#include "safety/langid.h"
#include "triage/heads.h"

namespace ticketwise::engine {
namespace {

// Idle scratch buffers kept for reuse; more concurrent calls than this allocate and free their own.
constexpr std::size_t kMaxPooledScratch = 64;

// Auto acts only on a confident decision; anything less is offered to an agent instead.
Mode EffectiveMode(const FieldPolicy& policy, const FieldDecision& field) {
  if (policy.mode == Mode::kAuto &&
      (field.abstained || field.confidence < policy.auto_min_confidence))
    return Mode::kSuggest;
  return policy.mode;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Signed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f", v);
  return buf;
}

// Title and description, the text triage matches incidents and queue descriptions against.
std::string TriageText(const Ticket& ticket) {
  if (ticket.title.empty()) return ticket.description;
  if (ticket.description.empty()) return ticket.title;
  return ticket.title + "\n\n" + ticket.description;
}

std::string_view FieldOf(const Ticket& ticket, std::string_view name) {
  auto it = ticket.fields.find(std::string(name));
  return it == ticket.fields.end() ? std::string_view() : std::string_view(it->second);
}

// A platform's yes: "true", "yes", "1" (ServiceNow sends booleans as strings), any case.
bool IsTrue(std::string_view value) {
  std::string v(value);
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return v == "true" || v == "yes" || v == "1";
}

// The version a triage field is recorded with: the configuration's, and the learned head's when
// one informed it ("triage@<hash>+v7").
std::string WithHead(const std::string& config_version, const auto& head) {
  return head.model == nullptr ? config_version : config_version + "+" + head.version;
}

FieldPolicy PolicyOf(const std::map<std::string, FieldPolicy, std::less<>>* policies,
                     std::string_view field) {
  if (policies == nullptr) return {};
  auto it = policies->find(field);
  return it != policies->end() ? it->second : FieldPolicy{};
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(options), knowledge_(options.knowledge) {}

Engine::~Engine() = default;

void Engine::SetModel(const std::string& tenant, std::shared_ptr<const classify::Model> model,
                      std::string version) {
  std::unique_lock lock(models_mu_);
  models_.insert_or_assign(tenant, TenantModel{std::move(model), std::move(version)});
}

void Engine::SetDefaultModel(std::shared_ptr<const classify::Model> model, std::string version) {
  std::unique_lock lock(models_mu_);
  default_model_ = TenantModel{std::move(model), std::move(version)};
}

void Engine::SetPolicy(const std::string& tenant, const std::string& field, FieldPolicy policy) {
  std::unique_lock lock(models_mu_);
  policies_[tenant].insert_or_assign(field, policy);
}

void Engine::SetResolution(const std::string& tenant,
                           std::shared_ptr<const policy::ResolutionConfig> config) {
  std::unique_lock lock(models_mu_);
  if (config == nullptr) {
    resolution_.erase(tenant);
    return;
  }
  resolution_.insert_or_assign(tenant, std::move(config));
}

std::shared_ptr<const policy::ResolutionConfig> Engine::ResolutionOf(
    std::string_view tenant) const {
  std::shared_lock lock(models_mu_);
  auto it = resolution_.find(tenant);
  return it == resolution_.end() ? nullptr : it->second;
}

void Engine::SetTriage(const std::string& tenant, std::shared_ptr<const triage::Triage> triage,
                       std::string version) {
  std::unique_lock lock(models_mu_);
  TenantTriage& tt = triage_[tenant];
  tt.triage = std::move(triage);
  tt.version = std::move(version);
}

Status Engine::SetHead(const std::string& tenant, std::string_view field,
                       std::shared_ptr<const classify::Model> model, std::string version) {
  if (field != "priority" && field != "queue")
    return Status::InvalidArgument("no learned head for field '" + std::string(field) +
                                   "': only priority and queue have one");
  std::unique_lock lock(models_mu_);
  TenantTriage& tt = triage_[tenant];
  (field == "priority" ? tt.priority_head : tt.queue_head) =
      TenantModel{std::move(model), std::move(version)};
  return Status::Ok();
}

void Engine::SetIncidents(const std::string& tenant,
                          std::vector<triage::ActiveIncident> incidents) {
  auto shared = std::make_shared<const std::vector<triage::ActiveIncident>>(std::move(incidents));
  std::unique_lock lock(models_mu_);
  triage_[tenant].incidents = std::move(shared);
}

std::shared_ptr<const triage::Triage> Engine::TriageOf(std::string_view tenant) const {
  std::shared_lock lock(models_mu_);
  auto it = triage_.find(tenant);
  return it != triage_.end() ? it->second.triage : nullptr;
}

bool Engine::HasModel(std::string_view tenant) const {
  std::shared_lock lock(models_mu_);
  return models_.find(tenant) != models_.end() || default_model_.model != nullptr;
}

std::vector<std::string> Engine::CategoryLabels(std::string_view tenant) const {
  std::shared_ptr<const classify::Model> model;
  {
    std::shared_lock lock(models_mu_);
    auto it = models_.find(tenant);
    model = it != models_.end() ? it->second.model : default_model_.model;
  }
  return model != nullptr ? model->labels().names() : std::vector<std::string>();
}

std::string Engine::ModelVersion(std::string_view tenant) const {
  std::shared_lock lock(models_mu_);
  auto it = models_.find(tenant);
  if (it != models_.end()) return it->second.version;
  return default_model_.model != nullptr ? default_model_.version : std::string();
}

std::unique_ptr<classify::PredictScratch> Engine::AcquireScratch() const {
  std::lock_guard lock(scratch_mu_);
  if (scratch_.empty()) return std::make_unique<classify::PredictScratch>();
  auto scratch = std::move(scratch_.back());
  scratch_.pop_back();
  return scratch;
}

void Engine::ReleaseScratch(std::unique_ptr<classify::PredictScratch> scratch) const {
  std::lock_guard lock(scratch_mu_);
  if (scratch_.size() < kMaxPooledScratch) scratch_.push_back(std::move(scratch));
}

Result<Decision> Engine::Decide(std::string_view tenant, const Ticket& ticket,
                                const TriageContext& context) const {
  return Decide(tenant, ticket,
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                context);
}

Result<Decision> Engine::Decide(std::string_view tenant, const Ticket& ticket, triage::Seconds now,
                                const TriageContext& context) const {
  const auto start = std::chrono::steady_clock::now();
  TenantModel tm;
  FieldPolicy policy;
  TenantTriage tt;
  std::shared_ptr<const policy::ResolutionConfig> resolution;
  std::map<std::string, FieldPolicy, std::less<>> tenant_policies;
  {
    // Copy the pointer and release the lock at once, so SetModel never waits for a prediction.
    std::shared_lock lock(models_mu_);
    auto it = models_.find(tenant);
    tm = it != models_.end() ? it->second : default_model_;
    if (tm.model == nullptr)
      return Fail(Status::FailedPrecondition("tenant '" + std::string(tenant) + "' has no model"));
    if (auto t = triage_.find(tenant); t != triage_.end()) tt = t->second;
    if (auto r = resolution_.find(tenant); r != resolution_.end()) resolution = r->second;
    if (auto p = policies_.find(tenant); p != policies_.end()) {
      if (auto f = p->second.find("category"); f != p->second.end()) policy = f->second;
      if (tt.triage != nullptr || resolution != nullptr) tenant_policies = p->second;
    }
  }

  const std::string text = ModelText(ticket);
  auto scratch = AcquireScratch();
  const classify::Prediction p =
      tm.model->Predict(text, options_.target_precision, options_.top_k, scratch.get());
  ReleaseScratch(std::move(scratch));

  const LabelSet& labels = tm.model->labels();
  FieldDecision field;
  field.field = "category";
  field.label = std::string(labels.Name(p.label));
  field.confidence = p.confidence;
  field.abstained = p.abstained;
  field.top.reserve(p.top.size());
  for (const classify::LabelProbability& lp : p.top)
    field.top.push_back(Alternative{std::string(labels.Name(lp.label)), lp.p});
  field.mode = EffectiveMode(policy, field);
  field.model_version = std::move(tm.version);

  Decision decision;
  decision.tenant = std::string(tenant);
  std::vector<triage::LabelProb> category_head;
  if (tt.triage != nullptr) {
    category_head.reserve(field.top.size());
    for (const Alternative& a : field.top) category_head.push_back({a.label, a.p});
  }
  decision.fields.push_back(std::move(field));
  // Suggestions and duplicates first: the duplicates of the same requester are repeat contacts.
  const std::size_t repeat_contacts = knowledge_.Annotate(tenant, ticket, &decision);
  if (tt.triage != nullptr)
    AddTriageFields(tt, tenant, ticket, std::move(category_head), now, context, repeat_contacts,
                    &tenant_policies, &decision);
  if (resolution != nullptr) {
    // Last: the rules read the decided category, priority and suggestions.
    policy::ResolutionFacts facts = policy::FactsOf(ticket);
    facts.repeat_contacts = static_cast<std::uint32_t>(repeat_contacts);
    FieldDecision resolve = policy::Evaluate(*resolution, decision, facts);
    resolve.mode = EffectiveMode(PolicyOf(&tenant_policies, "resolution"), resolve);
    resolve.model_version = resolution->version;
    decision.fields.push_back(std::move(resolve));
  }
  decision.engine_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
  return decision;
}

void Engine::AddTriageFields(const TenantTriage& tt, std::string_view tenant, const Ticket& ticket,
                             std::vector<triage::LabelProb> category_head, triage::Seconds now,
                             const TriageContext& context, std::size_t repeat_contacts,
                             const std::map<std::string, FieldPolicy, std::less<>>* policies,
                             Decision* decision) const {
  triage::TicketSignals signals;
  signals.id = ticket.external_id;
  signals.text = TriageText(ticket);
  signals.service = ticket.service;
  // The platform's language when it says one, else the one the text is written in (en, de, fr,
  // es; none when the text does not tell).
  signals.language = std::string(FieldOf(ticket, "language"));
  if (signals.language.empty()) {
    const safety::Language language = safety::IdentifyLanguage(signals.text);
    if (language != safety::Language::kUnknown)
      signals.language = std::string(safety::LanguageCode(language));
  }
  signals.created_at = ticket.created_at_ms > 0
                           ? std::chrono::floor<std::chrono::seconds>(
                                 triage::Seconds(std::chrono::seconds(0)) +
                                 std::chrono::milliseconds(ticket.created_at_ms))
                           : now;
  signals.category_head = std::move(category_head);
  if (tt.priority_head.model != nullptr || tt.queue_head.model != nullptr) {
    auto scratch = AcquireScratch();
    if (tt.priority_head.model != nullptr)
      signals.priority_head =
          triage::HeadProbabilities(*tt.priority_head.model, signals.text, scratch.get());
    if (tt.queue_head.model != nullptr)
      signals.team_head =
          triage::HeadProbabilities(*tt.queue_head.model, signals.text, scratch.get());
    ReleaseScratch(std::move(scratch));
  }
  // Every queue the ticket has been through but the one it is in now.
  if (context.queues.size() > 1)
    signals.bounced_from.assign(context.queues.begin(), context.queues.end() - 1);
  triage::RequesterContext requester;
  requester.vip = IsTrue(FieldOf(ticket, "vip"));
  requester.tickets_last_7d = context.requester_tickets_7d;
  requester.reopened_count = context.requester_reopened;
  requester.repeat_contacts = static_cast<std::uint32_t>(repeat_contacts);
  const std::span<const triage::ActiveIncident> incidents =
      tt.incidents != nullptr ? std::span<const triage::ActiveIncident>(*tt.incidents)
                              : std::span<const triage::ActiveIncident>();

  const triage::PriorityResult p = tt.triage->Prioritize(signals, requester, incidents, now);
  FieldDecision priority;
  priority.field = "priority";
  priority.label = triage::PriorityName(p.priority);
  // The score is continuous in levels; how firmly it sits in its level is the confidence: 1.0 on
  // the level itself (or beyond P1 / P4), 0.5 half-way to the next one.
  const int level = static_cast<int>(p.priority);
  const double clamped = std::clamp(p.score, 1.0, 4.0);
  const double off = clamped - level;
  priority.confidence = static_cast<float>(1.0 - std::min(0.5, std::abs(off)));
  priority.top.push_back({priority.label, priority.confidence});
  if (std::abs(off) > 0.0) {
    const int neighbour = off < 0 ? level - 1 : level + 1;
    priority.top.push_back({"P" + std::to_string(neighbour), 1.0f - priority.confidence});
  }
  for (const triage::PriorityReason& r : p.reasons)
    priority.reasons.push_back(r.signal + " " + Signed(r.weight) + ": " + r.detail);
  priority.mode = EffectiveMode(PolicyOf(policies, "priority"), priority);
  priority.model_version = WithHead(tt.version, tt.priority_head);
  decision->fields.push_back(std::move(priority));

  std::vector<triage::QueueLoad> loads;
  for (auto& [queue, open] : knowledge_.OpenByQueue(tenant)) loads.push_back({queue, open});
  const triage::RoutingResult r = tt.triage->Route(signals, loads, now);
  FieldDecision queue;
  queue.field = "queue";
  queue.label = r.queue;
  queue.confidence = static_cast<float>(r.confidence);
  // Sent to the triage queue: routing could not decide, so this is not a decision to act on.
  queue.abstained = r.to_triage_queue;
  queue.reasons.push_back(r.reason);
  const std::size_t shown = std::min(options_.top_k, r.ranked.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const triage::QueueScore& q = r.ranked[i];
    queue.top.push_back({q.queue, static_cast<float>(std::clamp(q.total, 0.0, 1.0))});
    queue.reasons.push_back("'" + q.queue + "' " + Fixed(q.total) + ": team_fit " +
                            Fixed(q.team_fit) + ", category " + Fixed(q.category) +
                            ", description " + Fixed(q.description) + ", load " + Fixed(q.load) +
                            ", hours " + Fixed(q.hours) + ", language " + Fixed(q.language) +
                            ", bounce_penalty " + Fixed(q.bounce_penalty));
  }
  queue.mode = EffectiveMode(PolicyOf(policies, "queue"), queue);
  queue.model_version = WithHead(tt.version, tt.queue_head);
  decision->fields.push_back(std::move(queue));
}

}  // namespace ticketwise::engine
