#include "server/rate_limiter.h"

#include <algorithm>

namespace ticketwise::server {

double RateLimiter::Take(std::string_view tenant, double now_seconds) {
  if (rate_ <= 0.0) return 0.0;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(tenant);
  if (it == buckets_.end())
    it = buckets_.emplace(std::string(tenant), Bucket{burst_, now_seconds}).first;
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now_seconds - b.at) * rate_);
  b.at = now_seconds;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0.0;
  }
  return (1.0 - b.tokens) / rate_;
}

}  // namespace ticketwise::server
