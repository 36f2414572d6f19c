#include "server/inbox_worker.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>

#include "server/log.h"

namespace ticketwise::server {
namespace {

constexpr std::uint32_t kBatch = 64;
// With nothing announced, the inbox is still looked at this often (a delivery written by another
// process on the same database, a retry that is due).
constexpr std::chrono::milliseconds kPoll{1000};
constexpr std::chrono::milliseconds kMaxPause{30'000};

}  // namespace

InboxWorker::InboxWorker(store::Store* store, ProcessFn process)
    : store_(store), process_(std::move(process)), thread_([this] { Work(); }) {}

InboxWorker::~InboxWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void InboxWorker::Notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

bool InboxWorker::Pass() {
  bool retrying = false;
  bool any = false;
  std::int64_t after = 0;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return any;
    }
    auto items = store_->PendingInbox(after, kBatch);
    if (!items) {
      LogLine("inbox: " + items.error().ToString());
      retrying = true;
      break;
    }
    if (items->empty()) break;
    any = true;
    for (const store::InboxItem& item : *items) {
      {
        std::lock_guard lock(mu_);
        if (stop_) return any;
      }
      after = item.id;
      InboxOutcome outcome = process_(item);
      const bool retry = !outcome.ok && outcome.retry && item.attempts + 1 < kMaxAttempts;
      retrying = retrying || retry;
      if (!outcome.ok)
        LogLine("inbox " + std::to_string(item.id) + " (" + item.platform + "): " + outcome.result +
                (retry ? "; will retry" : ""));
      if (Status s = store_->FinishInbox(item.id, outcome.ok, outcome.result, retry); !s.ok()) {
        // The outcome is lost, the delivery stays pending and is processed again, which
        // processing tolerates.
        LogLine("inbox " + std::to_string(item.id) + ": " + s.ToString());
        retrying = true;
      }
    }
  }
  // Back off while something keeps failing; come back at once when everything went through.
  pause_ = retrying ? std::clamp(pause_ * 2, std::chrono::milliseconds(500), kMaxPause)
                    : std::chrono::milliseconds(0);
  return any;
}

void InboxWorker::PruneWhenDue() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_prune_) return;
  next_prune_ = now + std::chrono::hours(1);
  const auto cut_off = std::chrono::system_clock::now() - kRetention;
  const auto before_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cut_off.time_since_epoch()).count();
  if (auto pruned = store_->PruneInbox(before_ms); !pruned)
    LogLine("inbox: pruning: " + pruned.error().ToString());
}

void InboxWorker::Work() {
  // Acknowledging a delivery comes before processing it: when the cores are busy, the platforms'
  // requests get them first and the inbox is worked off as they allow (nice 10, this thread only).
  static_cast<void>(setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10));
  for (;;) {
    PruneWhenDue();
    Pass();
    std::unique_lock lock(mu_);
    if (stop_) return;
    if (pause_.count() > 0) {
      // A retry is due after the pause; new deliveries wait for it too, in order.
      cv_.wait_for(lock, pause_, [this] { return stop_; });
    } else {
      cv_.wait_for(lock, kPoll, [this] { return stop_ || notified_; });
    }
    notified_ = false;
    if (stop_) return;
  }
}

}  // namespace ticketwise::server
