#include "server/platform_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace ticketwise::server {
namespace {

// The most of an answer kept; notes and error bodies are far smaller.
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (out->size() < kMaxAnswerBytes) out->append(data, std::min(n, kMaxAnswerBytes - out->size()));
  return n;
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load() ? 1 : 0;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct EasyFree {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

std::string TokenKey(const store::Connection& c) {
  return c.token_url + '\n' + c.user + '\n' + c.secret;
}

// One HTTP exchange. `bearer` (when not empty) or the connection's Basic credentials authorize it.
PlatformAnswer Perform(const store::Connection& connection, const std::string& url,
                       const connect::PlatformRequest& request, std::string_view content_type,
                       const std::string& bearer, const PlatformClientOptions& options) {
  GlobalInit();
  PlatformAnswer answer;
  std::unique_ptr<CURL, EasyFree> curl(curl_easy_init());
  if (!curl) {
    answer.body = "cannot start an HTTP request";
    return answer;
  }
  CURL* h = curl.get();
  std::unique_ptr<curl_slist, SlistFree> headers;
  auto add = [&headers](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add("Accept: application/json");
  if (!request.body.empty()) add("Content-Type: " + std::string(content_type));
  if (!bearer.empty()) add("Authorization: Bearer " + bearer);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, "ticketwise");
  if (bearer.empty() && connection.auth == store::AuthKind::kBasic) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, connection.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, connection.secret.c_str());
  }
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
  if (options.cancel != nullptr) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &Progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, options.cancel);
  }
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    answer.status = 0;
    answer.body = request.method + " " + request.path + ": " + curl_easy_strerror(code);
    return answer;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  answer.status = static_cast<int>(status);
  curl_header* retry = nullptr;
  if (curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &retry) == CURLHE_OK &&
      retry != nullptr) {
    const std::string_view v = retry->value;
    long seconds = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec == std::errc() && ptr == v.data() + v.size() && seconds >= 0)
      answer.retry_after_s = seconds;
  }
  return answer;
}

// Asks the token URL for an access token (client-credentials grant). On failure the answer says
// what the token endpoint said, so a refused client is a 4xx like any other refusal.
PlatformAnswer FetchToken(const store::Connection& connection, const PlatformClientOptions& options,
                          std::string* token, std::chrono::seconds* lifetime) {
  const connect::PlatformRequest ask{"POST", "",
                                     connect::TokenRequestBody(connection.user, connection.secret)};
  PlatformAnswer answer = Perform(connection, connection.token_url, ask,
                                  "application/x-www-form-urlencoded", "", options);
  if (answer.status < 200 || answer.status >= 300) {
    answer.body = "access token: " + answer.body;
    return answer;
  }
  const auto j = nlohmann::json::parse(answer.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("access_token") ||
      !j["access_token"].is_string() || j["access_token"].get<std::string>().empty()) {
    // Not the shape RFC 6749 gives: the client's configuration is wrong, not the moment.
    answer.status = 400;
    answer.body = "access token: the token endpoint's answer has no access_token";
    return answer;
  }
  *token = j["access_token"].get<std::string>();
  *lifetime =
      std::chrono::seconds(j.contains("expires_in") && j["expires_in"].is_number_integer()
                               ? std::max<std::int64_t>(j["expires_in"].get<std::int64_t>(), 1)
                               : 3600);
  return answer;
}

}  // namespace

std::string OAuthTokens::Cached(const store::Connection& connection) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(TokenKey(connection));
  if (it == tokens_.end()) return "";
  if (std::chrono::steady_clock::now() >= it->second.expires) {
    tokens_.erase(it);
    return "";
  }
  return it->second.token;
}

void OAuthTokens::Put(const store::Connection& connection, std::string token,
                      std::chrono::seconds lifetime) {
  // Renewed a little before the platform would refuse it: a tenth of its life, at most a minute.
  const auto margin = std::min<std::chrono::seconds>(lifetime / 10, std::chrono::seconds(60));
  std::lock_guard lock(mu_);
  tokens_[TokenKey(connection)] = {std::move(token),
                                   std::chrono::steady_clock::now() + lifetime - margin};
}

void OAuthTokens::Forget(const store::Connection& connection) {
  std::lock_guard lock(mu_);
  tokens_.erase(TokenKey(connection));
}

PlatformAnswer SendToPlatform(const store::Connection& connection,
                              const connect::PlatformRequest& request,
                              const PlatformClientOptions& options) {
  const std::string url = connection.base_url + request.path;
  if (connection.auth != store::AuthKind::kOAuth)
    return Perform(connection, url, request, "application/json",
                   connection.auth == store::AuthKind::kBearer ? connection.secret : "", options);
  if (options.tokens == nullptr) return {0, "no place to keep OAuth access tokens", std::nullopt};
  // A cached token may have been revoked: a 401 asks once for a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string token = options.tokens->Cached(connection);
    if (token.empty()) {
      std::chrono::seconds lifetime{0};
      PlatformAnswer refused = FetchToken(connection, options, &token, &lifetime);
      if (token.empty()) return refused;
      options.tokens->Put(connection, token, lifetime);
    }
    PlatformAnswer answer = Perform(connection, url, request, "application/json", token, options);
    if (answer.status != 401) return answer;
    options.tokens->Forget(connection);
    if (attempt == 1) return answer;
  }
  return {};
}

}  // namespace ticketwise::server
