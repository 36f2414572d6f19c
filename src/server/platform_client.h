// PlatformClient: sends one write-back request to a tenant's Jira or ServiceNow over HTTPS, with
// libcurl.
//
// TLS peers are always verified (the system's CA store); plain http:// is used only when the
// tenant's base URL says so (a test double on loopback, a platform behind a local proxy). Every
// request has a connect and a total timeout, and carries the connection's Authorization header
// (Basic user:secret, Bearer secret, or for OAuth client credentials Bearer with an access token
// from the token URL), Accept and Content-Type application/json. Redirects are not
// followed, so credentials go nowhere but the configured host. Thread-safe: each call uses its own
// handle.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "connect/writeback.h"
#include "store/store.h"

namespace ticketwise::server {

struct PlatformAnswer {
  int status = 0;      // the HTTP status; 0 when there was no answer (timeout, refused, TLS)
  std::string body{};  // the answer's body, or what went wrong when status is 0
  // Seconds the platform asked us to wait (Retry-After, seconds form), when it said so.
  std::optional<long> retry_after_s{};
};

// Access tokens of OAuth client-credentials connections, asked for when first needed and again
// when they are about to expire or the platform refuses one (401). Tokens live in memory only.
// Thread-safe.
class OAuthTokens {
 public:
  // The cached token of `connection` (by token URL, client id and secret), or "".
  std::string Cached(const store::Connection& connection);
  void Put(const store::Connection& connection, std::string token, std::chrono::seconds lifetime);
  void Forget(const store::Connection& connection);

 private:
  struct Entry {
    std::string token;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mu_;
  std::map<std::string, Entry> tokens_;  // GUARDED_BY(mu_)
};

struct PlatformClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{20'000};
  // When set and it becomes true, a request in flight is abandoned (status 0).
  const std::atomic<bool>* cancel = nullptr;
  // Where OAuth connections keep their access tokens; an OAuth connection without one cannot send.
  OAuthTokens* tokens = nullptr;
};

PlatformAnswer SendToPlatform(const store::Connection& connection,
                              const connect::PlatformRequest& request,
                              const PlatformClientOptions& options);

}  // namespace ticketwise::server
