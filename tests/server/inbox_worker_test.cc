#include "server/inbox_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "worker_fixture.h"

namespace ticketwise::server {
namespace {

class InboxWorkerTest : public WorkerStoreTest {
 protected:
  InboxWorkerTest() : WorkerStoreTest("inbox_worker_") {}

  std::int64_t Enqueue(const std::string& key) {
    auto queued = store_->EnqueueInbox(tenant_, "jira", key, "{\"key\":\"" + key + "\"}");
    EXPECT_TRUE(queued) << queued.error().ToString();
    return queued ? queued->id : 0;
  }

  // Waits until nothing is pending (at most 10 s).
  bool Drained() {
    return WaitUntil([&] {
      auto pending = store_->PendingInbox(0, 10);
      return pending && pending->empty();
    });
  }
};

TEST_F(InboxWorkerTest, ProcessesWhatWasPendingAtStartThenNewDeliveriesInOrder) {
  Enqueue("a");
  Enqueue("b");
  std::mutex mu;
  std::vector<std::string> seen;
  InboxWorker worker(store_.get(), [&](const store::InboxItem& item) {
    std::lock_guard lock(mu);
    seen.push_back(item.delivery_key);
    return InboxOutcome{true, false, "done " + item.delivery_key};
  });
  ASSERT_TRUE(Drained());
  Enqueue("c");
  worker.Notify();
  ASSERT_TRUE(Drained());
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  }
  auto done = store_->ListInbox(tenant_, store::InboxState::kDone, 10);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->size(), 3u);
  EXPECT_EQ((*done)[0].result, "done c");
}

TEST_F(InboxWorkerTest, PassingFailuresAreRetriedAndLastingOnesFailAtOnce) {
  Enqueue("flaky");
  Enqueue("broken");
  std::mutex mu;
  int flaky_calls = 0, broken_calls = 0;
  InboxWorker worker(store_.get(), [&](const store::InboxItem& item) {
    std::lock_guard lock(mu);
    if (item.delivery_key == "broken") {
      ++broken_calls;
      return InboxOutcome{false, false, "does not parse"};
    }
    ++flaky_calls;
    if (flaky_calls == 1) return InboxOutcome{false, true, "database busy"};
    return InboxOutcome{true, false, "done after " + std::to_string(item.attempts) + " failure"};
  });
  ASSERT_TRUE(Drained());
  std::lock_guard lock(mu);
  EXPECT_EQ(flaky_calls, 2);
  EXPECT_EQ(broken_calls, 1);
  auto failed = store_->ListInbox(tenant_, store::InboxState::kFailed, 10);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].result, "does not parse");
  auto done = store_->ListInbox(tenant_, store::InboxState::kDone, 10);
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ((*done)[0].result, "done after 1 failure");
}

TEST_F(InboxWorkerTest, GivesUpAfterTheLastAttempt) {
  Enqueue("always");
  std::atomic<std::uint32_t> calls{0};
  {
    InboxWorker worker(store_.get(), [&](const store::InboxItem&) {
      ++calls;
      return InboxOutcome{false, true, "still busy"};
    });
    // The pauses between attempts grow from 0.5 s; the test does not wait for all of them.
    for (int i = 0; i < 300 && calls < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(calls.load(), 2u);
  // The attempts count stays below the limit while it keeps failing in ways that may pass...
  auto pending = store_->PendingInbox(0, 10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].attempts, calls.load());
  // ...and a worker that finds it on its last attempt marks it failed.
  for (std::uint32_t i = calls.load(); i + 1 < InboxWorker::kMaxAttempts; ++i)
    ASSERT_TRUE(store_->FinishInbox((*pending)[0].id, false, "still busy", true).ok());
  InboxWorker last(store_.get(), [&](const store::InboxItem&) {
    return InboxOutcome{false, true, "still busy"};
  });
  ASSERT_TRUE(Drained());
  auto failed = store_->ListInbox(tenant_, store::InboxState::kFailed, 10);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].attempts, InboxWorker::kMaxAttempts);
}

}  // namespace
}  // namespace ticketwise::server
