// OutboxWorker: sends the writes in the store's durable outbox to the platforms, one at a time.
//
// ProcessDelivery adds an item when it records a decision that should reach the platform (see
// docs/decisions/0018); this worker sends each pending item once it is due and records what
// happened: a 2xx answer makes it sent; 429 is tried again after the Retry-After the platform
// named; 5xx, a timeout or a connection that fails is tried again after a pause that doubles from
// `backoff` (with jitter, up to an hour), at most `max_attempts` times; any other answer (400, 401,
// 403, 404...) makes it a dead letter that keeps the platform's answer, listed by GET /v1/outbox
// and sent again after POST /v1/outbox/{id}/retry.
//
// A note must not be posted twice. The attempt is recorded before the request leaves, so an item
// whose attempt may have reached the platform (the process died, the answer was lost) is known;
// before posting such a note again, the worker reads the ticket's notes and, when one carries the
// item's marker, records the item as sent instead. Setting a field is idempotent and needs no
// check. Resolving reads the ticket's status first and leaves a resolved or closed ticket alone.
//
// Thread-safety: Notify may be called from any thread; the destructor abandons the request in hand
// (recorded as an attempt that may have arrived, so the next start checks for it) and stops.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "server/platform_client.h"
#include "store/store.h"

namespace ticketwise::server {

struct OutboxOptions {
  // The first pause after a failure that may pass; it doubles with each attempt.
  std::chrono::milliseconds backoff{1'000};
  // Attempts before a write that keeps failing for reasons that may pass becomes a dead letter.
  std::uint32_t max_attempts = 20;
  PlatformClientOptions client{};
};

class OutboxWorker {
 public:
  using SendFn =
      std::function<PlatformAnswer(const store::Connection&, const connect::PlatformRequest&)>;
  // Called after each request with the platform and "sent", "retry" or "dead".
  using ReportFn = std::function<void(const std::string& platform, const char* outcome)>;

  // `store` must outlive the worker. `send` defaults to SendToPlatform with options.client.
  OutboxWorker(store::Store* store, OutboxOptions options, ReportFn report = nullptr,
               SendFn send = nullptr);
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Items were added: look now rather than at the next poll.
  void Notify();

 private:
  void Work();
  // Sends what is due; returns when the next item falls due (or the poll interval).
  std::chrono::milliseconds Pass();
  void Deliver(const store::OutboxItem& item);
  // The tenant's Jira field map when it names a queue field; NotFound when it names none.
  Result<connect::JiraFieldMap> JiraFieldMapOf(const std::string& tenant);
  // The requests that resolve the item's ticket (connect/writeback.h); the answer that decides the
  // outcome, with *dead set when retrying cannot help.
  PlatformAnswer Resolve(const store::Connection& connection, connect::Platform platform,
                         const store::OutboxItem& item, bool* dead);
  // Sets a ticket that is still resolved back to work (a withdrawn auto-resolution); a ticket that
  // is open again already is left alone.
  PlatformAnswer Reopen(const store::Connection& connection, connect::Platform platform,
                        const store::OutboxItem& item, bool* dead);
  // Records a failed answer: dead, or pending until a later time.
  // `dead`: give up whatever the answer was.
  void Failed(const store::OutboxItem& item, std::uint32_t attempts, const PlatformAnswer& answer,
              bool dead = false);
  std::int64_t NowMs() const;
  bool Stopping();

  store::Store* const store_;
  const OutboxOptions options_;
  const ReportFn report_;
  const SendFn send_;
  std::atomic<bool> cancel_{false};  // set first by the destructor: abandons a request in flight
  std::mt19937_64 rng_{std::random_device{}()};  // only the worker thread uses it
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;      // GUARDED_BY(mu_)
  bool notified_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ticketwise::server
