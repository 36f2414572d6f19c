// Write-back end to end: the real binary receives a signed webhook, decides the ticket and writes
// the decision back to a fake Jira or ServiceNow (fake_platforms.h) through its outbox: once,
// through 500s, 429s, timeouts and a SIGKILL, with 400s kept as dead letters until retried.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "connect/signature.h"
#include "fake_platforms.h"
#include "serve_process.h"

namespace ticketwise::e2e {
namespace {

using nlohmann::json;

// The ServiceNow webhook key of the tests' tenant (its raw bytes; the CLI takes it base64).
const std::string kServiceNowKey = "servicenow-key-bytes";

std::string Fixture(const std::string& relative) {
  std::ifstream in(std::string(TW_SOURCE_DIR) + "/tests/connect/fixtures/" + relative,
                   std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// The Jira "issue created" fixture as another issue (key and id), so that it is a new event.
std::string JiraCreated(const std::string& key, const std::string& id) {
  std::string body = Fixture("jira/jsm_issue_created_adf.json");
  body = std::regex_replace(body, std::regex("SD-42"), key);
  return std::regex_replace(body, std::regex("\"10200\""), "\"" + id + "\"");
}

httplib::Headers JiraSigned(const std::string& body, const std::string& delivery) {
  return {{"X-Hub-Signature", "sha256=" + connect::HmacSha256Hex("s3cret", body)},
          {"X-Atlassian-Webhook-Identifier", delivery}};
}

std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The Jira "issue created" fixture as issue SD-50 about a password prompt (defined below).
std::string JiraPasswordIssue();

class WritebackTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/writeback_" + std::to_string(getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = dir_ + "/tw.db";
    key_ = Field(RunCli("tenant create acme --db " + db_), "api_key");
    other_key_ = Field(RunCli("tenant create globex --db " + db_), "api_key");
    ASSERT_FALSE(key_.empty());
    std::string out;
    ASSERT_EQ(RunCliStatus("tenant webhook-secret acme --jira s3cret --db " + db_, &out), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static const std::string& DemoModel() {
    static const std::string path = [] {
      const std::string p =
          testing::TempDir() + "/writeback_demo_" + std::to_string(getpid()) + ".twm";
      RunCli("train --data " + kDemo + "train.csv --text text --label category --out " + p +
             " --quiet");
      return p;
    }();
    return path;
  }

  std::unique_ptr<ServeProcess> Start(const std::vector<std::string>& env = {}) {
    std::vector<std::string> all = {"TICKETWISE_OUTBOX_BACKOFF_MS=20"};
    all.insert(all.end(), env.begin(), env.end());
    return StartServer(db_, DemoModel(), {}, all);
  }

  // The ServiceNow webhook secret (kServiceNowKey, base64) and a connection to the fake with
  // `credentials` (CLI flags); the secrets are not echoed.
  void ConnectServiceNow(const FakePlatforms& fake, const std::string& credentials) {
    std::string out;
    ASSERT_EQ(RunCliStatus("tenant webhook-secret acme --servicenow " + Base64(kServiceNowKey) +
                               " --db " + db_,
                           &out),
              0);
    ASSERT_EQ(RunCliStatus("tenant connection acme --servicenow-url " + fake.base_url() + " " +
                               credentials + " --db " + db_,
                           &out),
              0)
        << out;
    EXPECT_EQ(out.find("sn-token"), std::string::npos) << out;
    EXPECT_EQ(out.find("tw-client-secret"), std::string::npos) << out;
  }

  // Signs and posts the ServiceNow "inserted" event, then waits for its decision; the tenant's
  // decisions (empty when none came).
  json DeliverServiceNowEvent(httplib::Client& http) {
    const std::string event = Fixture("servicenow/event_inserted.json");
    auto accepted =
        http.Post("/v1/hooks/servicenow/acme",
                  {{"X-SN-Signature", connect::HmacSha256Base64(kServiceNowKey, event)}}, event,
                  "application/json");
    EXPECT_TRUE(accepted && accepted->status == 202) << (accepted ? accepted->body : "no answer");
    json decisions = json::array();
    for (int i = 0; i < 1000 && decisions.empty(); ++i) {
      decisions = json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"];
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return decisions;
  }

  void ConnectJira(const FakePlatforms& fake) {
    std::string out;
    ASSERT_EQ(RunCliStatus("tenant connection acme --jira-url " + fake.base_url() +
                               " --jira-user bot@acme.example --jira-token tok-secret --db " + db_,
                           &out),
              0)
        << out;
    EXPECT_EQ(out.find("tok-secret"), std::string::npos) << "secrets are not echoed: " << out;
    // Half a connection is a usage error; an unknown tenant a failure.
    EXPECT_EQ(
        RunCliStatus("tenant connection acme --jira-url " + fake.base_url() + " --db " + db_, &out),
        2);
    EXPECT_EQ(RunCliStatus("tenant connection acme --jira-url " + fake.base_url() +
                               " --jira-token t --db " + db_,
                           &out),
              2);
    EXPECT_EQ(RunCliStatus("tenant connection acme --db " + db_, &out), 2);
    EXPECT_EQ(RunCliStatus("tenant connection nobody --jira-url " + fake.base_url() +
                               " --jira-bearer t --db " + db_,
                           &out),
              1);
  }

  void SetMode(httplib::Client& http, const std::string& mode, double min_confidence = 0.95) {
    auto r = http.Put("/v1/modes/category", Bearer(key_),
                      json{{"mode", mode}, {"auto_min_confidence", min_confidence}}.dump(),
                      "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Auto-resolution of every demo category with `reply` as the template, in auto mode at any
  // confidence.
  void ResolveEveryCategory(httplib::Client& http, const std::string& reply,
                            const std::string& mode_name = "auto") {
    json rules = json::array();
    for (const char* category : {"Access", "Administrative rights", "HR Support", "Hardware",
                                 "Internal Project", "Miscellaneous", "Purchase", "Storage"}) {
      std::string name = category;
      std::replace(name.begin(), name.end(), ' ', '-');
      rules.push_back({{"name", name}, {"category", category}, {"template", "done"}});
    }
    const json config = {{"templates", {{"done", reply}}}, {"rules", rules}};
    auto put = http.Put("/v1/resolution/config", Bearer(key_), config.dump(), "application/json");
    ASSERT_TRUE(put);
    ASSERT_EQ(put->status, 204) << put->body;
    auto mode = http.Put("/v1/modes/resolution", Bearer(key_),
                         json{{"mode", mode_name}, {"auto_min_confidence", 0.0}}.dump(),
                         "application/json");
    ASSERT_TRUE(mode);
    ASSERT_EQ(mode->status, 200) << mode->body;
  }

  // Polls GET /v1/outbox until `done` holds for its items (at most 15 s).
  json WaitOutbox(httplib::Client& http, const std::function<bool(const json&)>& done,
                  const std::string& query = "") {
    json items;
    for (int i = 0; i < 1500; ++i) {
      auto r = http.Get("/v1/outbox" + query, Bearer(key_));
      if (r && r->status == 200) {
        items = json::parse(r->body)["items"];
        if (done(items)) return items;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return items;
  }

  // Auto-resolves issue SD-50 (JiraPasswordIssue) through a webhook with delivery id `delivery`:
  // the id of its decision once the note and the resolution were sent, or "" when they were not.
  std::string AutoResolveJiraIssue(httplib::Client& http, const std::string& delivery) {
    ResolveEveryCategory(http, "Hello, your request {{ticket}} is complete.");
    const std::string created = JiraPasswordIssue();
    auto r = http.Post("/v1/hooks/jira/acme", JiraSigned(created, delivery), created,
                       "application/json");
    if (!r || r->status != 202) return "";
    const json items = WaitOutbox(http, [](const json& i) {
      return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
    });
    if (items.size() != 2 || items[0]["state"] != "sent") return "";
    return json::parse(
        http.Get("/v1/decisions", Bearer(key_))->body)["decisions"][0]["decision_id"];
  }

  // The feedback given on `decision`, oldest first.
  json FeedbackOf(httplib::Client& http, const std::string& decision) {
    return json::parse(
        http.Get("/v1/decisions/" + decision + "/feedback", Bearer(key_))->body)["feedback"];
  }

  // `given` is exactly one feedback: the resolution flagged because a person reopened the ticket.
  static void ExpectFlaggedAsReopened(const json& given, const std::string& platform) {
    ASSERT_EQ(given.size(), 1u) << given.dump();
    EXPECT_EQ(given[0]["field"], "resolution");
    EXPECT_EQ(given[0]["verdict"], "flagged");
    EXPECT_EQ(given[0]["reason"], "reopened on " + platform);
  }

  // Waits until the inbox has `n` items and none is pending.
  void WaitInbox(httplib::Client& http, std::size_t n) {
    for (int i = 0; i < 1500; ++i) {
      auto r = http.Get("/v1/hooks/inbox", Bearer(key_));
      if (r && r->status == 200) {
        json items = json::parse(r->body)["items"];
        bool pending = false;
        for (const json& item : items) pending = pending || item["state"] == "pending";
        if (items.size() == n && !pending) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the inbox did not settle";
  }

  std::string dir_, db_, key_, other_key_;
};

std::size_t Count(const std::vector<FakePlatforms::Request>& requests, const std::string& method,
                  const std::string& path) {
  std::size_t n = 0;
  for (const auto& r : requests) n += r.method == method && r.path == path;
  return n;
}

TEST_F(WritebackTest, SuggestModePostsOneInternalJiraCommentThroughA500AndA429) {
  FakePlatforms fake;
  ConnectJira(fake);
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  SetMode(http, "suggest");
  fake.Script({{.status = 500, .body = R"({"errorMessages":["Internal server error"]})"},
               {.status = 429,
                .body = R"({"errorMessages":["Rate limit exceeded"]})",
                .retry_after_s = 1}});
  const std::string created = JiraCreated("SD-42", "10200");
  auto accepted =
      http.Post("/v1/hooks/jira/acme", JiraSigned(created, "d-1"), created, "application/json");
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 202) << accepted->body;

  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["state"], "sent") << items.dump();
  EXPECT_EQ(items[0]["kind"], "note");
  EXPECT_EQ(items[0]["ticket"], "SD-42");
  EXPECT_EQ(items[0]["attempts"], 3);
  EXPECT_EQ(items[0]["last_status"], 201);

  const auto comments = fake.jira_comments("SD-42");
  ASSERT_EQ(comments.size(), 1u);
  const std::string body = comments[0]["body"];
  EXPECT_EQ(comments[0]["jsdPublic"], false) << "an internal note, not a reply to the customer";
  EXPECT_NE(body.find("ticketwise suggests the category: "), std::string::npos) << body;
  EXPECT_NE(body.find("[ticketwise:" + std::to_string(items[0]["id"].get<int>()) + "]"),
            std::string::npos)
      << body;
  json decisions = json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"];
  ASSERT_EQ(decisions.size(), 1u);
  const std::string label = decisions[0]["fields"]["category"]["label"];
  EXPECT_NE(body.find(label), std::string::npos) << body;
  EXPECT_EQ(decisions[0]["fields"]["category"]["mode"], "suggest");

  // Three posts (500, 429, 201), each retry preceded by a look for the marker; the one after the
  // 429 waited for its Retry-After; every request carried the connection's Basic auth.
  const auto requests = fake.requests();
  const std::string path = "/rest/api/2/issue/SD-42/comment";
  EXPECT_EQ(Count(requests, "POST", path), 3u);
  EXPECT_EQ(Count(requests, "GET", path), 2u);
  std::vector<std::chrono::steady_clock::time_point> posts;
  for (const auto& r : requests) {
    EXPECT_EQ(r.authorization, "Basic " + Base64("bot@acme.example:tok-secret"));
    if (r.method == "POST") posts.push_back(r.at);
  }
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_GE(posts[2] - posts[1], std::chrono::milliseconds(950));
  EXPECT_LT(posts[1] - posts[0], std::chrono::milliseconds(900)) << "the 500 backs off briefly";

  // Delivered again: the decision is replayed and nothing more is written.
  auto again =
      http.Post("/v1/hooks/jira/acme", JiraSigned(created, "d-2"), created, "application/json");
  EXPECT_EQ(again->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(fake.jira_comments("SD-42").size(), 1u);
  EXPECT_EQ(json::parse(http.Get("/v1/outbox", Bearer(key_))->body)["items"].size(), 1u);
  EXPECT_TRUE(json::parse(http.Get("/v1/outbox", Bearer(other_key_))->body)["items"].empty());

  const std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find("ticketwise_outbox_items{state=\"sent\"} 1"), std::string::npos);
  EXPECT_NE(
      metrics.find("ticketwise_writeback_requests_total{platform=\"jira\",outcome=\"retry\"} 2"),
      std::string::npos)
      << metrics;
  auto connections = http.Get("/v1/connections", Bearer(key_));
  ASSERT_EQ(connections->status, 200);
  EXPECT_EQ(connections->body.find("tok-secret"), std::string::npos);
  EXPECT_EQ(json::parse(connections->body)["connections"][0]["user"], "bot@acme.example");
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, ShadowWritesNothingAndA400IsADeadLetterUntilRetried) {
  FakePlatforms fake;
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  // The connection through the API; its secret is never shown.
  auto bad =
      http.Put("/v1/connections/jira", Bearer(key_),
               json{{"base_url", fake.base_url()}, {"token", "t"}}.dump(), "application/json");
  EXPECT_EQ(bad->status, 400) << "Basic auth needs a user";
  EXPECT_EQ(http.Put("/v1/connections/jira", Bearer(key_),
                     json{{"base_url", "ftp://x"}, {"bearer", "t"}}.dump(), "application/json")
                ->status,
            400);
  EXPECT_EQ(http.Put("/v1/connections/jira", json{{"base_url", fake.base_url()}}.dump(),
                     "application/json")
                ->status,
            401);
  auto set = http.Put("/v1/connections/jira", Bearer(key_),
                      json{{"base_url", fake.base_url()}, {"bearer", "pat-secret"}}.dump(),
                      "application/json");
  ASSERT_EQ(set->status, 204) << set->body;
  auto listed = http.Get("/v1/connections", Bearer(key_));
  EXPECT_EQ(listed->body.find("pat-secret"), std::string::npos);
  EXPECT_EQ(json::parse(listed->body)["connections"][0]["auth"], "bearer");
  EXPECT_TRUE(
      json::parse(http.Get("/v1/connections", Bearer(other_key_))->body)["connections"].empty());

  // Shadow (the default): decided, nothing written.
  const std::string first = JiraCreated("SD-50", "10250");
  ASSERT_EQ(
      http.Post("/v1/hooks/jira/acme", JiraSigned(first, "s-1"), first, "application/json")->status,
      202);
  WaitInbox(http, 1);
  EXPECT_TRUE(json::parse(http.Get("/v1/outbox", Bearer(key_))->body)["items"].empty());
  EXPECT_TRUE(fake.requests().empty());

  // Suggest, and the platform refuses: a dead letter that keeps the answer.
  SetMode(http, "suggest");
  fake.Script(
      {{.status = 400,
        .body =
            R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}})"}});
  const std::string second = JiraCreated("SD-51", "10251");
  ASSERT_EQ(http.Post("/v1/hooks/jira/acme", JiraSigned(second, "s-2"), second, "application/json")
                ->status,
            202);
  json dead = WaitOutbox(
      http, [](const json& i) { return i.size() == 1; }, "?state=dead");
  ASSERT_EQ(dead.size(), 1u) << dead.dump();
  EXPECT_EQ(dead[0]["last_status"], 400);
  EXPECT_NE(dead[0]["last_error"].get<std::string>().find("Issue does not exist"),
            std::string::npos)
      << dead.dump();
  EXPECT_EQ(dead[0]["attempts"], 1);
  EXPECT_TRUE(fake.jira_comments("SD-51").empty());
  EXPECT_NE(http.Get("/metrics")->body.find("ticketwise_outbox_items{state=\"dead\"} 1"),
            std::string::npos);
  EXPECT_EQ(http.Get("/v1/outbox?state=lost", Bearer(key_))->status, 400);

  // Re-driven: the marker is looked for first (it is not there), then the note is posted.
  const std::string retry = "/v1/outbox/" + std::to_string(dead[0]["id"].get<int>()) + "/retry";
  EXPECT_EQ(http.Post(retry, Bearer(other_key_), "", "application/json")->status, 404);
  auto retried = http.Post(retry, Bearer(key_), "", "application/json");
  ASSERT_EQ(retried->status, 200) << retried->body;
  json sent = WaitOutbox(
      http, [](const json& i) { return i.size() == 1; }, "?state=sent");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(fake.jira_comments("SD-51").size(), 1u);
  EXPECT_EQ(Count(fake.requests(), "GET", "/rest/api/2/issue/SD-51/comment"), 1u);
  EXPECT_EQ(fake.requests().back().authorization, "Bearer pat-secret");
  EXPECT_EQ(http.Post(retry, Bearer(key_), "", "application/json")->status, 409)
      << "only a dead letter is retried";
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AServiceKilledWhilePostingIsRestartedWithoutASecondComment) {
  FakePlatforms fake;
  ConnectJira(fake);
  // The comment arrives but its answer does not come back before the service dies.
  fake.Script({{.status = 201, .hang_ms = 2000}});
  auto server = Start();
  ASSERT_NE(server, nullptr);
  {
    httplib::Client http("127.0.0.1", server->port());
    SetMode(http, "suggest");
    const std::string created = JiraCreated("SD-60", "10260");
    ASSERT_EQ(
        http.Post("/v1/hooks/jira/acme", JiraSigned(created, "k-1"), created, "application/json")
            ->status,
        202);
  }
  ASSERT_TRUE(fake.WaitUntil([&] { return fake.jira_comments("SD-60").size() == 1; }));
  server->Kill();

  server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["state"], "sent") << items.dump();
  EXPECT_EQ(items[0]["attempts"], 1) << "found by its marker, not posted again";
  EXPECT_EQ(fake.jira_comments("SD-60").size(), 1u);
  EXPECT_EQ(Count(fake.requests(), "POST", "/rest/api/2/issue/SD-60/comment"), 1u);
  EXPECT_EQ(Count(fake.requests(), "GET", "/rest/api/2/issue/SD-60/comment"), 1u);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, StoppingWhileThePlatformHangsDoesNotWaitForItsAnswer) {
  FakePlatforms fake;
  ConnectJira(fake);
  fake.Script({{.status = 201, .hang_ms = 4000}});
  auto server = Start();
  ASSERT_NE(server, nullptr);
  {
    httplib::Client http("127.0.0.1", server->port());
    SetMode(http, "suggest");
    const std::string created = JiraCreated("SD-65", "10265");
    ASSERT_EQ(
        http.Post("/v1/hooks/jira/acme", JiraSigned(created, "h-1"), created, "application/json")
            ->status,
        202);
  }
  ASSERT_TRUE(fake.WaitUntil([&] { return fake.jira_comments("SD-65").size() == 1; }));
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(server->Terminate(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(3000))
      << "the request in flight is abandoned, not waited for";

  server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["state"], "sent") << items.dump();
  EXPECT_EQ(fake.jira_comments("SD-65").size(), 1u);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AnAnswerThatTimesOutIsCheckedBeforeItIsPostedAgain) {
  FakePlatforms fake;
  ConnectJira(fake);
  fake.Script({{.status = 201, .hang_ms = 1000}});
  auto server = Start({"TICKETWISE_OUTBOX_TIMEOUT_MS=200"});
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  SetMode(http, "suggest");
  const std::string created = JiraCreated("SD-70", "10270");
  ASSERT_EQ(
      http.Post("/v1/hooks/jira/acme", JiraSigned(created, "t-1"), created, "application/json")
          ->status,
      202);
  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["state"], "sent") << items.dump();
  EXPECT_EQ(fake.jira_comments("SD-70").size(), 1u);
  EXPECT_EQ(Count(fake.requests(), "POST", "/rest/api/2/issue/SD-70/comment"), 1u);
  EXPECT_NE(
      http.Get("/metrics")
          ->body.find("ticketwise_writeback_requests_total{platform=\"jira\",outcome=\"retry\"} 1"),
      std::string::npos);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AutoModeOnServiceNowAddsAWorkNoteAndSetsTheCategory) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  SetMode(http, "auto", 0.0);
  // The first write meets an outage; the retry reads the work notes before it writes again.
  fake.Script(
      {{.status = 503,
        .body =
            R"({"error":{"message":"Service Unavailable","detail":null},"status":"failure"})"}});
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  const json category = decisions[0]["fields"]["category"];
  ASSERT_EQ(category["abstained"], false) << "the demo model is sure of this one";
  ASSERT_EQ(category["mode"], "auto");
  json items = WaitOutbox(http, [](const json& i) {
    return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
  });
  ASSERT_EQ(items.size(), 2u) << items.dump();
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  EXPECT_EQ(fake.category(sys_id), category["label"]);
  const std::string notes = fake.work_notes(sys_id);
  EXPECT_NE(notes.find("ticketwise set the category: " + category["label"].get<std::string>()),
            std::string::npos)
      << notes;
  const auto marker = notes.find("[ticketwise:");
  ASSERT_NE(marker, std::string::npos);
  EXPECT_EQ(notes.find("[ticketwise:", marker + 1), std::string::npos)
      << "one work note: " << notes;
  EXPECT_EQ(Count(fake.requests(), "GET", "/api/now/table/incident/" + sys_id), 1u);
  for (const auto& r : fake.requests()) EXPECT_EQ(r.authorization, "Bearer sn-token");
  EXPECT_EQ(server->Terminate(), 0);
}

// The Jira "issue created" fixture as issue SD-50 about a password prompt (a ticket the demo model
// is sure of), with its description in wiki markup.
std::string JiraPasswordIssue() {
  json body = json::parse(JiraCreated("SD-50", "10250"));
  body["issue"]["fields"]["summary"] = "Outlook keeps asking for my password";
  body["issue"]["fields"]["description"] =
      "Since this morning Outlook prompts for the password every 5 minutes.";
  return body.dump();
}

TEST_F(WritebackTest, AJiraSiteFieldMapReadsTheTeamFieldAndAutoRoutingWritesIt) {
  FakePlatforms fake;
  ConnectJira(fake);
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const json defaults = json::parse(http.Get("/v1/connections/jira/fields", Bearer(key_))->body);
  EXPECT_EQ(defaults["request_type_field"], "customfield_10010");
  EXPECT_EQ(defaults["queue_field"], "");
  for (const char* bad : {R"({"team": "customfield_10300"})", R"({"queue_field": 7})",
                          R"({"queue_field": "customfield 10300"})", "[]"}) {
    auto r = http.Put("/v1/connections/jira/fields", Bearer(key_), bad, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << ": " << r->body;
  }
  auto put = http.Put("/v1/connections/jira/fields", Bearer(key_),
                      R"({"queue_field": "customfield_10300"})", "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json::parse(put->body)["request_type_field"], "customfield_10010");
  // Another tenant's site is its own.
  EXPECT_EQ(
      json::parse(http.Get("/v1/connections/jira/fields", Bearer(other_key_))->body)["queue_field"],
      "");

  const json config = {
      {"triage_queue", "Service Desk"},
      {"queues",
       json::array(
           {{{"name", "Service Desk"}},
            {{"name", "Workplace"},
             {"categories", json::array({"Hardware", "Purchase", "Storage"})}},
            {{"name", "Identity"},
             {"categories", json::array({"Access", "Administrative rights"})}},
            {{"name", "People"},
             {"categories", json::array({"HR Support", "Internal Project", "Miscellaneous"})}}})}};
  ASSERT_EQ(http.Put("/v1/triage/config", Bearer(key_), config.dump(), "application/json")->status,
            204);
  ASSERT_EQ(
      http.Put("/v1/modes/queue", Bearer(key_),
               json{{"mode", "auto"}, {"auto_min_confidence", 0.0}}.dump(), "application/json")
          ->status,
      200);
  // The issue arrives in the team field's "Service Desk" option.
  json issue = json::parse(JiraPasswordIssue());
  issue["issue"]["fields"]["customfield_10300"] = {{"value", "Service Desk"}, {"id", "10401"}};
  const std::string created = issue.dump();
  ASSERT_EQ(
      http.Post("/v1/hooks/jira/acme", JiraSigned(created, "q-1"), created, "application/json")
          ->status,
      202);
  json items = WaitOutbox(http, [](const json& i) {
    if (i.empty()) return false;
    for (const json& item : i)
      if (item["state"] != "sent") return false;
    return true;
  });
  const json decisions = json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"];
  ASSERT_EQ(decisions.size(), 1u);
  const json& queue = decisions[0]["fields"]["queue"];
  ASSERT_EQ(queue["abstained"], false) << queue.dump();
  const std::string ticket_id = decisions[0]["ticket_id"];
  EXPECT_EQ(
      json::parse(http.Get("/v1/tickets/" + ticket_id, Bearer(key_))->body)["fields"]["queue"],
      "Service Desk");
  bool written = false;
  for (const FakePlatforms::Request& r : fake.requests()) {
    if (r.method != "PUT" || r.path != "/rest/api/2/issue/SD-50") continue;
    const json body = json::parse(r.body);
    if (!body["fields"].contains("customfield_10300")) continue;
    EXPECT_EQ(body["fields"]["customfield_10300"]["value"], queue["label"]) << r.body;
    written = true;
  }
  EXPECT_TRUE(written) << items.dump();
  EXPECT_EQ(server->Terminate(), 0);

  // Kept across a restart.
  auto restarted = Start();
  ASSERT_NE(restarted, nullptr);
  httplib::Client again("127.0.0.1", restarted->port());
  EXPECT_EQ(
      json::parse(again.Get("/v1/connections/jira/fields", Bearer(key_))->body)["queue_field"],
      "customfield_10300");
  EXPECT_EQ(restarted->Terminate(), 0);
}

TEST_F(WritebackTest, AutoPriorityAndQueueReachServiceNowAsImpactUrgencyAndAssignmentGroup) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  // Every queue owns a category of the demo model, so routing has evidence for each of them.
  const json config = {
      {"triage_queue", "Service Desk"},
      {"services", json::array({{{"name", "Microsoft Exchange"}, {"criticality", "high"}}})},
      {"queues",
       json::array(
           {{{"name", "Service Desk"}},
            {{"name", "Workplace"},
             {"categories", json::array({"Hardware", "Purchase", "Storage"})}},
            {{"name", "Identity"},
             {"categories", json::array({"Access", "Administrative rights"})}},
            {{"name", "People"},
             {"categories", json::array({"HR Support", "Internal Project", "Miscellaneous"})}}})}};
  auto put = http.Put("/v1/triage/config", Bearer(key_), config.dump(), "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 204) << put->body;
  for (const char* field : {"priority", "queue"}) {
    auto r =
        http.Put(std::string("/v1/modes/") + field, Bearer(key_),
                 json{{"mode", "auto"}, {"auto_min_confidence", 0.0}}.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  const json fields = decisions[0]["fields"];
  ASSERT_EQ(fields["priority"]["mode"], "auto") << fields.dump();
  const bool routed = fields["queue"]["abstained"] == false;
  EXPECT_TRUE(routed) << "the demo model and this configuration route it: " << fields.dump();
  // The category is in shadow mode: the note speaks of priority and queue only.
  const std::size_t expected = routed ? 3 : 2;
  json items = WaitOutbox(http, [&](const json& i) {
    if (i.size() != expected) return false;
    for (const json& item : i)
      if (item["state"] != "sent") return false;
    return true;
  });
  ASSERT_EQ(items.size(), expected) << items.dump();
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  const std::string level = fields["priority"]["label"];
  const std::map<std::string, std::pair<std::string, std::string>> matrix = {
      {"P1", {"1", "1"}}, {"P2", {"1", "2"}}, {"P3", {"2", "2"}}, {"P4", {"2", "3"}}};
  ASSERT_TRUE(matrix.contains(level)) << level;
  EXPECT_EQ(fake.incident_field(sys_id, "impact"), matrix.at(level).first);
  EXPECT_EQ(fake.incident_field(sys_id, "urgency"), matrix.at(level).second);
  EXPECT_EQ(fake.incident_field(sys_id, "priority"), "") << "never priority itself";
  EXPECT_EQ(fake.category(sys_id), "");
  EXPECT_EQ(fake.incident_field(sys_id, "assignment_group"),
            routed ? fields["queue"]["label"].get<std::string>() : "");
  const std::string notes = fake.work_notes(sys_id);
  EXPECT_NE(notes.find("ticketwise set the priority: " + level), std::string::npos) << notes;
  EXPECT_NE(notes.find("\nWhy: "), std::string::npos) << notes;
  EXPECT_NE(notes.find(" the queue"), std::string::npos) << notes;
  EXPECT_EQ(notes.find("the category"), std::string::npos) << notes;
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, OAuthClientCredentialsGetATokenReuseItAndRenewItWhenRefused) {
  FakePlatforms fake;
  fake.RequireOAuthClient("tw-client", "tw-client-secret");
  // Half the credentials is refused before anything is stored.
  std::string out;
  EXPECT_NE(RunCliStatus("tenant connection acme --servicenow-url " + fake.base_url() +
                             " --servicenow-client-id tw-client --db " + db_,
                         &out),
            0);
  ConnectServiceNow(fake,
                    "--servicenow-client-id tw-client --servicenow-client-secret tw-client-secret");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  SetMode(http, "suggest");
  const json listed = json::parse(http.Get("/v1/connections", Bearer(key_))->body)["connections"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["auth"], "oauth");
  EXPECT_EQ(listed[0]["client_id"], "tw-client");
  EXPECT_EQ(listed[0]["token_url"], fake.base_url() + "/oauth_token.do");
  EXPECT_EQ(listed.dump().find("tw-client-secret"), std::string::npos);

  auto deliver = [&](const std::string& sys_id, const std::string& number) {
    json event = json::parse(Fixture("servicenow/event_inserted.json"));
    event["sys_id"] = sys_id;
    event["number"] = number;
    const std::string body = event.dump();
    auto r = http.Post("/v1/hooks/servicenow/acme",
                       {{"X-SN-Signature", connect::HmacSha256Base64(kServiceNowKey, body)}}, body,
                       "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
  };
  auto sent = [&](std::size_t n) {
    return WaitOutbox(http, [n](const json& items) {
      if (items.size() != n) return false;
      for (const json& i : items)
        if (i["state"] != "sent") return false;
      return true;
    });
  };
  const std::string first = "9d385017c611228701d22104cc95c371";
  const std::string second = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  const std::string third = "1a1b2c3d4e5f60718293a4b5c6d7e8f9";
  deliver(first, "INC0010042");
  ASSERT_EQ(sent(1).size(), 1u);
  deliver(second, "INC0010043");
  ASSERT_EQ(sent(2).size(), 2u);
  // One token served both notes.
  EXPECT_EQ(fake.tokens_issued(), 1);
  EXPECT_NE(fake.work_notes(first).find("[ticketwise:"), std::string::npos);
  EXPECT_NE(fake.work_notes(second).find("[ticketwise:"), std::string::npos);
  for (const auto& r : fake.requests()) {
    if (r.path == "/oauth_token.do") continue;
    EXPECT_EQ(r.authorization, "Bearer tok-1") << r.path;
  }

  // Revoked: the 401 asks for a new token once, and the note is posted once.
  fake.RevokeTokens();
  deliver(third, "INC0010044");
  ASSERT_EQ(sent(3).size(), 3u);
  EXPECT_EQ(fake.tokens_issued(), 2);
  const std::string notes = fake.work_notes(third);
  const auto marker = notes.find("[ticketwise:");
  ASSERT_NE(marker, std::string::npos) << notes;
  EXPECT_EQ(notes.find("[ticketwise:", marker + 1), std::string::npos) << notes;
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, PolledServiceNowRecordsAreDecidedOnceAndTheirChangesBecomeFeedback) {
  FakePlatforms fake;
  std::string out;
  ASSERT_EQ(RunCliStatus("tenant connection acme --servicenow-url " + fake.base_url() +
                             " --servicenow-user svc --servicenow-password pw --db " + db_,
                         &out),
            0)
      << out;
  const std::string sys_id = "46d44a23a9fe19810012d100cca80666";
  fake.PutIncident(sys_id, "INC0010077", "My laptop screen flickers on the docking station",
                   "hardware", "2026-12-04 09:00:00", 0);
  fake.PutIncident("aaaa0000aaaa0000aaaa0000aaaa0000", "INC0000001", "Old printer problem",
                   "hardware", "2026-12-01 08:00:00", 3);
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  EXPECT_EQ(http.Get("/v1/connections/servicenow/poll", Bearer(key_))->status, 404);
  for (const char* bad : {R"({"interval_seconds": -1})", R"({"interval_seconds": 1, "x": 1})",
                          R"({"interval_seconds": 1, "since": "yesterday"})", R"({})"}) {
    auto r = http.Put("/v1/connections/servicenow/poll", Bearer(key_), bad, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
  auto set =
      http.Put("/v1/connections/servicenow/poll", Bearer(key_),
               R"({"interval_seconds": 1, "since": "2026-12-04 00:00:00"})", "application/json");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 204) << set->body;

  // The record changed since the watermark is decided, the older one is not read.
  json decisions;
  for (int i = 0; i < 1500 && decisions.empty(); ++i) {
    decisions = json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"];
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(decisions.size(), 1u);
  const std::string decision = decisions[0]["decision_id"];
  auto ticket =
      http.Get("/v1/tickets/" + decisions[0]["ticket_id"].get<std::string>(), Bearer(key_));
  EXPECT_EQ(json::parse(ticket->body)["external_id"], "INC0010077");
  // Polls that see the same modification again (the watermark is inclusive) change nothing.
  ASSERT_TRUE(fake.WaitUntil(
      [&] { return Count(fake.requests(), "GET", "/api/now/table/incident") >= 3; }));
  EXPECT_EQ(json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"].size(), 1u);
  json poll = json::parse(http.Get("/v1/connections/servicenow/poll", Bearer(key_))->body);
  EXPECT_EQ(poll["watermark"], "2026-12-04 09:00:00");
  EXPECT_EQ(poll["last_error"], "");
  for (const auto& r : fake.requests()) EXPECT_EQ(r.authorization.rfind("Basic ", 0), 0u);

  // An agent recategorizes it: the next poll turns that into feedback on the decision.
  fake.PutIncident(sys_id, "INC0010077", "My laptop screen flickers on the docking station",
                   "network", "2026-12-04 09:05:00", 1);
  json feedback;
  for (int i = 0; i < 1500 && feedback.empty(); ++i) {
    feedback = json::parse(
        http.Get("/v1/decisions/" + decision + "/feedback", Bearer(key_))->body)["feedback"];
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(feedback.size(), 1u);
  EXPECT_EQ(feedback[0]["field"], "category");
  EXPECT_EQ(feedback[0]["value"], "network");
  EXPECT_EQ(json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"].size(), 1u);

  // Polling stops at 0; the other tenant has none.
  ASSERT_EQ(http.Put("/v1/connections/servicenow/poll", Bearer(key_), R"({"interval_seconds": 0})",
                     "application/json")
                ->status,
            204);
  EXPECT_EQ(http.Get("/v1/connections/servicenow/poll", Bearer(other_key_))->status, 404);
  EXPECT_EQ(server->Terminate(), 0);
}

// Personal data in what ticketwise reads (a knowledge article, the ticket) reaches none of what it
// writes or shows elsewhere: the platform's comment (with a reply to the requester that the
// outbound check held), the outbox listing, the inbox listing, the stored ticket and the audit
// export. (Log lines go through the same redaction: tests/server/log_test.cc.)
TEST_F(WritebackTest, NoOutboundPathCarriesPersonalData) {
  FakePlatforms fake;
  ConnectJira(fake);
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  SetMode(http, "suggest");
  const std::string email = "jane.doe@example.com", phone = "+1 415 555 0100",
                    card = "4111 1111 1111 1111";
  const json article = {
      {"id", "KB-VPN"},
      {"title", "VPN drops every few minutes with error 0x80070005, ask " + email},
      {"body_md",
       "## Symptoms\nThe VPN disconnects every few minutes. Error 0x80070005 in "
       "GlobalProtect 6.2.1.\n\n## Resolution\nReinstall GlobalProtect; call " +
           phone + "."}};
  ASSERT_EQ(http.Post("/v1/kb/articles", Bearer(key_), article.dump(), "application/json")->status,
            201);
  // A reply that would quote the ticket's title: held by the outbound check, into the note.
  const json resolution = {
      {"templates", {{"vpn", "Hello, your request '{{title}}' is resolved. {{steps}}"}}},
      {"rules", json::array({{{"name", "vpn"}, {"article", "KB-VPN"}, {"template", "vpn"}}})}};
  ASSERT_EQ(http.Put("/v1/resolution/config", Bearer(key_), resolution.dump(), "application/json")
                ->status,
            204);
  ASSERT_EQ(
      http.Put("/v1/modes/resolution", Bearer(key_),
               json{{"mode", "auto"}, {"auto_min_confidence", 0.0}}.dump(), "application/json")
          ->status,
      200);
  std::string created = JiraCreated("SD-77", "10277");
  created = std::regex_replace(created, std::regex("VPN drops every few minutes"),
                               "VPN drops every few minutes, card " + card + ", mail " + email);
  ASSERT_EQ(
      http.Post("/v1/hooks/jira/acme", JiraSigned(created, "p-1"), created, "application/json")
          ->status,
      202);
  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u) << items.dump();
  const auto comments = fake.jira_comments("SD-77");
  ASSERT_EQ(comments.size(), 1u);
  const std::string comment = comments[0]["body"];
  ASSERT_NE(comment.find("VPN drops every few minutes"), std::string::npos)
      << "the note names the matching article: " << comment;
  ASSERT_NE(comment.find("Reply for the requester, held"), std::string::npos) << comment;
  const json decisions = json::parse(http.Get("/v1/decisions", Bearer(key_))->body)["decisions"];
  ASSERT_EQ(decisions.size(), 1u);
  const std::string ticket_id = decisions[0]["ticket_id"];

  std::vector<std::pair<std::string, std::string>> outbound = {
      {"platform comment", comment},
      {"outbox listing", http.Get("/v1/outbox", Bearer(key_))->body},
      {"inbox listing", http.Get("/v1/hooks/inbox", Bearer(key_))->body},
      {"stored ticket", http.Get("/v1/tickets/" + ticket_id, Bearer(key_))->body}};
  std::string audit;
  ASSERT_EQ(RunCliStatus("audit export --db " + db_, &audit), 0);
  outbound.emplace_back("audit export", audit);
  for (const auto& [where, text] : outbound)
    for (const std::string& pii : {email, phone, card, std::string("555 0100")})
      EXPECT_EQ(text.find(pii), std::string::npos) << where << " carries " << pii << ": " << text;
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AutoResolutionResolvesServiceNowWithTheCheckedReplyOnce) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  ResolveEveryCategory(http,
                       "Hello, your request {{ticket}} is complete. Thank you for your patience.");
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  const json& resolution = decisions[0]["fields"]["resolution"];
  ASSERT_EQ(resolution["mode"], "auto") << resolution.dump();
  EXPECT_FALSE(resolution["abstained"].get<bool>());
  EXPECT_EQ(resolution["model_version"].get<std::string>().rfind("resolution@", 0), 0u);
  json items = WaitOutbox(http, [](const json& i) {
    return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
  });
  ASSERT_EQ(items.size(), 2u) << items.dump();
  EXPECT_EQ(items[0]["kind"], "resolve");  // newest first: resolved after the note
  EXPECT_EQ(items[0]["close_code"], "Solution provided");
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  EXPECT_EQ(fake.incident_field(sys_id, "state"), "6");
  EXPECT_EQ(fake.incident_field(sys_id, "close_code"), "Solution provided");
  EXPECT_EQ(fake.incident_field(sys_id, "close_notes"),
            "Hello, your request INC0010042 is complete. Thank you for your patience.");
  EXPECT_EQ(fake.incident_field(sys_id, "comments"), "") << "nothing else customer-visible";
  const std::string notes = fake.work_notes(sys_id);
  EXPECT_NE(notes.find("ticketwise resolved the ticket under rule '" +
                       resolution["label"].get<std::string>() + "'"),
            std::string::npos)
      << notes;
  // The status was read before the PATCH that resolved it.
  const auto requests = fake.requests();
  std::size_t reads = 0;
  for (const auto& r : requests)
    reads += r.method == "GET" && r.path.find(sys_id) != std::string::npos;
  EXPECT_GE(reads, 1u);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, FeedbackThatAnAutoResolutionWasWrongReopensTheTicketOnce) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  ResolveEveryCategory(http, "Hello, your request {{ticket}} is complete.");
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  ASSERT_EQ(decisions[0]["fields"]["resolution"]["mode"], "auto");
  const std::string decision = decisions[0]["decision_id"];
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  WaitOutbox(http, [](const json& i) {
    return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
  });
  ASSERT_EQ(fake.incident_field(sys_id, "state"), "6");
  const json flag = {{"field", "resolution"},
                     {"verdict", "flagged"},
                     {"reason", "the caller still cannot log in, call jane@example.com"}};
  for (int i = 0; i < 2; ++i) {
    auto fb = http.Post("/v1/decisions/" + decision + "/feedback", Bearer(key_), flag.dump(),
                        "application/json");
    ASSERT_TRUE(fb);
    ASSERT_EQ(fb->status, 201) << fb->body;
  }
  json items = WaitOutbox(http, [](const json& i) {
    return i.size() == 3 && i[0]["state"] == "sent" && i[0]["kind"] == "reopen";
  });
  ASSERT_EQ(items.size(), 3u) << "flagged twice, reopened once: " << items.dump();
  EXPECT_EQ(fake.incident_field(sys_id, "state"), "2");
  const std::string notes = fake.work_notes(sys_id);
  EXPECT_NE(notes.find("ticketwise reopened the ticket: its auto-resolution was flagged"),
            std::string::npos)
      << notes;
  EXPECT_EQ(notes.find("jane@example.com"), std::string::npos) << notes;
  // The rule's record: applied once, resolved once, flagged once.
  const json report = json::parse(http.Get("/v1/resolution/report", Bearer(key_))->body);
  EXPECT_EQ(report["days"], 30);
  ASSERT_EQ(report["rules"].size(), 1u) << report.dump();
  const json& rule = report["rules"][0];
  EXPECT_EQ(rule["rule"], decisions[0]["fields"]["resolution"]["label"]);
  EXPECT_EQ(rule["applied"], 1);
  EXPECT_EQ(rule["held"], 0);
  EXPECT_EQ(rule["resolved"], 1);
  EXPECT_EQ(rule["flagged"], 1);
  EXPECT_TRUE(
      json::parse(http.Get("/v1/resolution/report", Bearer(other_key_))->body)["rules"].empty());
  for (const char* bad : {"?days=0", "?days=366", "?days=week"})
    EXPECT_EQ(http.Get(std::string("/v1/resolution/report") + bad, Bearer(key_))->status, 400)
        << bad;
  // Feedback on a decision that resolved nothing changes nothing on the platform.
  auto accepted =
      http.Post("/v1/decisions/" + decision + "/feedback", Bearer(key_),
                json{{"field", "category"}, {"verdict", "accepted"}}.dump(), "application/json");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 201);
  EXPECT_EQ(json::parse(http.Get("/v1/outbox", Bearer(key_))->body)["items"].size(), 3u);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AWithdrawnJiraResolutionTakesTheWorkflowsWayBack) {
  FakePlatforms fake;
  ConnectJira(fake);
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const std::string decision = AutoResolveJiraIssue(http, "w-1");
  ASSERT_FALSE(decision.empty());
  ASSERT_EQ(fake.jira_resolution("SD-50"), "Done");
  auto fb =
      http.Post("/v1/decisions/" + decision + "/feedback", Bearer(key_),
                json{{"field", "resolution"}, {"verdict", "flagged"}}.dump(), "application/json");
  ASSERT_TRUE(fb);
  ASSERT_EQ(fb->status, 201) << fb->body;
  json items = WaitOutbox(http, [](const json& i) {
    return i.size() == 3 && i[0]["kind"] == "reopen" && i[0]["state"] == "sent";
  });
  ASSERT_EQ(items.size(), 3u) << items.dump();
  EXPECT_EQ(fake.jira_resolution("SD-50"), "") << "reopened through transition 41";
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, APersonReopeningAnAutoResolvedJiraIssueFlagsTheResolution) {
  FakePlatforms fake;
  ConnectJira(fake);
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const std::string decision = AutoResolveJiraIssue(http, "o-1");
  ASSERT_FALSE(decision.empty());
  const std::string created = JiraPasswordIssue();
  auto update = [&](const std::string& from, const std::string& to, const std::string& delivery) {
    json body = json::parse(created);
    body["webhookEvent"] = "jira:issue_updated";
    body["issue_event_type_name"] = "issue_generic";
    body["changelog"] = {
        {"id", delivery},
        {"items", json::array({{{"field", "resolution"},
                                {"fieldtype", "jira"},
                                {"fieldId", "resolution"},
                                {"from", from.empty() ? json(nullptr) : json("10000")},
                                {"fromString", from.empty() ? json(nullptr) : json(from)},
                                {"to", to.empty() ? json(nullptr) : json("10000")},
                                {"toString", to.empty() ? json(nullptr) : json(to)}}})}};
    const std::string text = body.dump();
    auto r = http.Post("/v1/hooks/jira/acme", JiraSigned(text, delivery), text, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
  };
  // Our own resolution coming back is not a verdict on the rule.
  update("", "Done", "o-2");
  WaitInbox(http, 2);
  EXPECT_TRUE(FeedbackOf(http, decision).empty());
  // A person clearing the resolution reopened the ticket: the rule was wrong for it.
  update("Done", "", "o-3");
  WaitInbox(http, 3);
  ExpectFlaggedAsReopened(FeedbackOf(http, decision), "jira");
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, APersonReopeningAnAutoResolvedIncidentFlagsTheResolution) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  ResolveEveryCategory(http, "Hello, your request {{ticket}} is complete.");
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  const std::string decision = decisions[0]["decision_id"];
  WaitOutbox(http, [](const json& i) {
    return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
  });
  // The Business Rule reports our own resolution, then a person setting the incident back to work.
  auto update = [&](const char* from, const char* to, const char* close_code, int mod_count) {
    json event = json::parse(Fixture("servicenow/event_updated.json"));
    event["sys_mod_count"] = std::to_string(mod_count);
    event["state"] = to;
    event["changes"] = json::array({{{"field", "state"}, {"old", from}, {"new", to}},
                                    {{"field", "close_code"}, {"old", ""}, {"new", close_code}}});
    const std::string body = event.dump();
    auto r = http.Post("/v1/hooks/servicenow/acme",
                       {{"X-SN-Signature", connect::HmacSha256Base64(kServiceNowKey, body)}}, body,
                       "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
  };
  update("2", "6", "Solution provided", 4);
  WaitInbox(http, 2);
  EXPECT_TRUE(FeedbackOf(http, decision).empty());
  update("6", "2", "", 5);
  WaitInbox(http, 3);
  ExpectFlaggedAsReopened(FeedbackOf(http, decision), "servicenow");
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AResolvedOrClosedServiceNowTicketIsLeftAsThePersonLeftIt) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  fake.SetIncidentField(sys_id, "state", "7");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  ResolveEveryCategory(http, "Hello, your request {{ticket}} is complete.");
  ASSERT_EQ(DeliverServiceNowEvent(http).size(), 1u);
  json items = WaitOutbox(http, [](const json& i) {
    return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
  });
  ASSERT_EQ(items.size(), 2u) << items.dump();
  EXPECT_EQ(fake.incident_field(sys_id, "state"), "7");
  EXPECT_EQ(fake.incident_field(sys_id, "close_notes"), "");
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AReplyThatFailsTheOutboundCheckResolvesNothingAndSaysWhy) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  // Speculation and an internal marker: never customer-visible.
  ResolveEveryCategory(http, "[internal] This was probably your fault, {{ticket}} is closed.");
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  const json& resolution = decisions[0]["fields"]["resolution"];
  EXPECT_EQ(resolution["mode"], "suggest") << resolution.dump();
  const std::string reasons = resolution["reasons"].dump();
  EXPECT_NE(reasons.find("failed the outbound text check"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("speculation"), std::string::npos) << reasons;
  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["kind"], "note");
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  EXPECT_EQ(fake.incident_field(sys_id, "state"), "");
  const std::string notes = fake.work_notes(sys_id);
  EXPECT_NE(notes.find("suggests resolving the ticket"), std::string::npos) << notes;
  // The held reply goes to the agents instead, with what the check found.
  EXPECT_NE(notes.find("Reply for the requester, held (the outbound text check found:"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("This was probably your fault"), std::string::npos) << notes;
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, ASuggestedResolutionPutsItsReplyInTheNoteAndResolvesNothing) {
  FakePlatforms fake;
  ConnectServiceNow(fake, "--servicenow-bearer sn-token");
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  ResolveEveryCategory(http, "Hello, your request {{ticket}} is complete.", "suggest");
  const json decisions = DeliverServiceNowEvent(http);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0]["fields"]["resolution"]["mode"], "suggest");
  json items =
      WaitOutbox(http, [](const json& i) { return i.size() == 1 && i[0]["state"] == "sent"; });
  ASSERT_EQ(items.size(), 1u) << items.dump();
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  EXPECT_EQ(fake.incident_field(sys_id, "state"), "");
  const std::string notes = fake.work_notes(sys_id);
  EXPECT_NE(notes.find("Reply for the requester, to send when an agent resolves the ticket:"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("is complete."), std::string::npos) << notes;
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(WritebackTest, AutoResolutionTransitionsAJiraIssueWithAPublicReplyEvenWhenTheAnswerIsLost) {
  FakePlatforms fake;
  ConnectJira(fake);
  auto server = Start({"TICKETWISE_OUTBOX_TIMEOUT_MS=200"});
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  ResolveEveryCategory(http, "Hello, your request {{ticket}} is complete.");
  // The note goes through; the transition arrives but its answer is lost (it comes after the
  // client gave up), so the worker tries again and must find the issue resolved rather than
  // resolve it twice.
  fake.Script({{.status = 201, .hang_ms = 1}, {.status = 204, .hang_ms = 1000}});
  const std::string created = JiraPasswordIssue();
  ASSERT_EQ(
      http.Post("/v1/hooks/jira/acme", JiraSigned(created, "r-1"), created, "application/json")
          ->status,
      202);
  json items = WaitOutbox(
      http,
      [](const json& i) {
        return i.size() == 2 && i[0]["state"] == "sent" && i[1]["state"] == "sent";
      },
      "");
  ASSERT_EQ(items.size(), 2u) << items.dump();
  EXPECT_EQ(items[0]["kind"], "resolve");
  EXPECT_EQ(items[0]["close_code"], "Done");
  EXPECT_EQ(fake.jira_resolution("SD-50"), "Done");
  const auto comments = fake.jira_comments("SD-50");
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[0]["jsdPublic"], false);
  EXPECT_EQ(comments[1]["jsdPublic"], true);
  EXPECT_EQ(comments[1]["body"], "Hello, your request SD-50 is complete.");
  EXPECT_EQ(Count(fake.requests(), "POST", "/rest/api/2/issue/SD-50/transitions"), 1u);
  EXPECT_EQ(server->Terminate(), 0);
}

}  // namespace
}  // namespace ticketwise::e2e
