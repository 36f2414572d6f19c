// `ticketwise serve` end to end: the real binary on a free loopback port with a real SQLite file,
// driven over HTTP the way a ticketing platform would (README "Command line", docs/decisions/0007).
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "serve_process.h"

namespace ticketwise::e2e {
namespace {

class ServeTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::TempDir() + "/serve_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    model_ = new std::string(*dir_ + "/demo.twm");
    db_ = new std::string(*dir_ + "/tw.db");
    RunCli("train --data " + kDemo + "train.csv --text text --label category --out " + *model_ +
           " --quiet");
    ASSERT_TRUE(std::filesystem::exists(*model_));
    const std::string a = RunCli("tenant create acme --db " + *db_);
    const std::string b = RunCli("tenant create globex --db " + *db_);
    key_a_ = new std::string(Field(a, "api_key"));
    key_b_ = new std::string(Field(b, "api_key"));
    ASSERT_EQ(key_a_->rfind("tw_", 0), 0u) << a;
    ASSERT_EQ(key_b_->rfind("tw_", 0), 0u) << b;
    ASSERT_NE(Field(a, "tenant_id"), "");
  }

  static void TearDownTestSuite() {
    if (dir_) std::filesystem::remove_all(*dir_);
    for (std::string* s : {dir_, model_, db_, key_a_, key_b_}) delete s;
    dir_ = model_ = db_ = key_a_ = key_b_ = nullptr;
  }

  // Starts the server and waits until /healthz answers.
  static std::unique_ptr<ServeProcess> Start() { return StartServer(*db_, *model_); }

  static std::string* dir_;
  static std::string* model_;
  static std::string* db_;
  static std::string* key_a_;
  static std::string* key_b_;
};

std::string* ServeTest::dir_ = nullptr;
std::string* ServeTest::model_ = nullptr;
std::string* ServeTest::db_ = nullptr;
std::string* ServeTest::key_a_ = nullptr;
std::string* ServeTest::key_b_ = nullptr;

const char kTicket[] =
    R"({"external_id":"ITSM-1","title":"printer out of toner","description":"the printer on )"
    R"(floor 3 shows a paper jam","comments":[{"body":"still broken","visibility":"public",)"
    R"("author":"u1"}],"requester":"u1","service":"printing","fields":{"priority":"P3"}})";

// Posts kTicket and returns the response body (empty unless 201, or 200 for a repeat of it).
std::string PostTicket(httplib::Client& http, const std::string& key) {
  auto r = http.Post("/v1/tickets", Bearer(key), kTicket, "application/json");
  return r && (r->status == 201 || r->status == 200) ? r->body : "";
}

TEST_F(ServeTest, HealthAndReadinessAnswerWithoutAKey) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->body, "ok");
  auto ready = http.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  // A sanitizer report or a crash in the server shows up as a non-zero exit.
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeTest, MissingOrWrongApiKeyIs401) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto no_key = http.Post("/v1/tickets", kTicket, "application/json");
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 401);
  EXPECT_NE(no_key->body.find("\"code\":\"unauthorized\""), std::string::npos) << no_key->body;
  auto wrong_key =
      http.Post("/v1/tickets", Bearer("tw_" + std::string(64, '0')), kTicket, "application/json");
  ASSERT_TRUE(wrong_key);
  EXPECT_EQ(wrong_key->status, 401);
  auto unauth_get = http.Get("/v1/tickets/t_anything");
  ASSERT_TRUE(unauth_get);
  EXPECT_EQ(unauth_get->status, 401);
  // A sanitizer report or a crash in the server shows up as a non-zero exit.
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeTest, PostedTicketIsDecidedAndReadableOnlyByItsTenant) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const std::string created = PostTicket(http, *key_a_);
  const std::string decision_id = JsonString(created, "decision_id");
  const std::string ticket_id = JsonString(created, "ticket_id");
  ASSERT_FALSE(decision_id.empty()) << created;
  ASSERT_FALSE(ticket_id.empty()) << created;
  for (const char* part : {"\"fields\":{\"category\":{", "\"label\":\"", "\"confidence\":",
                           "\"abstained\":", "\"top\":[{\"label\":", "\"mode\":\"shadow\"",
                           "\"model_version\":\"demo@", "\"engine_micros\":"})
    EXPECT_NE(created.find(part), std::string::npos) << part << " in " << created;

  auto own_ticket = http.Get("/v1/tickets/" + ticket_id, Bearer(*key_a_));
  ASSERT_TRUE(own_ticket);
  EXPECT_EQ(own_ticket->status, 200);
  EXPECT_NE(own_ticket->body.find("\"external_id\":\"ITSM-1\""), std::string::npos);
  EXPECT_NE(own_ticket->body.find("\"visibility\":\"public\""), std::string::npos);
  auto own_decision = http.Get("/v1/decisions/" + decision_id, Bearer(*key_a_));
  ASSERT_TRUE(own_decision);
  EXPECT_EQ(own_decision->status, 200);
  EXPECT_EQ(JsonString(own_decision->body, "decision_id"), decision_id);

  // Another tenant's ids look exactly like ids that do not exist.
  auto other_ticket = http.Get("/v1/tickets/" + ticket_id, Bearer(*key_b_));
  ASSERT_TRUE(other_ticket);
  EXPECT_EQ(other_ticket->status, 404);
  auto other_decision = http.Get("/v1/decisions/" + decision_id, Bearer(*key_b_));
  ASSERT_TRUE(other_decision);
  EXPECT_EQ(other_decision->status, 404);
  auto missing = http.Get("/v1/decisions/d_doesnotexist", Bearer(*key_b_));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(other_decision->body.find(ticket_id), std::string::npos) << other_decision->body;
  // A sanitizer report or a crash in the server shows up as a non-zero exit.
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeTest, BadRequestsGetTheirStatusAndANamedProblem) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto text_plain = http.Post("/v1/tickets", Bearer(*key_a_), kTicket, "text/plain");
  ASSERT_TRUE(text_plain);
  EXPECT_EQ(text_plain->status, 415);
  const std::string big = R"({"external_id":"big","title":")" + std::string(2 << 20, 'a') + "\"}";
  auto too_large = http.Post("/v1/tickets", Bearer(*key_a_), big, "application/json");
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_NE(too_large->body.find("\"code\":\"payload_too_large\""), std::string::npos);
  // Far over the limit the body is not even read: 413 or a closed connection, and the server
  // goes on serving.
  const std::string huge = R"({"external_id":"big","title":")" + std::string(40 << 20, 'a') + "\"}";
  auto refused = http.Post("/v1/tickets", Bearer(*key_a_), huge, "application/json");
  if (refused) EXPECT_EQ(refused->status, 413);
  auto malformed = http.Post("/v1/tickets", Bearer(*key_a_), R"({"external_id": "x", "title": )",
                             "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_NE(malformed->body.find("at byte 31"), std::string::npos) << malformed->body;
  auto wrong_type = http.Post("/v1/tickets", Bearer(*key_a_), R"({"external_id":"x","title":42})",
                              "application/json");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400);
  EXPECT_NE(wrong_type->body.find("'title'"), std::string::npos) << wrong_type->body;
  auto missing_id =
      http.Post("/v1/tickets", Bearer(*key_a_), R"({"title":"printer"})", "application/json");
  ASSERT_TRUE(missing_id);
  EXPECT_EQ(missing_id->status, 400);
  EXPECT_NE(missing_id->body.find("external_id"), std::string::npos) << missing_id->body;
  auto bad_utf8 = http.Post("/v1/tickets", Bearer(*key_a_),
                            "{\"external_id\":\"x\",\"title\":\"bad \xff\"}", "application/json");
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ(bad_utf8->status, 400);
  EXPECT_NE(bad_utf8->body.find("UTF-8"), std::string::npos) << bad_utf8->body;
  // None of it was stored: the server still answers, and only valid tickets get decisions.
  EXPECT_FALSE(PostTicket(http, *key_a_).empty());
  // A sanitizer report or a crash in the server shows up as a non-zero exit.
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeTest, UnknownRouteIs404AndWrongMethodIs405AsJson) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto no_route = http.Get("/v2/nothing");
  ASSERT_TRUE(no_route);
  EXPECT_EQ(no_route->status, 404);
  EXPECT_NE(no_route->body.find("{\"error\":{\"code\":\"not_found\""), std::string::npos)
      << no_route->body;
  auto wrong_method = http.Delete("/v1/tickets");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "POST");
  EXPECT_NE(wrong_method->body.find("\"code\":\"method_not_allowed\""), std::string::npos);
  auto get_collection = http.Get("/v1/tickets", Bearer(*key_a_));
  ASSERT_TRUE(get_collection);
  EXPECT_EQ(get_collection->status, 405);
  // A sanitizer report or a crash in the server shows up as a non-zero exit.
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeTest, SigtermExitsZeroAndDecisionsSurviveARestart) {
  std::string decision_id, ticket_id;
  {
    auto server = Start();
    ASSERT_NE(server, nullptr);
    httplib::Client http("127.0.0.1", server->port());
    const std::string created = PostTicket(http, *key_a_);
    decision_id = JsonString(created, "decision_id");
    ticket_id = JsonString(created, "ticket_id");
    ASSERT_FALSE(decision_id.empty()) << created;
    EXPECT_EQ(server->Terminate(), 0);
  }
  auto restarted = Start();
  ASSERT_NE(restarted, nullptr);
  httplib::Client http("127.0.0.1", restarted->port());
  auto after = http.Get("/v1/decisions/" + decision_id, Bearer(*key_a_));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(JsonString(after->body, "ticket_id"), ticket_id);
  EXPECT_EQ(restarted->Terminate(), 0);
}

}  // namespace
}  // namespace ticketwise::e2e
