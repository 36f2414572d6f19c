// The service's API beyond single tickets, end to end over HTTP against the real binary:
// idempotency, paged decisions, feedback, import, model training and activation, modes, metrics,
// rate limits, tenant isolation on every route, and the documented route list (docs/api.md).
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "connect/signature.h"
#include "serve_process.h"

namespace ticketwise::e2e {
namespace {

using nlohmann::json;

class ServeApiTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/serve_api_" + std::to_string(getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = dir_ + "/tw.db";
    const std::string a = RunCli("tenant create acme --db " + db_);
    const std::string b = RunCli("tenant create globex --db " + db_);
    key_a_ = Field(a, "api_key");
    key_b_ = Field(b, "api_key");
    ASSERT_FALSE(key_a_.empty());
    ASSERT_FALSE(key_b_.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A model trained once for the whole suite on the bundled demo tickets.
  static const std::string& DemoModel() {
    static const std::string path = [] {
      const std::string p =
          testing::TempDir() + "/serve_api_demo_" + std::to_string(getpid()) + ".twm";
      RunCli("train --data " + kDemo + "train.csv --text text --label category --out " + p +
             " --quiet");
      return p;
    }();
    return path;
  }

  // The first `rows` labelled demo tickets as CSV.
  static std::string DemoCsv(std::size_t rows) {
    std::ifstream in(kDemo + "train.csv");
    std::string line, out;
    for (std::size_t i = 0; i <= rows && std::getline(in, line); ++i) out += line + "\n";
    return out;
  }

  std::string dir_, db_, key_a_, key_b_;
};

httplib::Headers With(const std::string& key, const std::string& name, const std::string& value) {
  httplib::Headers h = Bearer(key);
  h.emplace(name, value);
  return h;
}

std::string Ticket(const std::string& id, const std::string& title) {
  return json{{"external_id", id}, {"title", title}, {"description", "please help"}}.dump();
}

TEST_F(ServeApiTest, IdempotencyKeyAndUnchangedContentReplayTheFirstDecision) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const auto key = With(key_a_, "Idempotency-Key", "retry-1");
  auto first = http.Post("/v1/tickets", key, Ticket("T-1", "printer toner"), "application/json");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  auto again = http.Post("/v1/tickets", key, Ticket("T-1", "printer toner"), "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->get_header_value("Idempotent-Replayed"), "true");
  EXPECT_EQ(JsonString(again->body, "decision_id"), JsonString(first->body, "decision_id"));
  auto reused = http.Post("/v1/tickets", key, Ticket("T-1", "other"), "application/json");
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->status, 409) << reused->body;

  // Without a key, the same external id and content is the same request; new content is not.
  auto plain = http.Post("/v1/tickets", Bearer(key_a_), Ticket("T-2", "vpn"), "application/json");
  auto repeat = http.Post("/v1/tickets", Bearer(key_a_), Ticket("T-2", "vpn"), "application/json");
  auto changed =
      http.Post("/v1/tickets", Bearer(key_a_), Ticket("T-2", "vpn down"), "application/json");
  ASSERT_TRUE(plain && repeat && changed);
  EXPECT_EQ(plain->status, 201);
  EXPECT_EQ(repeat->status, 200);
  EXPECT_EQ(changed->status, 201);
  auto list = http.Get("/v1/decisions?limit=100", Bearer(key_a_));
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body)["decisions"].size(), 3u);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeApiTest, DecisionsArePagedNewestFirstAndFeedbackIsRecorded) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = http.Post("/v1/tickets", Bearer(key_a_), Ticket("P-" + std::to_string(i), "laptop"),
                       "application/json");
    ASSERT_TRUE(r);
    ids.push_back(JsonString(r->body, "decision_id"));
  }
  auto page1 = http.Get("/v1/decisions?limit=2", Bearer(key_a_));
  ASSERT_TRUE(page1);
  const json p1 = json::parse(page1->body);
  ASSERT_EQ(p1["decisions"].size(), 2u);
  EXPECT_EQ(p1["decisions"][0]["decision_id"], ids[4]);
  const std::string next = p1["next_before"];
  auto page3 = http.Get("/v1/decisions?limit=3&before=" + next, Bearer(key_a_));
  ASSERT_TRUE(page3);
  const json p3 = json::parse(page3->body);
  ASSERT_EQ(p3["decisions"].size(), 3u);
  EXPECT_EQ(p3["decisions"][2]["decision_id"], ids[0]);
  EXPECT_TRUE(p3["next_before"].is_null());
  auto bad_limit = http.Get("/v1/decisions?limit=0", Bearer(key_a_));
  ASSERT_TRUE(bad_limit);
  EXPECT_EQ(bad_limit->status, 400);
  auto filtered = http.Get("/v1/decisions?field=priority", Bearer(key_a_));
  ASSERT_TRUE(filtered);
  EXPECT_TRUE(json::parse(filtered->body)["decisions"].empty());

  const std::string feedback_url = "/v1/decisions/" + ids[1] + "/feedback";
  auto corrected = http.Post(
      feedback_url, Bearer(key_a_),
      R"({"field":"category","verdict":"corrected","value":"Hardware","actor":"agent-7"})",
      "application/json");
  ASSERT_TRUE(corrected);
  ASSERT_EQ(corrected->status, 201) << corrected->body;
  EXPECT_EQ(json::parse(corrected->body)["actor"], "agent-7");
  auto no_value = http.Post(feedback_url, Bearer(key_a_),
                            R"({"field":"category","verdict":"corrected"})", "application/json");
  ASSERT_TRUE(no_value);
  EXPECT_EQ(no_value->status, 400);
  auto bad_verdict = http.Post(feedback_url, Bearer(key_a_),
                               R"({"field":"category","verdict":"maybe"})", "application/json");
  ASSERT_TRUE(bad_verdict);
  EXPECT_EQ(bad_verdict->status, 400);
  auto listed = http.Get(feedback_url, Bearer(key_a_));
  ASSERT_TRUE(listed);
  const json fb = json::parse(listed->body)["feedback"];
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0]["verdict"], "corrected");
  EXPECT_EQ(fb[0]["value"], "Hardware");

  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(
      metrics->body.find("ticketwise_feedback_total{field=\"category\",verdict=\"corrected\"} 1"),
      std::string::npos)
      << metrics->body;
  EXPECT_NE(
      metrics->body.find("ticketwise_http_requests_total{route=\"/v1/tickets\",method=\"POST\","
                         "status=\"201\"} 5"),
      std::string::npos);
  EXPECT_NE(metrics->body.find("ticketwise_http_request_duration_seconds_bucket{route="),
            std::string::npos);
  EXPECT_NE(metrics->body.find("ticketwise_model_info{tenant="), std::string::npos);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeApiTest, ImportedTicketsTrainAModelThatIsActivatedAndSurvivesRestart) {
  // No default model: the tenant's own trained model is the only one.
  auto server = StartServer(db_, "");
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  http.set_read_timeout(120, 0);
  auto before =
      http.Post("/v1/tickets", Bearer(key_a_), Ticket("N-1", "printer"), "application/json");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 503);
  EXPECT_NE(before->body.find("no_model"), std::string::npos);

  const std::string csv = DemoCsv(600) + "no label here,\n";
  auto imported = http.Post("/v1/import?text=text&label=category", Bearer(key_a_), csv, "text/csv");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  const json report = json::parse(imported->body);
  EXPECT_EQ(report["rows_accepted"], 600);
  EXPECT_EQ(report["rows_skipped"], 1);
  EXPECT_EQ(report["skipped"][0]["line"], 602);
  auto broken = http.Post("/v1/import?text=text&label=category", Bearer(key_a_),
                          "text,category\n\"unterminated,Access\n", "text/csv");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400) << broken->body;
  auto no_columns = http.Post("/v1/import", Bearer(key_a_), csv, "text/csv");
  ASSERT_TRUE(no_columns);
  EXPECT_EQ(no_columns->status, 400);
  auto wrong_type =
      http.Post("/v1/import?text=text&label=category", Bearer(key_a_), csv, "application/pdf");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);

  auto started =
      http.Post("/v1/models/train", Bearer(key_a_), R"({"activate":true})", "application/json");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  EXPECT_EQ(json::parse(started->body)["version"], "v1");
  // Another tenant cannot see, read or activate it.
  auto theirs = http.Get("/v1/models", Bearer(key_b_));
  ASSERT_TRUE(theirs);
  EXPECT_TRUE(json::parse(theirs->body)["models"].empty());

  json model;
  for (int i = 0; i < 1200; ++i) {
    auto got = http.Get("/v1/models/v1", Bearer(key_a_));
    ASSERT_TRUE(got);
    model = json::parse(got->body);
    if (model["state"] != "training" && model["active"] == true) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(model["state"], "ready") << model.dump();
  EXPECT_TRUE(model["active"].get<bool>());
  EXPECT_GT(model["metrics"]["accuracy"].get<double>(), 0.3);
  EXPECT_EQ(model["metrics"]["n_examples"], 600);
  EXPECT_EQ(http.Post("/v1/models/v1/activate", Bearer(key_b_), "", "application/json")->status,
            404);

  auto decided =
      http.Post("/v1/tickets", Bearer(key_a_), Ticket("N-2", "printer"), "application/json");
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->status, 201) << decided->body;
  EXPECT_EQ(json::parse(decided->body)["fields"]["category"]["model_version"], "v1");
  // Tenant B has no model of its own and none by default.
  auto other =
      http.Post("/v1/tickets", Bearer(key_b_), Ticket("N-2", "printer"), "application/json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 503);

  // A second version; the first can be re-activated.
  auto second = http.Post("/v1/models/train", Bearer(key_a_), "", "application/json");
  ASSERT_TRUE(second);
  ASSERT_EQ(second->status, 202);
  for (int i = 0; i < 1200; ++i) {
    model = json::parse(http.Get("/v1/models/v2", Bearer(key_a_))->body);
    if (model["state"] != "training") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(model["state"], "ready");
  EXPECT_FALSE(model["active"].get<bool>());  // not asked to activate
  auto activate = http.Post("/v1/models/v2/activate", Bearer(key_a_), "", "application/json");
  ASSERT_TRUE(activate);
  ASSERT_EQ(activate->status, 200) << activate->body;
  auto back = http.Post("/v1/models/v1/activate", Bearer(key_a_), "", "application/json");
  ASSERT_TRUE(back);
  ASSERT_EQ(back->status, 200);
  EXPECT_EQ(server->Terminate(), 0);

  // After a restart the active version is loaded from the database.
  auto restarted = StartServer(db_, "");
  ASSERT_NE(restarted, nullptr);
  httplib::Client again("127.0.0.1", restarted->port());
  auto after =
      again.Post("/v1/tickets", Bearer(key_a_), Ticket("N-3", "printer"), "application/json");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 201) << after->body;
  EXPECT_EQ(json::parse(after->body)["fields"]["category"]["model_version"], "v1");
  EXPECT_EQ(restarted->Terminate(), 0);
}

TEST_F(ServeApiTest, ModesArePerTenantAndRecordedOnEachDecision) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto set = http.Put("/v1/modes/category", Bearer(key_a_),
                      R"({"mode":"auto","auto_min_confidence":0.0})", "application/json");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(json::parse(set->body)["modes"]["category"]["mode"], "auto");
  auto bad =
      http.Put("/v1/modes/category", Bearer(key_a_), R"({"mode":"yolo"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto gate = http.Put("/v1/modes/category", Bearer(key_a_),
                       R"({"mode":"auto","auto_min_confidence":2})", "application/json");
  ASSERT_TRUE(gate);
  EXPECT_EQ(gate->status, 400);

  // A clear printer ticket from the demo data, decided confidently.
  const std::string printer =
      json{{"external_id", "M-1"},
           {"title", "printer toner cartridge empty"},
           {"description", "the printer toner cartridge is empty, please replace the toner"}}
          .dump();
  auto a = http.Post("/v1/tickets", Bearer(key_a_), printer, "application/json");
  auto b = http.Post("/v1/tickets", Bearer(key_b_), printer, "application/json");
  ASSERT_TRUE(a && b);
  const json da = json::parse(a->body)["fields"]["category"];
  const std::string want = da["abstained"].get<bool>() ? "suggest" : "auto";
  EXPECT_EQ(da["mode"], want) << a->body;
  EXPECT_EQ(json::parse(b->body)["fields"]["category"]["mode"], "shadow");
  auto listed = http.Get("/v1/modes", Bearer(key_b_));
  ASSERT_TRUE(listed);
  EXPECT_TRUE(json::parse(listed->body)["modes"].empty());
  EXPECT_EQ(server->Terminate(), 0);

  // Modes are stored: after a restart tenant A is still in auto mode.
  auto restarted = StartServer(db_, DemoModel());
  ASSERT_NE(restarted, nullptr);
  httplib::Client again("127.0.0.1", restarted->port());
  auto modes = again.Get("/v1/modes", Bearer(key_a_));
  ASSERT_TRUE(modes);
  EXPECT_EQ(json::parse(modes->body)["modes"]["category"]["mode"], "auto");
  EXPECT_EQ(restarted->Terminate(), 0);
}

TEST_F(ServeApiTest, RateLimitAnswers429WithRetryAfterPerTenant) {
  auto server = StartServer(db_, DemoModel(), {"--rate-limit", "1"}, {"TICKETWISE_RATE_BURST=3"});
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  int limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = http.Get("/v1/decisions", Bearer(key_a_));
    ASSERT_TRUE(r);
    if (r->status == 429) {
      ++limited;
      EXPECT_FALSE(r->get_header_value("Retry-After").empty());
    }
  }
  EXPECT_GE(limited, 2);
  // Tenant B has its own budget.
  auto b = http.Get("/v1/decisions", Bearer(key_b_));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeApiTest, BadConfigurationStopsServeWithANamedProblem) {
  const std::string config = dir_ + "/tw.toml";
  std::ofstream(config) << "listen = \"127.0.0.1:0\"\nrate_limt = 5\n";
  EXPECT_EQ(RunCli("serve --config " + config + " --db " + db_), "");
  std::ofstream(config) << "[rate_limit]\nper_second = -1\n";
  EXPECT_EQ(RunCli("serve --config " + config + " --db " + db_), "");
  // A good file is accepted: the server starts on the port it names.
  std::ofstream(config) << "listen = \"127.0.0.1:0\"\n[rate_limit]\nper_second = 0\n";
  ServeProcess server(db_, DemoModel(), {"--config", config});
  EXPECT_GT(server.port(), 0);
}

// Every route tenant A can use answers tenant B as if A's ids did not exist.
TEST_F(ServeApiTest, NoRouteLetsOneTenantReadOrChangeAnothersData) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto created =
      http.Post("/v1/tickets", Bearer(key_a_), Ticket("ISO-1", "printer"), "application/json");
  ASSERT_TRUE(created);
  const std::string decision = JsonString(created->body, "decision_id");
  const std::string ticket = JsonString(created->body, "ticket_id");
  ASSERT_FALSE(decision.empty());
  const std::string fb = R"({"field":"category","verdict":"accepted"})";
  EXPECT_EQ(http.Get("/v1/tickets/" + ticket, Bearer(key_b_))->status, 404);
  EXPECT_EQ(http.Get("/v1/decisions/" + decision, Bearer(key_b_))->status, 404);
  EXPECT_EQ(http.Get("/v1/decisions/" + decision + "/feedback", Bearer(key_b_))->status, 404);
  EXPECT_EQ(
      http.Post("/v1/decisions/" + decision + "/feedback", Bearer(key_b_), fb, "application/json")
          ->status,
      404);
  EXPECT_EQ(http.Get("/v1/decisions?before=" + decision, Bearer(key_b_))->status, 400);
  EXPECT_TRUE(json::parse(http.Get("/v1/decisions", Bearer(key_b_))->body)["decisions"].empty());
  // B posting the same external id creates B's own ticket; A's is untouched.
  auto theirs =
      http.Post("/v1/tickets", Bearer(key_b_), Ticket("ISO-1", "changed"), "application/json");
  ASSERT_TRUE(theirs);
  EXPECT_EQ(theirs->status, 201);
  EXPECT_NE(JsonString(theirs->body, "ticket_id"), ticket);
  auto mine = http.Get("/v1/tickets/" + ticket, Bearer(key_a_));
  ASSERT_TRUE(mine);
  EXPECT_EQ(json::parse(mine->body)["title"], "printer");
  // A's feedback list is still empty: B's attempt left nothing.
  EXPECT_TRUE(
      json::parse(
          http.Get("/v1/decisions/" + decision + "/feedback", Bearer(key_a_))->body)["feedback"]
          .empty());
  EXPECT_EQ(server->Terminate(), 0);
}

// Count of rows `sql` returns as its one value, read straight from the database file.
long long SqlCount(const std::string& db, const char* sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_stmt* stmt = nullptr;
  long long n = -1;
  if (sqlite3_prepare_v2(handle, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return n;
}

TEST_F(ServeApiTest, SigkillUnderLoadKeepsEveryAcknowledgedTicketWholeAndNothingHalf) {
  auto server = StartServer(db_, DemoModel(), {"--rate-limit", "0"});
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // external id -> decision id
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client http("127.0.0.1", port);
      http.set_keep_alive(true);
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = "K-" + std::to_string(c) + "-" + std::to_string(i);
        auto r = http.Post("/v1/tickets", Bearer(key_a_), Ticket(id, "laptop " + id),
                           "application/json");
        if (!r) continue;
        if (r->status == 201) {
          std::lock_guard lock(mu);
          acknowledged[id] = JsonString(r->body, "decision_id");
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server->Kill();
  stop.store(true);
  for (std::thread& t : clients) t.join();
  ASSERT_GT(acknowledged.size(), 20u);

  auto restarted = StartServer(db_, DemoModel());
  ASSERT_NE(restarted, nullptr);
  httplib::Client http("127.0.0.1", restarted->port());
  for (const auto& [id, decision] : acknowledged) {
    auto d = http.Get("/v1/decisions/" + decision, Bearer(key_a_));
    ASSERT_TRUE(d);
    ASSERT_EQ(d->status, 200) << id;
    auto t = http.Get("/v1/tickets/" + JsonString(d->body, "ticket_id"), Bearer(key_a_));
    ASSERT_TRUE(t);
    ASSERT_EQ(t->status, 200);
    EXPECT_EQ(json::parse(t->body)["title"], "laptop " + id);
  }
  EXPECT_EQ(restarted->Terminate(), 0);
  // Nothing half there: every stored ticket has its decision, its fields and its audit record.
  const long long decisions = SqlCount(db_, "SELECT COUNT(*) FROM decisions");
  EXPECT_GE(decisions, static_cast<long long>(acknowledged.size()));
  EXPECT_EQ(SqlCount(db_, "SELECT COUNT(*) FROM tickets"), decisions);
  EXPECT_EQ(SqlCount(db_, "SELECT COUNT(*) FROM audit WHERE what = 'triage'"), decisions);
  EXPECT_EQ(SqlCount(db_,
                     "SELECT COUNT(*) FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM "
                     "decision_fields f WHERE f.decision_seq = d.seq)"),
            0);
  EXPECT_EQ(
      SqlCount(db_, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"),
      0);
}

TEST_F(ServeApiTest, AuditTrailVerifiesExportsWithoutPersonalDataAndNamesATamperedRecord) {
  {
    auto server = StartServer(db_, DemoModel());
    ASSERT_NE(server, nullptr);
    httplib::Client http("127.0.0.1", server->port());
    auto r =
        http.Post("/v1/tickets", Bearer(key_a_), Ticket("AU-1", "printer"), "application/json");
    ASSERT_TRUE(r);
    const std::string decision = JsonString(r->body, "decision_id");
    auto fb =
        http.Post("/v1/decisions/" + decision + "/feedback", Bearer(key_a_),
                  R"({"field":"category","verdict":"accepted","actor":"jane.doe@example.com"})",
                  "application/json");
    ASSERT_TRUE(fb);
    ASSERT_EQ(fb->status, 201);
    ASSERT_TRUE(
        http.Post("/v1/tickets", Bearer(key_b_), Ticket("AU-2", "vpn"), "application/json"));
    EXPECT_EQ(server->Terminate(), 0);
  }
  std::string out;
  EXPECT_EQ(RunCliStatus("audit verify --db " + db_, &out), 0);
  EXPECT_NE(out.find("intact: 3 records"), std::string::npos) << out;
  EXPECT_EQ(RunCliStatus("audit export --db " + db_, &out), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
  EXPECT_EQ(out.find("jane.doe@example.com"), std::string::npos) << out;
  EXPECT_NE(out.find("[EMAIL_1]"), std::string::npos) << out;
  EXPECT_NE(out.find("\"what\":\"feedback\""), std::string::npos);

  // Someone with the file drops the append-only triggers and rewrites a record.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'engine' "
                         "WHERE what = 'feedback'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_EQ(RunCliStatus("audit verify --db " + db_, &out), 1);
  EXPECT_NE(out.find("BROKEN at record 2: record 2 was changed"), std::string::npos) << out;
}

json VpnArticles() {
  return json{{"articles",
               json::array({{{"id", "KB-VPN"},
                             {"title", "VPN client fails with error 809 after the Windows update"},
                             {"link", "https://kb.example.com/KB-VPN"},
                             {"body_md",
                              "## Symptoms\nThe VPN client shows error 809 and does not connect "
                              "after the update.\n\n## Resolution\nSet "
                              "AssumeUDPEncapsulationContextOnSendRule to 2 and restart."}},
                            {{"id", "KB-PRN"},
                             {"title", "Printer shows a paper jam although the tray is empty"},
                             {"body",
                              "<h2>Workaround</h2><p>Open the rear door and power "
                              "cycle the printer.</p>"}},
                            {{"title", "an article without id"}}})}};
}

std::string VpnTicket(const std::string& id) {
  return json{{"external_id", id},
              {"title", "VPN error 809 after Windows update"},
              {"description", "Since the Windows update the VPN client fails with error 809."}}
      .dump();
}

TEST_F(ServeApiTest, KnowledgeBaseArticlesAreSuggestedSearchedKeptAcrossRestartsAndPerTenant) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto posted =
      http.Post("/v1/kb/articles", Bearer(key_a_), VpnArticles().dump(), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 201) << posted->body;
  json put = json::parse(posted->body);
  EXPECT_EQ(put["received"], 3);
  EXPECT_EQ(put["created"], 2);
  EXPECT_EQ(put["updated"], 0);
  ASSERT_EQ(put["skipped"].size(), 1u) << "the article without an id is named, not lost";

  // The decision carries the confident article with its steps, and no weak one.
  auto decided = http.Post("/v1/tickets", Bearer(key_a_), VpnTicket("KB-1"), "application/json");
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->status, 201) << decided->body;
  json d = json::parse(decided->body);
  EXPECT_EQ(d["suggestions"]["state"], "matched") << d.dump();
  ASSERT_EQ(d["suggestions"]["items"].size(), 1u) << d.dump();
  EXPECT_EQ(d["suggestions"]["items"][0]["id"], "KB-VPN");
  EXPECT_EQ(d["suggestions"]["items"][0]["kind"], "article");
  EXPECT_EQ(d["suggestions"]["items"][0]["link"], "https://kb.example.com/KB-VPN");
  EXPECT_NE(d["suggestions"]["items"][0]["steps"].get<std::string>().find("AssumeUDP"),
            std::string::npos);
  auto again = http.Get("/v1/decisions/" + d["decision_id"].get<std::string>(), Bearer(key_a_));
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["suggestions"], d["suggestions"]) << "stored as decided";
  // A second, open ticket on the same problem names the first as a likely duplicate.
  auto second = http.Post("/v1/tickets", Bearer(key_a_), VpnTicket("KB-2"), "application/json");
  ASSERT_TRUE(second);
  json d2 = json::parse(second->body);
  ASSERT_EQ(d2["duplicates"]["items"].size(), 1u) << d2.dump();
  EXPECT_EQ(d2["duplicates"]["items"][0]["external_id"], "KB-1");

  // Search: ranked, with the gate marked; bad parameters are named.
  auto found = http.Get("/v1/search?q=vpn%20error%20809&kind=article", Bearer(key_a_));
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  json results = json::parse(found->body)["results"];
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0]["id"], "KB-VPN");
  for (const char* bad :
       {"/v1/search", "/v1/search?q=%20", "/v1/search?q=vpn&k=0", "/v1/search?q=vpn&k=abc",
        "/v1/search?q=vpn&kind=everything", "/v1/search?q=%FF"}) {
    auto r = http.Get(bad, Bearer(key_a_));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_NE(r->body.find("\"error\""), std::string::npos) << bad;
  }

  // Articles: read, list, replace, bad bodies.
  auto article = http.Get("/v1/kb/articles/KB-VPN", Bearer(key_a_));
  ASSERT_TRUE(article);
  ASSERT_EQ(article->status, 200);
  EXPECT_NE(json::parse(article->body)["resolution"].get<std::string>().find("AssumeUDP"),
            std::string::npos);
  auto list = http.Get("/v1/kb/articles?limit=1", Bearer(key_a_));
  ASSERT_TRUE(list);
  json page = json::parse(list->body);
  ASSERT_EQ(page["articles"].size(), 1u);
  EXPECT_EQ(page["articles"][0]["id"], "KB-PRN");
  EXPECT_EQ(page["next_after"], "KB-PRN");
  const std::string prn = R"({"title":"Printer jam","body":"Open the rear door."})";
  auto replaced = http.Put("/v1/kb/articles/KB-PRN", Bearer(key_a_), prn, "application/json");
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->status, 200) << replaced->body;
  EXPECT_EQ(json::parse(replaced->body)["updated"], 1);
  EXPECT_EQ(http.Put("/v1/kb/articles/KB-PRN", Bearer(key_a_), R"({"id":"other","body":"x"})",
                     "application/json")
                ->status,
            400);
  EXPECT_EQ(
      http.Post("/v1/kb/articles", Bearer(key_a_), R"({"articles": [)", "application/json")->status,
      400);
  EXPECT_EQ(http.Post("/v1/kb/articles", Bearer(key_a_), "{\"id\":\"x\",\"body\":\"\xff\"}",
                      "application/json")
                ->status,
            400);

  // The other tenant sees none of it.
  EXPECT_EQ(http.Get("/v1/kb/articles/KB-VPN", Bearer(key_b_))->status, 404);
  EXPECT_EQ(http.Delete("/v1/kb/articles/KB-VPN", Bearer(key_b_))->status, 404);
  EXPECT_TRUE(json::parse(http.Get("/v1/kb/articles", Bearer(key_b_))->body)["articles"].empty());
  EXPECT_TRUE(
      json::parse(http.Get("/v1/search?q=vpn%20error%20809", Bearer(key_b_))->body)["results"]
          .empty());
  auto theirs = http.Post("/v1/tickets", Bearer(key_b_), VpnTicket("KB-1"), "application/json");
  ASSERT_TRUE(theirs);
  EXPECT_EQ(json::parse(theirs->body)["suggestions"]["state"], "not_searched");
  EXPECT_EQ(server->Terminate(), 0);

  // After a restart the knowledge is back; a deleted article is gone for good.
  server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http2("127.0.0.1", server->port());
  auto after = http2.Post("/v1/tickets", Bearer(key_a_), VpnTicket("KB-3"), "application/json");
  ASSERT_TRUE(after);
  json d3 = json::parse(after->body);
  EXPECT_EQ(d3["suggestions"]["items"][0]["id"], "KB-VPN") << d3.dump();
  EXPECT_FALSE(d3["duplicates"]["items"].empty()) << "open triaged tickets are reloaded too";
  auto deleted = http2.Delete("/v1/kb/articles/KB-VPN", Bearer(key_a_));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  EXPECT_EQ(http2.Get("/v1/kb/articles/KB-VPN", Bearer(key_a_))->status, 404);
  auto without = http2.Post("/v1/tickets", Bearer(key_a_), VpnTicket("KB-4"), "application/json");
  ASSERT_TRUE(without);
  EXPECT_TRUE(json::parse(without->body)["suggestions"]["items"].empty());
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeApiTest, KbImportFromTheCommandLineIsServedAtTheNextStart) {
  std::string out;
  ASSERT_EQ(
      RunCliStatus("kb import " + kDemo + "kb.jsonl --db " + db_ + " --tenant acme --quiet", &out),
      0)
      << out;
  EXPECT_EQ(RunCliStatus("kb import " + kDemo + "kb.jsonl --db " + db_ + " --tenant nobody", &out),
            1);
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto list = http.Get("/v1/kb/articles?limit=1000", Bearer(key_a_));
  ASSERT_TRUE(list);
  const std::size_t n = json::parse(list->body)["articles"].size();
  EXPECT_GT(n, 50u);
  auto found = http.Get("/v1/search?q=outlook", Bearer(key_a_));
  ASSERT_TRUE(found);
  EXPECT_FALSE(json::parse(found->body)["results"].empty()) << found->body;
  EXPECT_TRUE(json::parse(http.Get("/v1/kb/articles", Bearer(key_b_))->body)["articles"].empty());
  EXPECT_EQ(server->Terminate(), 0);
}

std::string ConnectFixture(const std::string& relative) {
  std::ifstream in(std::string(TW_SOURCE_DIR) + "/tests/connect/fixtures/" + relative,
                   std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

httplib::Headers JiraSigned(const std::string& secret, const std::string& body,
                            const std::string& delivery) {
  return {{"X-Hub-Signature", "sha256=" + connect::HmacSha256Hex(secret, body)},
          {"X-Atlassian-Webhook-Identifier", delivery}};
}

// Polls `path` until `done` holds for its JSON body (at most 10 s); returns the last body.
json WaitFor(httplib::Client& http, const std::string& path, const std::string& key,
             const std::function<bool(const json&)>& done) {
  json body;
  for (int i = 0; i < 1000; ++i) {
    auto r = http.Get(path, Bearer(key));
    if (r && r->status == 200) {
      body = json::parse(r->body);
      if (done(body)) return body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return body;
}

TEST_F(ServeApiTest, SignedJiraWebhooksAreKeptDecidedOnceAndTurnPeoplesChangesIntoFeedback) {
  std::string out;
  ASSERT_EQ(RunCliStatus("tenant webhook-secret acme --jira s3cret --db " + db_, &out), 0) << out;
  EXPECT_EQ(RunCliStatus("tenant webhook-secret nobody --jira x --db " + db_, &out), 1);
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const std::string created = ConnectFixture("jira/jsm_issue_created_adf.json");
  ASSERT_FALSE(created.empty());

  // Refused before anything is kept: no, wrong or another tenant's signature; unknown tenant.
  EXPECT_EQ(http.Post("/v1/hooks/jira/acme", created, "application/json")->status, 401);
  EXPECT_EQ(http.Post("/v1/hooks/jira/acme", JiraSigned("wrong", created, "x"), created,
                      "application/json")
                ->status,
            401);
  EXPECT_EQ(http.Post("/v1/hooks/jira/globex", JiraSigned("s3cret", created, "x"), created,
                      "application/json")
                ->status,
            401)
      << "globex has no secret";
  auto unknown = http.Post("/v1/hooks/jira/initech", JiraSigned("s3cret", created, "x"), created,
                           "application/json");
  EXPECT_EQ(unknown->status, 404);
  const std::string broken = created.substr(0, created.size() / 2);
  auto bad = http.Post("/v1/hooks/jira/acme", JiraSigned("s3cret", broken, "b"), broken,
                       "application/json");
  EXPECT_EQ(bad->status, 400) << bad->body;
  const std::string huge = "{\"pad\":\"" + std::string(5u << 20, 'x') + "\"}";
  auto too_big =
      http.Post("/v1/hooks/jira/acme", JiraSigned("s3cret", huge, "h"), huge, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  const std::string deleted = ConnectFixture("jira/issue_deleted.json");
  auto ignored = http.Post("/v1/hooks/jira/acme", JiraSigned("s3cret", deleted, "del"), deleted,
                           "application/json");
  EXPECT_EQ(ignored->status, 200);
  EXPECT_EQ(json::parse(ignored->body)["status"], "ignored");

  // Accepted once; a redelivery (another delivery id, same event) is a duplicate.
  auto first = http.Post("/v1/hooks/jira/acme", JiraSigned("s3cret", created, "d-1"), created,
                         "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 202) << first->body;
  EXPECT_EQ(json::parse(first->body)["ticket"], "SD-42");
  auto again = http.Post("/v1/hooks/jira/acme", JiraSigned("s3cret", created, "d-2"), created,
                         "application/json");
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(json::parse(again->body)["status"], "duplicate");

  json decisions =
      WaitFor(http, "/v1/decisions", key_a_, [](const json& j) { return !j["decisions"].empty(); });
  ASSERT_EQ(decisions["decisions"].size(), 1u) << decisions.dump();
  const std::string decision = decisions["decisions"][0]["decision_id"];

  // A person moves the ticket to another component: feedback on our category decision.
  const std::string updated = ConnectFixture("jira/jsm_issue_updated_triage.json");
  auto update = http.Post("/v1/hooks/jira/acme", JiraSigned("s3cret", updated, "d-3"), updated,
                          "application/json");
  EXPECT_EQ(update->status, 202) << update->body;
  json feedback = WaitFor(http, "/v1/decisions/" + decision + "/feedback", key_a_,
                          [](const json& j) { return !j["feedback"].empty(); });
  ASSERT_EQ(feedback["feedback"].size(), 1u) << feedback.dump();
  EXPECT_EQ(feedback["feedback"][0]["field"], "category");
  EXPECT_EQ(feedback["feedback"][0]["value"], "Remote Access");
  json inbox = WaitFor(http, "/v1/hooks/inbox", key_a_, [](const json& j) {
    for (const json& i : j["items"])
      if (i["state"] == "pending") return false;
    return j["items"].size() == 2;
  });
  ASSERT_EQ(inbox["items"].size(), 2u) << inbox.dump();
  EXPECT_EQ(inbox["items"][1]["state"], "done");
  EXPECT_EQ(inbox["items"][1]["result"].get<std::string>().rfind("decided d_", 0), 0u);
  EXPECT_TRUE(json::parse(http.Get("/v1/hooks/inbox", Bearer(key_b_))->body)["items"].empty());
  auto metrics = http.Get("/metrics");
  EXPECT_NE(
      metrics->body.find("ticketwise_webhooks_total{platform=\"jira\",outcome=\"accepted\"} 2"),
      std::string::npos);
  EXPECT_EQ(server->Terminate(), 0);

  // A delivery kept but not yet processed when the service stopped is processed at the next start,
  // and one already processed is not processed again.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &raw), SQLITE_OK);
  const std::string insert =
      "INSERT INTO inbox (tenant_id, platform, delivery_key, body, received_at_ms) SELECT id, "
      "'jira', 'left-behind', CAST(" +
      std::string("'") + std::regex_replace(created, std::regex("SD-42"), "SD-43") +
      "' AS BLOB), 1 FROM tenants WHERE name = 'acme'";
  ASSERT_EQ(sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(raw);
  sqlite3_close(raw);
  server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http2("127.0.0.1", server->port());
  decisions = WaitFor(http2, "/v1/decisions", key_a_,
                      [](const json& j) { return j["decisions"].size() >= 2; });
  EXPECT_EQ(decisions["decisions"].size(), 2u) << decisions.dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(json::parse(http2.Get("/v1/decisions", Bearer(key_a_))->body)["decisions"].size(), 2u);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeApiTest, ServiceNowEventsAreVerifiedWithTheBase64KeyAndSecretsAreSetThroughTheApi) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const std::string key_bytes = "servicenow-key-bytes";
  const std::string secret = "c2VydmljZW5vdy1rZXktYnl0ZXM=";  // base64 of key_bytes
  auto set = http.Put("/v1/hooks/servicenow/secret", Bearer(key_a_),
                      json{{"secret", secret}}.dump(), "application/json");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->status, 204) << set->body;
  EXPECT_EQ(http.Put("/v1/hooks/servicenow/secret", Bearer(key_a_), R"({"secret":""})",
                     "application/json")
                ->status,
            400);
  EXPECT_EQ(
      http.Put("/v1/hooks/servicenow/secret", R"({"secret":"x"})", "application/json")->status,
      401);
  json hooks = json::parse(http.Get("/v1/hooks", Bearer(key_a_))->body)["hooks"];
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(hooks[0]["platform"], "jira");
  EXPECT_EQ(hooks[0]["secret_set"], false);
  EXPECT_EQ(hooks[1]["secret_set"], true);

  const std::string event = ConnectFixture("servicenow/event_inserted.json");
  ASSERT_FALSE(event.empty());
  httplib::Headers signed_headers = {
      {"X-SN-Signature", connect::HmacSha256Base64(key_bytes, event)}};
  auto accepted = http.Post("/v1/hooks/servicenow/acme", signed_headers, event, "application/json");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body;
  EXPECT_EQ(http.Post("/v1/hooks/servicenow/acme", {{"X-SN-Signature", "bm90IGl0"}}, event,
                      "application/json")
                ->status,
            401);
  json decisions =
      WaitFor(http, "/v1/decisions", key_a_, [](const json& j) { return !j["decisions"].empty(); });
  ASSERT_EQ(decisions["decisions"].size(), 1u);
  auto ticket = http.Get("/v1/tickets/" + decisions["decisions"][0]["ticket_id"].get<std::string>(),
                         Bearer(key_a_));
  EXPECT_EQ(json::parse(ticket->body)["external_id"], "INC0010042");
  EXPECT_EQ(server->Terminate(), 0);
}

// docs/api.md documents exactly the routes the server registers.
// A triage configuration over the demo categories: a service desk, two queues, two services.
std::string DemoTriageConfig() {
  return json{{"triage_queue", "Service Desk"},
              {"services", json::array({{{"name", "payroll"}, {"criticality", "critical"}},
                                        {{"name", "wiki"}, {"criticality", "low"}}})},
              {"queues", json::array({{{"name", "Service Desk"}},
                                      {{"name", "Workplace"},
                                       {"categories", json::array({"Hardware", "Purchase"})},
                                       {"capacity", 40}},
                                      {{"name", "People"},
                                       {"categories", json::array({"HR Support", "Access"})},
                                       {"capacity", 40}}})}}
      .dump();
}

std::string PayrollPrinterTicket(const std::string& id) {
  return json{{"external_id", id},
              {"title", "printer toner cartridge empty"},
              {"description", "the printer toner cartridge is empty, please replace the toner"},
              {"service", "payroll"}}
      .dump();
}

bool HasReason(const json& field, const std::string& signal) {
  for (const json& r : field["reasons"])
    if (r.get<std::string>().starts_with(signal)) return true;
  return false;
}

TEST_F(ServeApiTest, TriageConfigAddsPriorityAndQueueWithReasonsAndIncidentsRaisePriority) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  EXPECT_EQ(http.Get("/v1/triage/config", Bearer(key_a_))->status, 404);

  // A bad configuration is refused when it is given, with the problem named.
  json unknown_queue = json::parse(DemoTriageConfig());
  unknown_queue["triage_queue"] = "Nowhere Desk";
  auto bad =
      http.Put("/v1/triage/config", Bearer(key_a_), unknown_queue.dump(), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("Nowhere Desk"), std::string::npos) << bad->body;
  json unknown_key = json::parse(DemoTriageConfig());
  unknown_key["queus"] = json::array();
  auto shape =
      http.Put("/v1/triage/config", Bearer(key_a_), unknown_key.dump(), "application/json");
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->status, 400);
  EXPECT_NE(shape->body.find("queus"), std::string::npos) << shape->body;
  // A queue owning a category the tenant's model does not know could never be routed to.
  json typo = json::parse(DemoTriageConfig());
  typo["queues"][1]["categories"] = json::array({"Hardwear"});
  auto unknown_category =
      http.Put("/v1/triage/config", Bearer(key_a_), typo.dump(), "application/json");
  ASSERT_TRUE(unknown_category);
  EXPECT_EQ(unknown_category->status, 400);
  EXPECT_NE(unknown_category->body.find("Hardwear"), std::string::npos) << unknown_category->body;
  EXPECT_EQ(http.Get("/v1/triage/config", Bearer(key_a_))->status, 404);

  auto put = http.Put("/v1/triage/config", Bearer(key_a_), DemoTriageConfig(), "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 204) << put->body;
  auto got = http.Get("/v1/triage/config", Bearer(key_a_));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(json::parse(got->body), json::parse(DemoTriageConfig()));

  auto calm =
      http.Post("/v1/tickets", Bearer(key_a_), PayrollPrinterTicket("TR-1"), "application/json");
  ASSERT_TRUE(calm);
  ASSERT_EQ(calm->status, 201) << calm->body;
  const json fields = json::parse(calm->body)["fields"];
  EXPECT_EQ(fields["category"]["label"], "Hardware") << calm->body;
  EXPECT_TRUE(fields["category"]["reasons"].empty());
  ASSERT_TRUE(fields.contains("priority")) << calm->body;
  ASSERT_TRUE(fields.contains("queue")) << calm->body;
  EXPECT_EQ(fields["queue"]["label"], "Workplace") << calm->body;
  EXPECT_EQ(fields["queue"]["mode"], "shadow");
  EXPECT_GE(fields["queue"]["reasons"].size(), 2u);
  EXPECT_FALSE(fields["priority"]["reasons"].empty());
  EXPECT_FALSE(HasReason(fields["priority"], "active_incident"));
  const std::string calm_priority = fields["priority"]["label"];
  // The reasons are stored with the decision.
  auto stored = http.Get("/v1/decisions/" + JsonString(calm->body, "decision_id"), Bearer(key_a_));
  ASSERT_TRUE(stored);
  EXPECT_EQ(json::parse(stored->body)["fields"]["queue"]["reasons"], fields["queue"]["reasons"]);

  // An incident on an unknown service is refused; one on payroll is declared.
  auto unknown = http.Post("/v1/status/incidents", Bearer(key_a_),
                           R"({"id":"INC-0","service":"nosuch","start":"2020-01-01T00:00:00Z"})",
                           "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("nosuch"), std::string::npos) << unknown->body;
  auto declared = http.Post(
      "/v1/status/incidents", Bearer(key_a_),
      R"([{"id":"INC-7","service":"payroll","text":"payroll outage","start":"2020-01-01T00:00:00Z"}])",
      "application/json");
  ASSERT_TRUE(declared);
  ASSERT_EQ(declared->status, 200) << declared->body;
  auto listed = http.Get("/v1/status/incidents", Bearer(key_a_));
  ASSERT_TRUE(listed);
  const json incidents = json::parse(listed->body)["incidents"];
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0]["id"], "INC-7");

  auto during =
      http.Post("/v1/tickets", Bearer(key_a_), PayrollPrinterTicket("TR-2"), "application/json");
  ASSERT_TRUE(during);
  const json urgent = json::parse(during->body)["fields"]["priority"];
  EXPECT_TRUE(urgent["label"] == "P1" || urgent["label"] == "P2") << during->body;
  EXPECT_LT(urgent["label"].get<std::string>(), calm_priority);
  EXPECT_TRUE(HasReason(urgent, "active_incident")) << during->body;

  // Tenant B sees none of it: no configuration, no incidents, category only.
  EXPECT_EQ(http.Get("/v1/triage/config", Bearer(key_b_))->status, 404);
  EXPECT_TRUE(
      json::parse(http.Get("/v1/status/incidents", Bearer(key_b_))->body)["incidents"].empty());
  auto theirs =
      http.Post("/v1/tickets", Bearer(key_b_), PayrollPrinterTicket("TR-2"), "application/json");
  ASSERT_TRUE(theirs);
  const json their_fields = json::parse(theirs->body)["fields"];
  EXPECT_EQ(their_fields.size(), 1u) << theirs->body;
  EXPECT_TRUE(their_fields.contains("category"));
  // B's own configuration does not see A's incident.
  ASSERT_EQ(
      http.Put("/v1/triage/config", Bearer(key_b_), DemoTriageConfig(), "application/json")->status,
      204);
  auto b_calm =
      http.Post("/v1/tickets", Bearer(key_b_), PayrollPrinterTicket("TR-3"), "application/json");
  ASSERT_TRUE(b_calm);
  EXPECT_FALSE(HasReason(json::parse(b_calm->body)["fields"]["priority"], "active_incident"))
      << b_calm->body;
  EXPECT_EQ(server->Terminate(), 0);

  // Configuration and incidents are stored: after a restart the incident still raises priority.
  auto restarted = StartServer(db_, DemoModel());
  ASSERT_NE(restarted, nullptr);
  httplib::Client again("127.0.0.1", restarted->port());
  auto after =
      again.Post("/v1/tickets", Bearer(key_a_), PayrollPrinterTicket("TR-4"), "application/json");
  ASSERT_TRUE(after);
  EXPECT_TRUE(HasReason(json::parse(after->body)["fields"]["priority"], "active_incident"))
      << after->body;
  EXPECT_EQ(restarted->Terminate(), 0);
}

TEST_F(ServeApiTest, BurstsRaiseMajorIncidentsReassignmentsRaisePingPongAndHistoryMovesPriority) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  json config = json::parse(DemoTriageConfig());
  config["burst"] = {{"min_tickets", 3}, {"window_minutes", 30}};
  config["routing"] = {{"ping_pong_bounces", 2}};
  ASSERT_EQ(
      http.Put("/v1/triage/config", Bearer(key_a_), config.dump(), "application/json")->status,
      204);
  ASSERT_EQ(
      http.Put("/v1/triage/config", Bearer(key_b_), config.dump(), "application/json")->status,
      204);
  auto post = [&](const std::string& key, const json& ticket) {
    auto r = http.Post("/v1/tickets", Bearer(key), ticket.dump(), "application/json");
    EXPECT_TRUE(r);
    EXPECT_TRUE(r && (r->status == 201 || r->status == 200)) << (r ? r->body : "no answer");
    return r ? json::parse(r->body) : json();
  };
  auto payroll = [](const std::string& id, const std::string& requester) {
    return json{{"external_id", id},
                {"title", "payroll portal down"},
                {"description", "the payroll portal shows an error and nobody can log in"},
                {"service", "payroll"},
                {"requester", requester}};
  };

  // Two similar tickets are not a burst yet; the third is. Re-sending one does not count again.
  post(key_a_, payroll("MI-1", "ada"));
  post(key_a_, payroll("MI-2", "bob"));
  json resent = payroll("MI-2", "bob");
  resent["description"] = "still down";
  post(key_a_, resent);
  auto none = http.Get("/v1/status/major-incidents", Bearer(key_a_));
  ASSERT_TRUE(none);
  ASSERT_EQ(none->status, 200) << none->body;
  EXPECT_TRUE(json::parse(none->body)["major_incidents"].empty()) << none->body;
  json third = payroll("MI-3", "cyd");
  third["description"] =
      "the payroll portal shows an error and nobody can log in, mail me at "
      "cyd.meyer@example.com";
  post(key_a_, third);
  post(key_a_, payroll("MI-4", "dan"));
  auto raised = http.Get("/v1/status/major-incidents", Bearer(key_a_));
  ASSERT_TRUE(raised);
  const json majors = json::parse(raised->body)["major_incidents"];
  ASSERT_EQ(majors.size(), 1u) << raised->body;
  EXPECT_EQ(majors[0]["service"], "payroll");
  EXPECT_EQ(majors[0]["tickets"], json::array({"MI-1", "MI-2", "MI-3", "MI-4"}));
  // The summary is the text of the ticket that made it a burst, without its personal data.
  EXPECT_NE(majors[0]["summary"].get<std::string>().find("payroll portal"), std::string::npos);
  EXPECT_EQ(raised->body.find("cyd.meyer@example.com"), std::string::npos) << raised->body;
  // Tenant B's similar tickets are its own business, and A's incident is not B's to see.
  EXPECT_TRUE(
      json::parse(http.Get("/v1/status/major-incidents", Bearer(key_b_))->body)["major_incidents"]
          .empty());
  const std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find("ticketwise_triage_alerts_total{kind=\"major_incident_raised\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("ticketwise_triage_alerts_total{kind=\"major_incident_linked\"} 1"),
            std::string::npos);

  // The same requester's open ticket about the same problem is a repeat contact.
  const json repeat = post(key_a_, payroll("MI-5", "ada"));
  EXPECT_TRUE(HasReason(repeat["fields"]["priority"], "repeat_contact")) << repeat.dump();
  json stranger = payroll("MI-6", "eve");
  stranger["title"] = "new laptop needed";
  stranger["description"] = "my laptop is old, please order a new one";
  stranger["service"] = "";
  EXPECT_FALSE(HasReason(post(key_a_, stranger)["fields"]["priority"], "repeat_contact"));

  // People move a ticket between queues (the decision was in shadow mode, so their first choice is
  // where it started): the second move reaches this tenant's threshold.
  const json moved = post(key_a_, json::parse(PayrollPrinterTicket("PP-1")));
  const std::string decision = moved["decision_id"];
  for (const char* queue : {"People", "Workplace", "Service Desk"}) {
    auto fb = http.Post("/v1/decisions/" + decision + "/feedback", Bearer(key_a_),
                        json{{"field", "queue"}, {"verdict", "corrected"}, {"value", queue}}.dump(),
                        "application/json");
    ASSERT_TRUE(fb);
    ASSERT_EQ(fb->status, 201) << fb->body;
  }
  auto alerts = http.Get("/v1/alerts/ping-pong", Bearer(key_a_));
  ASSERT_TRUE(alerts);
  ASSERT_EQ(alerts->status, 200) << alerts->body;
  const json pp = json::parse(alerts->body);
  EXPECT_EQ(pp["threshold"], 2);
  ASSERT_EQ(pp["alerts"].size(), 1u) << alerts->body;
  EXPECT_EQ(pp["alerts"][0]["ticket"], "PP-1");
  EXPECT_EQ(pp["alerts"][0]["reassignments"], 2);
  EXPECT_EQ(pp["alerts"][0]["queues"], json::array({"People", "Workplace", "Service Desk"}));
  EXPECT_TRUE(
      json::parse(http.Get("/v1/alerts/ping-pong", Bearer(key_b_))->body)["alerts"].empty());
  EXPECT_NE(http.Get("/metrics")->body.find("ticketwise_triage_alerts_total{kind=\"ping_pong\"} 1"),
            std::string::npos);
  // Re-triaged, the ticket is not sent back to the queue it was bounced from.
  json update = json::parse(PayrollPrinterTicket("PP-1"));
  update["description"] = "the toner is still empty, please replace the cartridge";
  const json again = post(key_a_, update);
  bool penalised = false;
  for (const json& r : again["fields"]["queue"]["reasons"])
    penalised |= r.get<std::string>().starts_with("'People'") &&
                 r.get<std::string>().find("bounce_penalty 0.50") != std::string::npos;
  EXPECT_TRUE(penalised) << again.dump();
  EXPECT_EQ(http.Get("/v1/alerts/ping-pong?limit=0", Bearer(key_a_))->status, 400);
  EXPECT_EQ(server->Terminate(), 0);
}

TEST_F(ServeApiTest, APriorityHeadTrainedFromHistoryInformsPriorityAndSurvivesRestart) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  http.set_read_timeout(120, 0);
  ASSERT_EQ(
      http.Put("/v1/triage/config", Bearer(key_a_), DemoTriageConfig(), "application/json")->status,
      204);
  // History with a priority column: outages were P1, how-to questions P4.
  std::string csv = "text,priority\n";
  const char* noise[] = {"please", "today", "again", "team", "asap", "thanks", "morning"};
  for (int i = 0; i < 140; ++i) {
    const std::string n = std::string(noise[i % 7]) + " " + noise[(i / 7) % 7];
    csv += i % 2 == 0 ? "production database outage everyone is down " + n + ",P1\n"
                      : "question how do I change my desktop wallpaper " + n + ",P4\n";
  }
  auto imported = http.Post("/v1/import?text=text&label=priority&field=priority", Bearer(key_a_),
                            csv, "text/csv");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  auto wrong =
      http.Post("/v1/models/train", Bearer(key_a_), R"({"field":"mood"})", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 400);
  EXPECT_NE(wrong->body.find("mood"), std::string::npos) << wrong->body;
  auto started = http.Post("/v1/models/train", Bearer(key_a_),
                           R"({"field":"priority","activate":true})", "application/json");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string version = json::parse(started->body)["version"];
  json model;
  for (int i = 0; i < 1200; ++i) {
    model = json::parse(http.Get("/v1/models/" + version, Bearer(key_a_))->body);
    if (model["state"] != "training" && model["active"] == true) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(model["state"], "ready") << model.dump();
  EXPECT_EQ(model["field"], "priority");

  const std::string outage = json{{"external_id", "PH-1"},
                                  {"title", "database outage"},
                                  {"description", "production database outage, everyone is down"}}
                                 .dump();
  auto decided = http.Post("/v1/tickets", Bearer(key_a_), outage, "application/json");
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->status, 201) << decided->body;
  const json priority = json::parse(decided->body)["fields"]["priority"];
  EXPECT_TRUE(HasReason(priority, "model")) << priority.dump();
  EXPECT_TRUE(priority["model_version"].get<std::string>().ends_with("+" + version))
      << priority.dump();
  // The category model is untouched by it.
  EXPECT_NE(json::parse(decided->body)["fields"]["category"]["model_version"], version);
  EXPECT_EQ(server->Terminate(), 0);

  auto restarted = StartServer(db_, DemoModel());
  ASSERT_NE(restarted, nullptr);
  httplib::Client again("127.0.0.1", restarted->port());
  auto after =
      again.Post("/v1/tickets", Bearer(key_a_),
                 json{{"external_id", "PH-2"}, {"title", "database outage everyone down"}}.dump(),
                 "application/json");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 201) << after->body;
  EXPECT_TRUE(HasReason(json::parse(after->body)["fields"]["priority"], "model")) << after->body;
  EXPECT_EQ(restarted->Terminate(), 0);
}

TEST_F(ServeApiTest, TicketTextIsStoredRedactedUnlessTheTenantKeepsItRaw) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  const json privacy = json::parse(http.Get("/v1/privacy", Bearer(key_a_))->body);
  EXPECT_EQ(privacy["store_raw_text"], false);
  const json ticket = {
      {"external_id", "PV-1"},
      {"title", "printer jam, call me on +49 30 1234567"},
      {"description",
       "The printer on floor 2 jams. Write to jane.doe@example.com or +49 30 1234567."},
      {"comments", json::array({{{"author", "agent"},
                                 {"body", "Sent a new toner to jane.doe@example.com"},
                                 {"visibility", "internal"}}})},
      {"requester", "jane.doe@example.com"},
      {"fields", {{"contact", "jane.doe@example.com"}}}};
  auto posted = http.Post("/v1/tickets", Bearer(key_a_), ticket.dump(), "application/json");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201) << posted->body;
  const std::string ticket_id = json::parse(posted->body)["ticket_id"];
  auto got = http.Get("/v1/tickets/" + ticket_id, Bearer(key_a_));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(got->body.find("jane.doe@example.com"), std::string::npos) << got->body;
  EXPECT_EQ(got->body.find("1234567"), std::string::npos) << got->body;
  const json stored = json::parse(got->body);
  // One placeholder per value across the ticket's parts.
  EXPECT_NE(stored["description"].get<std::string>().find("[EMAIL_1]"), std::string::npos);
  EXPECT_NE(stored["comments"][0]["body"].get<std::string>().find("[EMAIL_1]"), std::string::npos);
  EXPECT_EQ(stored["fields"]["contact"], "[EMAIL_1]");
  EXPECT_NE(stored["title"].get<std::string>().find("[PHONE_1]"), std::string::npos);
  EXPECT_NE(stored["description"].get<std::string>().find("[PHONE_1]"), std::string::npos);
  // The requester is a keyed digest: the same for each of their tickets, so their history counts.
  const std::string digest = stored["requester"];
  EXPECT_EQ(digest.rfind("rq_", 0), 0u) << digest;
  EXPECT_EQ(digest.size(), 27u);
  const auto requester_of = [&](httplib::Client& client, const std::string& key,
                                const std::string& external_id) {
    json again = ticket;
    again["external_id"] = external_id;
    auto r = client.Post("/v1/tickets", Bearer(key), again.dump(), "application/json");
    if (!r || r->status != 201) return std::string("not stored");
    const std::string id = json::parse(r->body)["ticket_id"];
    return json::parse(client.Get("/v1/tickets/" + id, Bearer(key))->body)["requester"]
        .get<std::string>();
  };
  EXPECT_EQ(requester_of(http, key_a_, "PV-1b"), digest);

  // A bad setting changes nothing; tenant B's choice is its own.
  for (const char* bad : {R"({"store_raw_text":"yes"})", R"({"raw":true})", "[]"}) {
    auto r = http.Put("/v1/privacy", Bearer(key_a_), bad, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
  auto raw =
      http.Put("/v1/privacy", Bearer(key_b_), R"({"store_raw_text":true})", "application/json");
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->status, 200) << raw->body;
  EXPECT_EQ(json::parse(http.Get("/v1/privacy", Bearer(key_a_))->body)["store_raw_text"], false);
  json theirs = ticket;
  theirs["external_id"] = "PV-2";
  auto kept = http.Post("/v1/tickets", Bearer(key_b_), theirs.dump(), "application/json");
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->status, 201) << kept->body;
  const std::string their_id = json::parse(kept->body)["ticket_id"];
  EXPECT_NE(http.Get("/v1/tickets/" + their_id, Bearer(key_b_))->body.find("jane.doe@example.com"),
            std::string::npos);
  EXPECT_EQ(server->Terminate(), 0);

  // The choice is stored and audited.
  auto restarted = StartServer(db_, DemoModel());
  ASSERT_NE(restarted, nullptr);
  httplib::Client again("127.0.0.1", restarted->port());
  EXPECT_EQ(json::parse(again.Get("/v1/privacy", Bearer(key_b_))->body)["store_raw_text"], true);
  // The digest's key is the database's own: a restart gives the same digest.
  EXPECT_EQ(requester_of(again, key_a_, "PV-1c"), digest);
  EXPECT_EQ(requester_of(again, key_b_, "PV-2b"), "jane.doe@example.com");
  EXPECT_EQ(restarted->Terminate(), 0);
  EXPECT_NE(RunCli("audit export --db " + db_).find("privacy_set"), std::string::npos);
}

TEST_F(ServeApiTest, IncidentsDeclaredFromTheCommandLineAreCheckedAndServedAtTheNextStart) {
  const std::string good = dir_ + "/incidents.json";
  std::ofstream(good) << R"([{"id":"INC-9","service":"payroll","start":"2020-01-01T00:00:00Z"}])";
  const std::string typo = dir_ + "/typo.json";
  std::ofstream(typo) << R"({"id":"INC-10","service":"payroll","strat":"2020-01-01T00:00:00Z"})";
  std::string out;
  EXPECT_EQ(RunCliStatus("status incident acme --file " + typo + " --db " + db_, &out), 1);
  EXPECT_EQ(RunCliStatus("status incident nobody --file " + good + " --db " + db_, &out), 1);
  EXPECT_EQ(RunCliStatus("status incident acme --db " + db_, &out), 2);
  ASSERT_EQ(RunCliStatus("status incident acme --file " + good + " --db " + db_, &out), 0);
  ASSERT_EQ(RunCliStatus("status incidents acme --db " + db_, &out), 0);
  ASSERT_EQ(json::parse(out)["incidents"].size(), 1u) << out;
  EXPECT_EQ(json::parse(out)["incidents"][0]["id"], "INC-9");

  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  EXPECT_EQ(json::parse(http.Get("/v1/status/incidents", Bearer(key_a_))->body)["incidents"].size(),
            1u);
  EXPECT_TRUE(
      json::parse(http.Get("/v1/status/incidents", Bearer(key_b_))->body)["incidents"].empty());
  ASSERT_EQ(
      http.Put("/v1/triage/config", Bearer(key_a_), DemoTriageConfig(), "application/json")->status,
      204);
  auto ticket =
      http.Post("/v1/tickets", Bearer(key_a_), PayrollPrinterTicket("CLI-1"), "application/json");
  ASSERT_TRUE(ticket);
  EXPECT_TRUE(HasReason(json::parse(ticket->body)["fields"]["priority"], "active_incident"))
      << ticket->body;
  EXPECT_EQ(server->Terminate(), 0);

  // With a configuration stored, the command line checks the service against it.
  const std::string unknown = dir_ + "/unknown.json";
  std::ofstream(unknown) << R"({"id":"INC-11","service":"nosuch","start":"2020-01-01T00:00:00Z"})";
  EXPECT_EQ(RunCliStatus("status incident acme --file " + unknown + " --db " + db_, &out), 1);
  ASSERT_EQ(RunCliStatus("status incidents acme --db " + db_, &out), 0);
  EXPECT_EQ(json::parse(out)["incidents"].size(), 1u) << out;
}

TEST_F(ServeApiTest, AutoResolutionRulesAreCheckedKeptPerTenantAndDecideEveryTicket) {
  auto server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->port());
  auto put = [&](const std::string& key, const json& config) {
    return http.Put("/v1/resolution/config", Bearer(key), config.dump(), "application/json");
  };
  const json templates = {{"done", "Hello, your request {{ticket}} is complete."}};
  // A category the model never decides is a typo; a template variable the service does not fill
  // would never render.
  auto typo =
      put(key_a_,
          {{"templates", templates},
           {"rules", {{{"name", "admin"}, {"category", "Admin rights"}, {"template", "done"}}}}});
  ASSERT_TRUE(typo);
  EXPECT_EQ(typo->status, 400);
  EXPECT_NE(typo->body.find("Admin rights"), std::string::npos) << typo->body;
  auto unknown_var =
      put(key_a_, {{"templates", {{"done", "Hi {{password}}"}}},
                   {"rules", {{{"name", "admin"}, {"category", "Access"}, {"template", "done"}}}}});
  ASSERT_TRUE(unknown_var);
  EXPECT_EQ(unknown_var->status, 400) << unknown_var->body;
  EXPECT_EQ(http.Get("/v1/resolution/config", Bearer(key_a_))->status, 404);

  const json config = {
      {"templates", templates},
      {"rules",
       {{{"name", "admin-rights"}, {"category", "Administrative rights"}, {"template", "done"}}}}};
  auto good = put(key_a_, config);
  ASSERT_TRUE(good);
  ASSERT_EQ(good->status, 204) << good->body;
  EXPECT_EQ(json::parse(http.Get("/v1/resolution/config", Bearer(key_a_))->body), config);
  EXPECT_EQ(http.Get("/v1/resolution/config", Bearer(key_b_))->status, 404);

  const std::string text = "Since this morning Outlook prompts for the password every 5 minutes.";
  auto decide = [&](const std::string& key, const std::string& id, const json& fields) {
    json ticket = {{"external_id", id},
                   {"title", "Outlook keeps asking for my password"},
                   {"description", text},
                   {"fields", fields}};
    auto r = http.Post("/v1/tickets", Bearer(key), ticket.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    return r ? json::parse(r->body)["fields"] : json();
  };
  json fields = decide(key_a_, "R-1", json::object());
  ASSERT_TRUE(fields.contains("resolution")) << fields.dump();
  EXPECT_EQ(fields["resolution"]["label"], "admin-rights");
  EXPECT_EQ(fields["resolution"]["abstained"], false);
  EXPECT_EQ(fields["resolution"]["mode"], "shadow") << "a dry run until the tenant says otherwise";
  // A VIP's ticket is held for a person whatever the rule says.
  fields = decide(key_a_, "R-2", {{"vip", "true"}});
  EXPECT_EQ(fields["resolution"]["abstained"], true);
  EXPECT_NE(fields["resolution"]["reasons"].dump().find("the requester is a VIP"),
            std::string::npos)
      << fields.dump();
  EXPECT_FALSE(decide(key_b_, "R-1", json::object()).contains("resolution"));
  EXPECT_EQ(server->Terminate(), 0);

  // Kept across a restart, and recorded by the audit trail.
  server = StartServer(db_, DemoModel());
  ASSERT_NE(server, nullptr);
  httplib::Client again("127.0.0.1", server->port());
  auto r = again.Post("/v1/tickets", Bearer(key_a_),
                      json{{"external_id", "R-3"},
                           {"title", "Outlook keeps asking for my password"},
                           {"description", text}}
                          .dump(),
                      "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body)["fields"]["resolution"]["label"], "admin-rights");
  EXPECT_EQ(server->Terminate(), 0);
  std::string audit;
  ASSERT_EQ(RunCliStatus("audit export --db " + db_, &audit), 0);
  EXPECT_NE(audit.find("resolution_config_set"), std::string::npos);
}

TEST(ApiDocsTest, DocumentedRoutesAreTheServedRoutes) {
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string doc = read(std::string(TW_SOURCE_DIR) + "/docs/api.md");
  const std::string server = read(std::string(TW_SOURCE_DIR) + "/src/server/server.cc");
  ASSERT_FALSE(doc.empty());
  ASSERT_FALSE(server.empty());
  std::set<std::string> documented, served;
  const std::regex heading(R"(\n### (GET|POST|PUT|DELETE) (/[^\s`]*))");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), heading);
       it != std::sregex_iterator(); ++it)
    documented.insert((*it)[1].str() + " " + (*it)[2].str());
  const std::regex add(R"re(Add(?:Hook)?\(\s*"(GET|POST|PUT|DELETE)",\s*"([^"]+)")re");
  for (auto it = std::sregex_iterator(server.begin(), server.end(), add);
       it != std::sregex_iterator(); ++it)
    served.insert((*it)[1].str() + " " + (*it)[2].str());
  const std::regex plain(R"re(http\.(Get|Post)\("(/[a-z0-9/]+)")re");
  for (auto it = std::sregex_iterator(server.begin(), server.end(), plain);
       it != std::sregex_iterator(); ++it) {
    std::string method = (*it)[1].str();
    for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    served.insert(method + " " + (*it)[2].str());
  }
  EXPECT_GE(served.size(), 15u);
  EXPECT_EQ(documented, served);
}

}  // namespace
}  // namespace ticketwise::e2e
