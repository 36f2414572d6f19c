#include "engine/engine.h"

#include <chrono>
#include <utility>

namespace ticketwise::engine {
namespace {

// Idle scratch buffers kept for reuse; more concurrent calls than this allocate and free their own.
constexpr std::size_t kMaxPooledScratch = 64;

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

bool Engine::HasModel(std::string_view tenant) const {
  std::shared_lock lock(models_mu_);
  return models_.find(tenant) != models_.end() || default_model_.model != nullptr;
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

Result<Decision> Engine::Decide(std::string_view tenant, const Ticket& ticket) const {
  const auto start = std::chrono::steady_clock::now();
  TenantModel tm;
  FieldPolicy policy;
  {
    // Copy the pointer and release the lock at once, so SetModel never waits for a prediction.
    std::shared_lock lock(models_mu_);
    auto it = models_.find(tenant);
    tm = it != models_.end() ? it->second : default_model_;
    if (tm.model == nullptr)
      return Fail(Status::FailedPrecondition("tenant '" + std::string(tenant) + "' has no model"));
    if (auto p = policies_.find(tenant); p != policies_.end()) {
      if (auto f = p->second.find("category"); f != p->second.end()) policy = f->second;
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
  field.mode = policy.mode;
  // Auto acts only on a confident decision; anything less is offered to an agent instead.
  if (policy.mode == Mode::kAuto &&
      (field.abstained || field.confidence < policy.auto_min_confidence))
    field.mode = Mode::kSuggest;
  field.model_version = std::move(tm.version);

  Decision decision;
  decision.tenant = std::string(tenant);
  decision.fields.push_back(std::move(field));
  knowledge_.Annotate(tenant, ticket, &decision);
  decision.engine_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
  return decision;
}

}  // namespace ticketwise::engine
