// RateLimiter: a token bucket per tenant, for the API's 429 answers.
//
// Each tenant may make `rate` requests per second on average and `burst` at once. Time comes from
// the caller (steady-clock seconds), so tests need no sleeping. Thread-safety: Take may be called
// from any thread; one mutex guards the buckets.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace ticketwise::server {

class RateLimiter {
 public:
  // rate <= 0 turns limiting off.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst > 1.0 ? burst : 1.0) {}

  // 0 when `tenant` may proceed now (a token is taken); otherwise the seconds until it may.
  double Take(std::string_view tenant, double now_seconds);

 private:
  struct Bucket {
    double tokens = 0.0;
    double at = 0.0;
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace ticketwise::server
