#include "server/poller.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "connect/servicenow.h"
#include "safety/redactor.h"
#include "server/log.h"

namespace ticketwise::server {
namespace {

constexpr std::size_t kPageSize = 100;
// How often the list of tenants to poll is read again; each tenant is polled at its own interval.
constexpr std::chrono::milliseconds kTick{500};

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A Table API value: a plain string, or {"value": ..., "display_value": ...} (its code).
std::string CodeOf(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) {
    auto it = v.find("value");
    if (it != v.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Poller::Poller(store::Store* store, PlatformClientOptions client, EnqueuedFn on_enqueued)
    : store_(store), client_(client), on_enqueued_(std::move(on_enqueued)) {
  client_.cancel = &cancel_;
  thread_ = std::thread([this] { Work(); });
}

Poller::~Poller() {
  cancel_ = true;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string Poller::PagePath(std::string_view watermark) {
  return "/api/now/table/incident?sysparm_query=" +
         PercentEncode("sys_updated_on>=" + std::string(watermark) + "^ORDERBYsys_updated_on") +
         "&sysparm_limit=" + std::to_string(kPageSize) +
         "&sysparm_display_value=all&sysparm_exclude_reference_link=true";
}

bool Poller::Poll(const store::Polling& polling) {
  const std::string& tenant = polling.tenant_id;
  std::string watermark = polling.watermark;
  auto fail = [&](const std::string& error) {
    LogLine("polling servicenow for tenant " + tenant + ": " + error);
    static_cast<void>(store_->RecordPoll(tenant, polling.platform, watermark, NowMs(),
                                         safety::RedactText(error)));
    return false;
  };
  auto connection = store_->GetConnection(tenant, polling.platform);
  if (!connection) return fail(connection.error().message());
  bool added = false;
  for (;;) {
    const PlatformAnswer answer =
        SendToPlatform(*connection, {"GET", PagePath(watermark), ""}, client_);
    if (answer.status != 200)
      return fail(answer.status == 0 ? answer.body
                                     : "HTTP " + std::to_string(answer.status) + ": " +
                                           answer.body.substr(0, 300));
    auto page = connect::ParseServiceNowTableList(answer.body);
    if (!page) return fail(page.error().message());
    // Each record is kept as the page gave it; the parser above has vouched for the page.
    const nlohmann::json parsed = nlohmann::json::parse(answer.body, nullptr, false);
    const nlohmann::json* records =
        parsed.is_object() && parsed.contains("result") && parsed["result"].is_array()
            ? &parsed["result"]
            : nullptr;
    std::size_t count = 0;
    for (const nlohmann::json& record : records != nullptr ? *records : nlohmann::json::array()) {
      ++count;
      if (!record.is_object()) continue;
      const std::string sys_id = record.contains("sys_id") ? CodeOf(record["sys_id"]) : "";
      const std::string mods =
          record.contains("sys_mod_count") ? CodeOf(record["sys_mod_count"]) : "";
      if (sys_id.empty()) continue;  // the parser reported it; nothing names it
      const std::string key = "servicenow/" + sys_id + "/" + mods + "/polled";
      auto queued =
          store_->EnqueueInbox(tenant, kPolledServiceNow, key,
                               nlohmann::json{{"result", record}}.dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace));
      if (!queued) return fail(queued.error().message());
      added = added || !queued->duplicate;
    }
    for (const std::string& skipped : page->skipped)
      LogLine("polling servicenow for tenant " + tenant + ": skipped " + skipped);
    const bool moved = !page->watermark.empty() && page->watermark != watermark;
    if (moved) watermark = page->watermark;
    if (Status s = store_->RecordPoll(tenant, polling.platform, watermark, NowMs(), ""); !s.ok())
      return fail(s.message());
    if (added && on_enqueued_) on_enqueued_();
    // A full page may have more behind it; one whose records all share the watermark's second
    // cannot move further and waits for the next interval.
    if (count < kPageSize || !moved || cancel_) return true;
  }
}

void Poller::Work() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, kTick, [this] { return stop_; })) return;
    }
    auto active = store_->ActivePolling();
    if (!active) continue;
    const std::int64_t now = NowMs();
    for (const store::Polling& p : *active) {
      if (cancel_) return;
      if (p.last_poll_ms != 0 && now - p.last_poll_ms < 1000 * std::int64_t{p.interval_s}) continue;
      Poll(p);
    }
  }
}

}  // namespace ticketwise::server
