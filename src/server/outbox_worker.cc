#include "server/outbox_worker.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "connect/event.h"
#include "server/log.h"

namespace ticketwise::server {
namespace {

constexpr std::uint32_t kBatch = 32;
// With nothing announced and nothing due sooner, the outbox is still looked at this often.
constexpr std::chrono::milliseconds kPoll{1000};
constexpr std::int64_t kMaxPauseMs = 3'600'000;

connect::Platform PlatformOf(const std::string& name) {
  return name == "servicenow" ? connect::Platform::kServiceNow : connect::Platform::kJira;
}

bool Success(int status) { return status >= 200 && status < 300; }
bool MayPass(int status) { return status == 0 || status == 429 || status >= 500; }

std::string Describe(const PlatformAnswer& answer) {
  if (answer.status == 0) return answer.body;
  return "HTTP " + std::to_string(answer.status) + ": " + answer.body;
}

}  // namespace

OutboxWorker::OutboxWorker(store::Store* store, OutboxOptions options, ReportFn report, SendFn send)
    : store_(store),
      options_(options),
      report_(std::move(report)),
      send_(send ? std::move(send)
                 : SendFn([this](const store::Connection& c, const connect::PlatformRequest& r) {
                     PlatformClientOptions client = options_.client;
                     client.cancel = &cancel_;
                     return SendToPlatform(c, r, client);
                   })),
      thread_([this] { Work(); }) {}

OutboxWorker::~OutboxWorker() {
  cancel_.store(true);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void OutboxWorker::Notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

std::int64_t OutboxWorker::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool OutboxWorker::Stopping() {
  std::lock_guard lock(mu_);
  return stop_;
}

void OutboxWorker::Failed(const store::OutboxItem& item, std::uint32_t attempts,
                          const PlatformAnswer& answer, bool dead) {
  const std::int64_t now = NowMs();
  dead = dead || !MayPass(answer.status) || attempts >= options_.max_attempts;
  std::int64_t next = now;
  if (!dead) {
    if (answer.status == 429 && answer.retry_after_s) {
      next = now + std::min<std::int64_t>(*answer.retry_after_s * 1000, kMaxPauseMs);
    } else {
      // Exponential from the base, then a random point in its upper half, so that many items
      // failing together do not come back together.
      const std::int64_t base = std::max<std::int64_t>(options_.backoff.count(), 1);
      const std::int64_t pause =
          std::min<std::int64_t>(base << std::min<std::uint32_t>(attempts - 1, 30), kMaxPauseMs);
      std::uniform_int_distribution<std::int64_t> jitter(pause / 2, pause);
      next = now + jitter(rng_);
    }
  }
  const std::string error = Describe(answer);
  // Logs leave the process: a platform's answer may quote the ticket, so it is redacted first.
  LogLine("outbox " + std::to_string(item.id) + " (" + item.platform + " " + item.ticket_key +
          "): " + error.substr(0, 300) + (dead ? "; dead letter" : "; will retry"));
  if (Status s = store_->MarkOutboxFailed(item.id, answer.status, error, dead, next); !s.ok())
    LogLine("outbox " + std::to_string(item.id) + ": " + s.ToString());
  if (report_) report_(item.platform, dead ? "dead" : "retry");
}

Result<connect::JiraFieldMap> OutboxWorker::JiraFieldMapOf(const std::string& tenant) {
  auto record = store_->GetConfig(tenant, store::ConfigKind::kJiraFields);
  if (!record && record.error().code() != StatusCode::kNotFound) return Fail(record.error());
  auto map = record ? connect::ParseJiraFieldMap(record->json) : connect::JiraFieldMap{};
  if (!map) return Fail(map.error());
  if (map->queue_field.empty())
    return Fail(Status::NotFound(
        "the Jira field map names no queue field (PUT /v1/connections/jira/fields)"));
  return map;
}

void OutboxWorker::Deliver(const store::OutboxItem& item) {
  auto connection = store_->GetConnection(item.tenant_id, item.platform);
  if (!connection) {
    const bool gone = connection.error().code() == StatusCode::kNotFound;
    PlatformAnswer answer{
        .status = 0,
        .body = "no " + item.platform + " connection: " + connection.error().message(),
        .retry_after_s = std::nullopt};
    // Without a connection there is nothing to retry; a store that failed may come back.
    Failed(item, item.attempts + 1, answer, gone);
    return;
  }
  const connect::Platform platform = PlatformOf(item.platform);
  if (item.kind == store::OutboxKind::kNote && item.attempts > 0) {
    // An earlier attempt may have arrived: look for its marker before posting again.
    PlatformAnswer check = send_(*connection, connect::NoteCheckRequest(platform, item.target));
    if (Success(check.status) && connect::NoteIsPresent(check.body, item.id)) {
      if (Status s = store_->MarkOutboxSent(item.id, check.status); !s.ok())
        LogLine("outbox " + std::to_string(item.id) + ": " + s.ToString());
      if (report_) report_(item.platform, "sent");
      return;
    }
    if (!Success(check.status)) {
      Failed(item, item.attempts, check);
      return;
    }
  }
  // Recorded before the request leaves: after a crash, the next start knows to check.
  if (Status s = store_->StartOutboxAttempt(item.id); !s.ok()) {
    LogLine("outbox " + std::to_string(item.id) + ": " + s.ToString());
    return;
  }
  bool dead = false;
  PlatformAnswer answer;
  if (item.kind == store::OutboxKind::kResolve) {
    answer = Resolve(*connection, platform, item, &dead);
  } else if (item.kind == store::OutboxKind::kReopen) {
    answer = Reopen(*connection, platform, item, &dead);
  } else if (item.kind == store::OutboxKind::kNote) {
    answer = send_(*connection, connect::NoteRequest(platform, item.target, item.text, item.id));
  } else {
    connect::JiraFieldMap jira;
    if (platform == connect::Platform::kJira && item.field == "queue") {
      // The site's field for the team, as the tenant's field map names it now.
      auto fields = JiraFieldMapOf(item.tenant_id);
      if (!fields) {
        Failed(item, item.attempts + 1,
               {.status = 0, .body = fields.error().ToString(), .retry_after_s = std::nullopt},
               fields.error().code() == StatusCode::kNotFound);
        return;
      }
      jira = std::move(*fields);
    }
    answer = send_(*connection,
                   connect::SetFieldRequest(platform, item.target, item.field, item.text, jira));
  }
  if (Success(answer.status) && !dead) {
    if (Status s = store_->MarkOutboxSent(item.id, answer.status); !s.ok())
      LogLine("outbox " + std::to_string(item.id) + ": " + s.ToString());
    if (report_) report_(item.platform, "sent");
    return;
  }
  Failed(item, item.attempts + 1, answer, dead);
}

PlatformAnswer OutboxWorker::Resolve(const store::Connection& connection,
                                     connect::Platform platform, const store::OutboxItem& item,
                                     bool* dead) {
  // Only a ticket that is not resolved yet: one this item already resolved (the answer was lost),
  // or one a person resolved or closed meanwhile, is left as it is.
  PlatformAnswer check = send_(connection, connect::ResolvedCheckRequest(platform, item.target));
  if (!Success(check.status)) return check;
  auto resolved = connect::IsResolved(platform, check.body);
  if (!resolved) {
    *dead = true;
    return {check.status, "the ticket's status does not read: " + resolved.error().message(), {}};
  }
  if (*resolved) return check;
  if (platform == connect::Platform::kServiceNow)
    return send_(connection, connect::ResolveRequest(item.target, item.close_code, item.text));
  PlatformAnswer list = send_(connection, connect::TransitionsRequest(item.target));
  if (!Success(list.status)) return list;
  auto transition = connect::DoneTransition(list.body);
  if (!transition) {
    // The workflow offers no way to a done status from where the ticket stands.
    *dead = true;
    return {list.status, transition.error().message(), {}};
  }
  return send_(connection,
               connect::TransitionRequest(item.target, *transition, item.close_code, item.text));
}

PlatformAnswer OutboxWorker::Reopen(const store::Connection& connection, connect::Platform platform,
                                    const store::OutboxItem& item, bool* dead) {
  PlatformAnswer check = send_(connection, connect::ResolvedCheckRequest(platform, item.target));
  if (!Success(check.status)) return check;
  auto resolved = connect::IsResolved(platform, check.body);
  if (!resolved) {
    *dead = true;
    return {check.status, "the ticket's status does not read: " + resolved.error().message(), {}};
  }
  // Open already: reopened by this item before (its answer lost), or by a person.
  if (!*resolved) return check;
  connect::JiraTransition transition;
  if (platform == connect::Platform::kJira) {
    PlatformAnswer list = send_(connection, connect::TransitionsRequest(item.target));
    if (!Success(list.status)) return list;
    auto back = connect::ReopenTransition(list.body);
    if (!back) {
      *dead = true;
      return {list.status, back.error().message(), {}};
    }
    transition = std::move(*back);
  }
  return send_(connection, connect::ReopenRequest(platform, item.target, transition, item.text));
}

std::chrono::milliseconds OutboxWorker::Pass() {
  // What each item looked like when it was sent in this pass: an item that comes back unchanged
  // had its outcome lost (the store failed), and is left for the next poll.
  std::map<std::int64_t, std::pair<std::uint32_t, std::int64_t>> seen;
  for (;;) {
    if (Stopping()) return kPoll;
    auto items = store_->PendingOutbox(kBatch);
    if (!items) {
      LogLine("outbox: " + items.error().ToString());
      return kPoll;
    }
    if (items->empty()) return kPoll;
    for (const store::OutboxItem& item : *items) {
      if (Stopping()) return kPoll;
      const std::int64_t now = NowMs();
      // Sorted by due time: nothing after this one is due either.
      if (item.next_attempt_at_ms > now)
        return std::min(kPoll, std::chrono::milliseconds(item.next_attempt_at_ms - now));
      const std::pair state{item.attempts, item.next_attempt_at_ms};
      if (auto [it, added] = seen.emplace(item.id, state); !added) {
        if (it->second == state) return kPoll;
        it->second = state;
      }
      Deliver(item);
    }
    // Everything fetched was sent (or rescheduled): look again.
  }
}

void OutboxWorker::Work() {
  for (;;) {
    const std::chrono::milliseconds wait = Pass();
    std::unique_lock lock(mu_);
    if (stop_) return;
    cv_.wait_for(lock, wait, [this] { return stop_ || notified_; });
    notified_ = false;
    if (stop_) return;
  }
}

}  // namespace ticketwise::server
