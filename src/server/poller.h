// Poller: reads the incidents a ServiceNow instance changed, for tenants whose instance cannot send
// events (no Business Rule allowed), and puts each into the webhook inbox as if it had been sent.
//
// For every tenant with polling on (PUT /v1/connections/servicenow/poll) and a ServiceNow
// connection, once per interval: GET /api/now/table/incident with
// `sys_updated_on>=<watermark>^ORDERBYsys_updated_on`, 100 records a page, display values and
// codes both (`sysparm_display_value=all`). Each record goes into the inbox under the key
// "servicenow/<sys_id>/<sys_mod_count>/polled", so a record seen again (the watermark is
// inclusive: records of the same second) is a duplicate and is processed once; the watermark then
// moves to the newest sys_updated_on of the page, and a full page is followed at once by the next.
// What a poll ran into (no connection, an answer other than 200, a page that does not parse) is
// kept with the polling state and logged; the watermark stays, so the next poll tries again.
//
// Thread-safety: the destructor abandons a request in flight and stops.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "server/platform_client.h"
#include "store/store.h"

namespace ticketwise::server {

// The inbox platform of polled records: ProcessDelivery reads their bodies as Table API records.
inline constexpr char kPolledServiceNow[] = "servicenow_poll";

class Poller {
 public:
  using EnqueuedFn = std::function<void()>;

  // `store` must outlive the poller; `on_enqueued` is called after a poll added deliveries.
  Poller(store::Store* store, PlatformClientOptions client, EnqueuedFn on_enqueued);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // The query path of one page, for a watermark ("2026-12-04 09:15:02").
  static std::string PagePath(std::string_view watermark);

 private:
  void Work();
  // Polls one tenant until its pages are read; false when the poll failed.
  bool Poll(const store::Polling& polling);

  store::Store* const store_;
  PlatformClientOptions client_;
  const EnqueuedFn on_enqueued_;
  std::atomic<bool> cancel_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ticketwise::server
