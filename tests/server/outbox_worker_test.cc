#include "server/outbox_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "worker_fixture.h"

namespace ticketwise::server {
namespace {

class OutboxWorkerTest : public WorkerStoreTest {
 protected:
  OutboxWorkerTest() : WorkerStoreTest("outbox_worker_") {}

  void Connect() {
    ASSERT_TRUE(store_
                    ->SetConnection(tenant_,
                                    {.platform = "jira",
                                     .base_url = "https://acme.atlassian.net",
                                     .auth = store::AuthKind::kBearer,
                                     .secret = "t"},
                                    "test")
                    .ok());
  }

  std::int64_t Enqueue(const std::string& decision, store::OutboxKind kind,
                       const std::string& field = "category") {
    store::OutboxItem item{.platform = "jira",
                           .decision_id = decision,
                           .kind = kind,
                           .field = field,
                           .ticket_key = "SD-1",
                           .target = "SD-1",
                           .text = "Network"};
    auto ids = store_->EnqueueOutbox(tenant_, {item});
    EXPECT_TRUE(ids) << ids.error().ToString();
    return ids ? ids->front() : 0;
  }

  // Waits until nothing is pending (at most 10 s) and returns every item, newest first.
  std::vector<store::OutboxItem> Settled() {
    WaitUntil([&] { return store_->PendingOutbox(10)->empty(); });
    return *store_->ListOutbox(tenant_, std::nullopt, 100);
  }
};

TEST_F(OutboxWorkerTest, WithoutAConnectionAWriteIsADeadLetter) {
  Enqueue("d_1", store::OutboxKind::kNote);
  OutboxWorker worker(store_.get(), {}, nullptr,
                      [](const store::Connection&, const connect::PlatformRequest&) {
                        ADD_FAILURE() << "nothing may be sent without a connection";
                        return PlatformAnswer{};
                      });
  const auto items = Settled();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].state, store::OutboxState::kDead);
  EXPECT_NE(items[0].last_error.find("no jira connection"), std::string::npos);
}

TEST_F(OutboxWorkerTest, AJiraQueueGoesToTheFieldTheTenantsMapNamesAtSendingTime) {
  Connect();
  Enqueue("d_1", store::OutboxKind::kSetField, "queue");
  std::mutex mu;
  std::vector<std::string> bodies;
  auto send = [&](const store::Connection&, const connect::PlatformRequest& r) {
    std::lock_guard lock(mu);
    bodies.push_back(r.body);
    return PlatformAnswer{.status = 204, .body = "", .retry_after_s = std::nullopt};
  };
  {
    OutboxWorker worker(store_.get(), {}, nullptr, send);
    const auto items = Settled();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].state, store::OutboxState::kDead);
    EXPECT_NE(items[0].last_error.find("names no queue field"), std::string::npos)
        << items[0].last_error;
  }
  ASSERT_TRUE(store_
                  ->SetConfig(tenant_, store::ConfigKind::kJiraFields,
                              R"({"queue_field": "customfield_10300"})", "test")
                  .ok());
  Enqueue("d_2", store::OutboxKind::kSetField, "queue");
  OutboxWorker worker(store_.get(), {}, nullptr, send);
  const auto items = Settled();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].state, store::OutboxState::kSent);
  std::lock_guard lock(mu);
  ASSERT_EQ(bodies.size(), 1u) << "nothing was sent for the dead write";
  EXPECT_EQ(bodies[0], R"({"fields":{"customfield_10300":{"value":"Network"}}})");
}

TEST_F(OutboxWorkerTest, FailuresThatMayPassAreRetriedUpToTheLimitAndFieldsAreNotChecked) {
  Connect();
  Enqueue("d_1", store::OutboxKind::kSetField);
  std::mutex mu;
  std::vector<std::string> methods;
  std::vector<std::string> outcomes;
  {
    OutboxWorker worker(
        store_.get(), {.backoff = std::chrono::milliseconds(1), .max_attempts = 4},
        [&](const std::string&, const char* outcome) {
          std::lock_guard lock(mu);
          outcomes.push_back(outcome);
        },
        [&](const store::Connection&, const connect::PlatformRequest& r) {
          std::lock_guard lock(mu);
          methods.push_back(r.method);
          // 503 without Retry-After, then a connection that fails: both back off.
          return PlatformAnswer{.status = methods.size() % 2 ? 503 : 0,
                                .body = "unavailable",
                                .retry_after_s = std::nullopt};
        });
    const auto items = Settled();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].state, store::OutboxState::kDead);
    EXPECT_EQ(items[0].attempts, 4u);
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(methods.size(), 4u);
  for (const std::string& m : methods) EXPECT_EQ(m, "PUT") << "setting a field is not checked";
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes.back(), "dead");
  EXPECT_EQ(outcomes.front(), "retry");
}

TEST_F(OutboxWorkerTest, ANoteWhoseAttemptMayHaveArrivedIsCheckedFirst) {
  Connect();
  const std::int64_t id = Enqueue("d_1", store::OutboxKind::kNote);
  ASSERT_TRUE(store_->StartOutboxAttempt(id).ok());  // as if the process died mid-request
  std::vector<std::string> methods;
  OutboxWorker worker(
      store_.get(), {}, nullptr, [&](const store::Connection&, const connect::PlatformRequest& r) {
        methods.push_back(r.method);
        return PlatformAnswer{
            .status = 200,
            .body = "{\"comments\":[{\"body\":\"x " + connect::OutboxMarker(id) + "\"}]}",
            .retry_after_s = std::nullopt};
      });
  const auto items = Settled();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].state, store::OutboxState::kSent);
  EXPECT_EQ(methods, std::vector<std::string>{"GET"});
}

}  // namespace
}  // namespace ticketwise::server
