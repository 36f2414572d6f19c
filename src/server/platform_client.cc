#include "server/platform_client.h"

#include <curl/curl.h>

#include <charconv>
#include <memory>
#include <mutex>

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

}  // namespace

PlatformAnswer SendToPlatform(const store::Connection& connection,
                              const connect::PlatformRequest& request,
                              const PlatformClientOptions& options) {
  GlobalInit();
  PlatformAnswer answer;
  std::unique_ptr<CURL, EasyFree> curl(curl_easy_init());
  if (!curl) {
    answer.body = "cannot start an HTTP request";
    return answer;
  }
  CURL* h = curl.get();
  const std::string url = connection.base_url + request.path;
  std::unique_ptr<curl_slist, SlistFree> headers;
  auto add = [&headers](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add("Accept: application/json");
  if (!request.body.empty()) add("Content-Type: application/json");
  if (connection.auth == store::AuthKind::kBearer)
    add("Authorization: Bearer " + connection.secret);
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
  if (connection.auth == store::AuthKind::kBasic) {
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

}  // namespace ticketwise::server
