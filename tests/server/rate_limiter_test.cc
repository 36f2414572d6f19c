#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace ticketwise::server {
namespace {

TEST(RateLimiterTest, AllowsTheBurstThenTheRatePerTenant) {
  RateLimiter limiter(/*rate=*/2.0, /*burst=*/3.0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", 100.0), 0.0);
  const double wait = limiter.Take("a", 100.0);
  EXPECT_NEAR(wait, 0.5, 1e-9);
  EXPECT_EQ(limiter.Take("b", 100.0), 0.0);  // another tenant's bucket is full
  EXPECT_EQ(limiter.Take("a", 100.5), 0.0);  // one token back after 1/rate seconds
  EXPECT_GT(limiter.Take("a", 100.5), 0.0);
}

TEST(RateLimiterTest, ZeroRateNeverLimits) {
  RateLimiter limiter(0.0, 1.0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Take("a", 1.0), 0.0);
}

}  // namespace
}  // namespace ticketwise::server
