// InboxWorker: processes webhook deliveries from the store's durable inbox, in arrival order.
//
// A webhook is acknowledged once its raw body is committed to the inbox (POST /v1/hooks/...); this
// worker then hands each pending delivery to `process` on its own thread, and records the outcome.
// A delivery that fails for a reason that may pass (the database was busy or away) stays pending
// and is tried again after a pause that doubles up to 30 s, at most kMaxAttempts times; one that
// cannot succeed (it does not parse any more) is marked failed at once with the reason, visible
// through GET /v1/hooks/inbox. Deliveries left pending by a stopped process are processed at the
// next start, so nothing acknowledged is lost; `process` must therefore be idempotent (triage
// uses the delivery as its idempotency key). Done deliveries are kept kRetention, long enough to
// recognize a platform's retries, then pruned (checked at start and hourly).
//
// The worker thread runs at a lower scheduling priority than the HTTP threads, so that under load
// acknowledgements stay fast and processing lags instead.
//
// Thread-safety: Notify may be called from any thread; the destructor finishes the delivery in
// hand and stops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace ticketwise::server {

// What processing one delivery came to.
struct InboxOutcome {
  bool ok = true;
  bool retry = false;  // a failure that may pass
  std::string result;  // what was done, or why it failed
};

class InboxWorker {
 public:
  static constexpr std::uint32_t kMaxAttempts = 10;
  static constexpr std::chrono::hours kRetention{24 * 7};
  using ProcessFn = std::function<InboxOutcome(const store::InboxItem&)>;

  // `store` must outlive the worker. Starts the thread, which first takes what is pending.
  InboxWorker(store::Store* store, ProcessFn process);
  ~InboxWorker();
  InboxWorker(const InboxWorker&) = delete;
  InboxWorker& operator=(const InboxWorker&) = delete;

  // A delivery was added: look now rather than at the next poll.
  void Notify();

 private:
  void Work();
  // Processes the pending deliveries; false when there was none.
  bool Pass();
  void PruneWhenDue();

  store::Store* const store_;
  const ProcessFn process_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;      // GUARDED_BY(mu_)
  bool notified_ = false;  // GUARDED_BY(mu_)
  std::chrono::milliseconds pause_{0};
  std::chrono::steady_clock::time_point next_prune_{};
  std::thread thread_;
};

}  // namespace ticketwise::server
