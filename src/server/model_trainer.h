// ModelTrainer: trains tenants' models in the background for POST /v1/models/train.
//
// Start records a new version (state training) and queues the job; one worker thread trains jobs
// one after another, so training never takes more than the cores the trainer itself uses and the
// HTTP workers keep answering with the active models. A job reads the tenant's labelled tickets
// from the store, holds out every fifth one to measure the recipe (accuracy, macro-F1, coverage at
// 90% and 95% precision), trains the final model on all of them, and stores the file and the
// figures with the version. With `activate` the version then becomes the active one and
// `on_activated` installs it in the engine. A version whose training fails records why.
// Thread-safety: Start may be called from any thread; the destructor waits for the running job
// and drops queued ones (their versions are marked failed).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "classify/model.h"
#include "store/store.h"
#include "ticketwise/status.h"

namespace ticketwise::server {

struct TrainerOptions {
  // Fewest labelled tickets a model is trained on.
  std::size_t min_examples = 50;
  // Most labelled tickets read from the store for one model (the oldest are used first).
  std::size_t max_examples = 2'000'000;
  // Training threads; 0: one per core.
  std::uint32_t threads = 0;
};

class ModelTrainer {
 public:
  using ActivatedFn =
      std::function<void(const std::string& tenant, const std::string& field,
                         const std::string& version, std::shared_ptr<const classify::Model> model)>;

  // `store` must outlive the trainer.
  ModelTrainer(store::Store* store, TrainerOptions options, ActivatedFn on_activated);
  ~ModelTrainer();
  ModelTrainer(const ModelTrainer&) = delete;
  ModelTrainer& operator=(const ModelTrainer&) = delete;

  // Queues training of `tenant`'s model for `field`. AlreadyExists while one of the tenant's jobs
  // is queued or running.
  Result<store::ModelVersion> Start(const std::string& tenant, const std::string& field,
                                    bool activate);

 private:
  struct Job {
    std::string tenant;
    std::string field;
    std::string version;
    bool activate = false;
  };

  void Work();
  void Run(const Job& job);
  // Trains, evaluates and stores; returns the model when the version became ready.
  Result<std::shared_ptr<const classify::Model>> Train(const Job& job);

  store::Store* const store_;
  const TrainerOptions options_;
  const ActivatedFn on_activated_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;       // GUARDED_BY(mu_)
  std::set<std::string> busy_;  // tenants with a queued or running job; GUARDED_BY(mu_)
  bool stopping_ = false;       // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace ticketwise::server
