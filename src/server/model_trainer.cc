#include "server/model_trainer.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "classify/metrics.h"
#include "classify/trainer.h"
#include "server/log.h"

namespace ticketwise::server {
namespace {

// Every fifth example (by position) is held out: deterministic, and spread over the tenant's
// history instead of taking only its newest tickets.
constexpr std::size_t kHoldoutEvery = 5;

classify::Metrics EvaluateOn(const classify::Model& model,
                             const std::vector<std::string_view>& texts,
                             const std::vector<std::string_view>& labels, double target) {
  std::vector<classify::EvalItem> items;
  items.reserve(texts.size());
  classify::PredictScratch scratch;
  std::set<std::string_view> unknown;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const classify::Prediction p = model.Predict(texts[i], target, 1, &scratch);
    const auto truth = model.labels().Find(labels[i]);
    if (!truth) unknown.insert(labels[i]);
    items.push_back(
        {truth ? static_cast<std::int64_t>(*truth) : -1, p.label, p.confidence, p.abstained});
  }
  return classify::Evaluate(items, model.labels().size(), target, unknown.size());
}

}  // namespace

ModelTrainer::ModelTrainer(store::Store* store, TrainerOptions options, ActivatedFn on_activated)
    : store_(store), options_(options), on_activated_(std::move(on_activated)) {
  worker_ = std::thread([this] { Work(); });
}

ModelTrainer::~ModelTrainer() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  worker_.join();
  for (const Job& job : dropped)
    (void)store_->FailModel(job.tenant, job.version, "the service stopped before training began");
}

Result<store::ModelVersion> ModelTrainer::Start(const std::string& tenant, const std::string& field,
                                                bool activate) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Fail(Status::Unavailable("the service is stopping"));
    if (!busy_.insert(tenant).second)
      return Fail(Status::AlreadyExists("a model of this tenant is already being trained"));
  }
  Result<store::ModelVersion> version = store_->BeginModel(tenant, field);
  std::lock_guard lock(mu_);
  if (!version) {
    busy_.erase(tenant);
    return version;
  }
  queue_.push_back({tenant, field, version->version, activate});
  cv_.notify_all();
  return version;
}

void ModelTrainer::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Run(job);
    std::lock_guard lock(mu_);
    busy_.erase(job.tenant);
  }
}

void ModelTrainer::Run(const Job& job) {
  Result<std::shared_ptr<const classify::Model>> model = Train(job);
  if (!model) {
    LogLine("training " + job.version + " failed: " + model.error().ToString());
    (void)store_->FailModel(job.tenant, job.version, model.error().message());
    return;
  }
  if (!job.activate) return;
  auto activated = store_->ActivateModel(job.tenant, job.version, "engine");
  if (!activated) {
    LogLine("activating " + job.version + " failed: " + activated.error().ToString());
    return;
  }
  if (on_activated_) on_activated_(job.tenant, job.field, job.version, std::move(*model));
}

Result<std::shared_ptr<const classify::Model>> ModelTrainer::Train(const Job& job) {
  auto examples = store_->TrainingExamples(job.tenant, job.field, options_.max_examples);
  if (!examples) return Fail(examples.error());
  if (examples->size() < options_.min_examples)
    return Fail(Status::FailedPrecondition(
        "needs at least " + std::to_string(options_.min_examples) + " labelled tickets with '" +
        job.field + "', has " + std::to_string(examples->size())));
  std::vector<std::string_view> texts, labels, fit_texts, fit_labels, test_texts, test_labels;
  for (std::size_t i = 0; i < examples->size(); ++i) {
    const store::TrainingExample& e = (*examples)[i];
    texts.push_back(e.text);
    labels.push_back(e.label);
    const bool held_out = i % kHoldoutEvery == kHoldoutEvery - 1;
    (held_out ? test_texts : fit_texts).push_back(e.text);
    (held_out ? test_labels : fit_labels).push_back(e.label);
  }
  classify::TrainOptions options;
  options.threads = options_.threads;
  if (Status s = classify::ValidateTrainOptions(options); !s.ok()) return Fail(s);

  auto measured = classify::Train(fit_texts, fit_labels, options);
  if (!measured) return Fail(measured.error());
  constexpr double kTarget = 0.95;
  const classify::Metrics m = EvaluateOn(*measured, test_texts, test_labels, kTarget);

  auto model = classify::Train(texts, labels, options);
  if (!model) return Fail(model.error());
  const nlohmann::json metrics = {{"n_examples", examples->size()},
                                  {"n_test", test_texts.size()},
                                  {"n_labels", model->labels().size()},
                                  {"accuracy", m.accuracy},
                                  {"macro_f1", m.macro_f1},
                                  {"coverage_at_90", m.coverage_at_90},
                                  {"coverage_at_95", m.coverage_at_95},
                                  {"operating_target", m.operating_target},
                                  {"operating_precision", m.operating_precision},
                                  {"operating_coverage", m.operating_coverage}};
  const std::string bytes = model->Serialize();
  if (Status s = store_->FinishModel(
          job.tenant, job.version, bytes,
          metrics.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      !s.ok())
    return Fail(s);
  return std::make_shared<const classify::Model>(std::move(*model));
}

}  // namespace ticketwise::server
