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

namespace {

const std::string kDemo = std::string(TW_SOURCE_DIR) + "/data/demo/";

// Runs the CLI to completion and returns its standard output, or "" when it failed.
std::string RunCli(const std::string& args) {
  FILE* pipe = popen((std::string(TW_CLI) + " " + args + " 2>/dev/null").c_str(), "r");
  if (!pipe) return "";
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : "";
}

// The value after "key " on its own line of `out`.
std::string Field(const std::string& out, const std::string& key) {
  const auto pos = out.find(key + " ");
  if (pos == std::string::npos) return "";
  const auto start = pos + key.size() + 1;
  return out.substr(start, out.find('\n', start) - start);
}

// A running `ticketwise serve --listen 127.0.0.1:0`; the port comes from its first stdout line.
class ServeProcess {
 public:
  ServeProcess(const std::string& db, const std::string& model) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      execl(TW_CLI, TW_CLI, "serve", "--listen", "127.0.0.1:0", "--db", db.c_str(), "--model",
            model.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    port_ = ReadPort();
  }

  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  int port() const { return port_; }

  // Sends SIGTERM and returns the exit code (-1 when it did not exit normally within 30 s).
  int Terminate() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 3000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  int ReadPort() {
    std::string line;
    while (line.find('\n') == std::string::npos) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 30'000) <= 0) return 0;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return 0;
      line.append(buf, static_cast<std::size_t>(n));
    }
    // "listening on http://127.0.0.1:PORT"
    const auto colon = line.rfind(':', line.find('\n'));
    return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

httplib::Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

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
  static std::unique_ptr<ServeProcess> Start() {
    auto server = std::make_unique<ServeProcess>(*db_, *model_);
    if (server->port() == 0) return nullptr;
    httplib::Client client("127.0.0.1", server->port());
    for (int i = 0; i < 500; ++i) {
      if (auto r = client.Get("/healthz"); r && r->status == 200) return server;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return nullptr;
  }

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

// The string value of "name":"..." in a flat JSON text; enough for ids, which have no escapes.
std::string JsonString(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto pos = json.find(key);
  if (pos == std::string::npos) return "";
  const auto start = pos + key.size();
  return json.substr(start, json.find('"', start) - start);
}

const char kTicket[] =
    R"({"external_id":"ITSM-1","title":"printer out of toner","description":"the printer on )"
    R"(floor 3 shows a paper jam","comments":[{"body":"still broken","visibility":"public",)"
    R"("author":"u1"}],"requester":"u1","service":"printing","fields":{"priority":"P3"}})";

// Posts kTicket as tenant A and returns the response body (empty when it was not a 201).
std::string PostTicket(httplib::Client& http, const std::string& key) {
  auto r = http.Post("/v1/tickets", Bearer(key), kTicket, "application/json");
  return r && r->status == 201 ? r->body : "";
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
