// Metrics: the service's counters and latency histograms, rendered in the Prometheus text format
// for GET /metrics.
//
// Label values are bounded by construction: routes are the API's route patterns (not paths),
// fields and outcomes come from the engine, verdicts from a fixed set. Thread-safety: every method
// may be called from any thread; one mutex guards the maps, held for a few map operations only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace ticketwise::server {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void RecordRequest(std::string_view route, std::string_view method, int status, double seconds);
  // outcome: "decided" or "abstained"; mode as recorded on the field.
  void RecordDecision(std::string_view field, std::string_view outcome, std::string_view mode);
  void RecordFeedback(std::string_view field, std::string_view verdict);
  void RecordRateLimited(std::string_view tenant_id);
  void RecordEngineSeconds(double seconds);
  // outcome: "accepted", "duplicate", "ignored", "invalid" or "unauthorized".
  void RecordHook(std::string_view platform, std::string_view outcome);
  // outcome of processing a delivery: "done", "retry" or "failed".
  void RecordInboxProcessed(std::string_view outcome);
  // outcome: "sent", "retry" or "dead".
  void RecordWriteBack(std::string_view platform, std::string_view outcome);
  // kind: "major_incident_raised", "major_incident_linked" or "ping_pong".
  void RecordTriageAlert(std::string_view kind);

  // The whole exposition. `models` lists (tenant, version) of the models in use; `inbox_pending`
  // and `inbox_failed` the webhook deliveries waiting and given up on; `outbox` the writes to the
  // platforms pending, sent and dead.
  std::string Render(const std::vector<std::pair<std::string, std::string>>& models,
                     std::int64_t inbox_pending = 0, std::int64_t inbox_failed = 0,
                     const std::array<std::int64_t, 3>& outbox = {}) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0.0;
    void Observe(double seconds);
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, Histogram> latency_;             // GUARDED_BY(mu_)
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t>
      decisions_;                                                          // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, std::uint64_t> feedback_;  // GUARDED_BY(mu_)
  std::map<std::string, std::uint64_t> rate_limited_;                      // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, std::uint64_t> hooks_;     // GUARDED_BY(mu_)
  std::map<std::string, std::uint64_t> inbox_processed_;                   // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, std::uint64_t> writes_;    // GUARDED_BY(mu_)
  std::map<std::string, std::uint64_t> triage_alerts_;                     // GUARDED_BY(mu_)
  Histogram engine_;                                                       // GUARDED_BY(mu_)
};

}  // namespace ticketwise::server
