#include "server/api_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ticketwise::server {
namespace {

TEST(ApiJsonTest, DecisionJsonIsValidJsonWithEveryValueEscapedAndExact) {
  Decision d;
  d.id = "d_1";
  d.ticket_id = "t_\"2\"";
  d.input_hash = "abc";
  d.created_at_ms = 1764770000123;
  d.engine_micros = 42;
  FieldDecision f;
  f.field = "category";
  f.label = "Back\\slash \"quoted\"\nline\ttab\x01 caf\xc3\xa9";
  f.confidence = 0.7452887f;
  f.abstained = true;
  f.mode = Mode::kSuggest;
  f.model_version = "v3";
  f.top = {{f.label, 0.7452887f}, {"Other", 1e-7f}};
  d.fields.push_back(f);
  const nlohmann::json j = nlohmann::json::parse(DecisionJson(d));
  EXPECT_EQ(j["decision_id"], "d_1");
  EXPECT_EQ(j["ticket_id"], "t_\"2\"");
  EXPECT_EQ(j["created_at_ms"], 1764770000123);
  EXPECT_EQ(j["engine_micros"], 42);
  const auto& c = j["fields"]["category"];
  EXPECT_EQ(c["label"], f.label);
  EXPECT_EQ(c["confidence"].get<double>(), static_cast<double>(f.confidence));
  EXPECT_EQ(c["abstained"], true);
  EXPECT_EQ(c["mode"], "suggest");
  EXPECT_EQ(c["model_version"], "v3");
  ASSERT_EQ(c["top"].size(), 2u);
  EXPECT_EQ(c["top"][1]["label"], "Other");
  EXPECT_EQ(c["top"][1]["p"].get<double>(), static_cast<double>(1e-7f));
}

TEST(ApiJsonTest, DecisionJsonReplacesInvalidUtf8InsteadOfFailing) {
  Decision d;
  FieldDecision f;
  f.field = "category";
  f.label = "bad \xff byte";
  d.fields.push_back(f);
  const nlohmann::json j = nlohmann::json::parse(DecisionJson(d));
  EXPECT_EQ(j["fields"]["category"]["label"], "bad \xef\xbf\xbd byte");
}

TEST(ApiJsonTest, DecisionJsonCarriesSuggestionsDuplicatesAndSummary) {
  Decision d;
  d.match = MatchState::kMatched;
  d.match_threshold = 0.75;
  d.duplicate_threshold = 0.55;
  d.suggestions = {
      {SourceKind::kTicket, "INC-1", "VPN \"809\"", "", "Set the key\nrestart \xff", 0.8}};
  d.duplicates = {{"INC-2", "VPN again", 0.6}};
  d.summary = "Problem: VPN.";
  const nlohmann::json j = nlohmann::json::parse(DecisionJson(d));
  EXPECT_EQ(j["suggestions"]["state"], "matched");
  EXPECT_EQ(j["suggestions"]["threshold"], 0.75);
  ASSERT_EQ(j["suggestions"]["items"].size(), 1u);
  const auto& s = j["suggestions"]["items"][0];
  EXPECT_EQ(s["kind"], "ticket");
  EXPECT_EQ(s["id"], "INC-1");
  EXPECT_EQ(s["title"], "VPN \"809\"");
  EXPECT_EQ(s["link"], "");
  EXPECT_EQ(s["steps"], "Set the key\nrestart \xef\xbf\xbd");
  EXPECT_EQ(s["score"], 0.8);
  EXPECT_EQ(j["duplicates"]["threshold"], 0.55);
  EXPECT_EQ(j["duplicates"]["items"][0]["external_id"], "INC-2");
  EXPECT_EQ(j["duplicates"]["items"][0]["score"], 0.6);
  EXPECT_EQ(j["summary"], "Problem: VPN.");

  const nlohmann::json none = nlohmann::json::parse(DecisionJson(Decision{}));
  EXPECT_EQ(none["suggestions"]["state"], "not_searched");
  EXPECT_TRUE(none["suggestions"]["items"].empty());
  EXPECT_TRUE(none["duplicates"]["items"].empty());
}

TEST(ApiJsonTest, ConnectionRequestsTakeBasicOrBearerAndListingsHideTheSecret) {
  auto basic = ParseConnectionRequest(
      R"({"base_url":"https://acme.atlassian.net","user":"bot@acme.example","token":"t1"})",
      "jira");
  ASSERT_TRUE(basic) << basic.error().ToString();
  EXPECT_EQ(basic->platform, "jira");
  EXPECT_EQ(basic->auth, store::AuthKind::kBasic);
  EXPECT_EQ(basic->user, "bot@acme.example");
  EXPECT_EQ(basic->secret, "t1");
  auto password = ParseConnectionRequest(
      R"({"base_url":"https://acme.service-now.com","user":"int","password":"pw"})", "servicenow");
  ASSERT_TRUE(password);
  EXPECT_EQ(password->secret, "pw");
  auto bearer =
      ParseConnectionRequest(R"({"base_url":"https://j.example","bearer":"pat"})", "jira");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->auth, store::AuthKind::kBearer);
  EXPECT_EQ(bearer->secret, "pat");
  for (const char* bad : {R"({"user":"u","token":"t"})", R"({"base_url":"https://x","token":"t"})",
                          R"({"base_url":"https://x","user":"u","token":"t","bearer":"b"})",
                          R"({"base_url":"https://x","user":"u","bearer":"b"})",
                          R"({"base_url":"https://x","bearer":"b","tokn":"t"})",
                          R"({"base_url":1,"bearer":"b"})", "[]", "{"}) {
    auto parsed = ParseConnectionRequest(bad, "jira");
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
  store::Connection listed = *basic;
  listed.secret = "t1";
  const std::string out = ConnectionsJson({listed, *bearer});
  EXPECT_EQ(out.find("t1"), std::string::npos) << out;
  EXPECT_EQ(out.find("pat"), std::string::npos) << out;
  const auto json = nlohmann::json::parse(out);
  EXPECT_EQ(json["connections"][0]["user"], "bot@acme.example");
  EXPECT_FALSE(json["connections"][1].contains("user"));
}

TEST(ApiJsonTest, ConnectionRequestsTakeOAuthClientCredentialsWithTheirTokenUrl) {
  auto sn = ParseConnectionRequest(
      R"({"base_url":"https://acme.service-now.com/","client_id":"c1","client_secret":"s1"})",
      "servicenow");
  ASSERT_TRUE(sn) << sn.error().ToString();
  EXPECT_EQ(sn->auth, store::AuthKind::kOAuth);
  EXPECT_EQ(sn->user, "c1");
  EXPECT_EQ(sn->secret, "s1");
  EXPECT_EQ(sn->token_url, "https://acme.service-now.com/oauth_token.do");
  auto jira = ParseConnectionRequest(
      R"({"base_url":"https://api.atlassian.com/ex/jira/abc","client_id":"c2",)"
      R"("client_secret":"s2"})",
      "jira");
  ASSERT_TRUE(jira);
  EXPECT_EQ(jira->token_url, "https://auth.atlassian.com/oauth/token");
  auto own = ParseConnectionRequest(
      R"({"base_url":"https://x","client_id":"c","client_secret":"s","token_url":"https://t/tok"})",
      "servicenow");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->token_url, "https://t/tok");
  for (const char* bad :
       {R"({"base_url":"https://x","client_secret":"s"})",
        R"({"base_url":"https://x","client_id":"c"})",
        R"({"base_url":"https://x","client_id":"c","client_secret":"s","bearer":"b"})",
        R"({"base_url":"https://x","user":"u","client_id":"c","client_secret":"s"})",
        R"({"base_url":"https://x","bearer":"b","token_url":"https://t"})"}) {
    auto parsed = ParseConnectionRequest(bad, "servicenow");
    EXPECT_FALSE(parsed) << bad;
  }
  const auto listed = nlohmann::json::parse(ConnectionsJson({*sn}));
  EXPECT_EQ(listed["connections"][0]["auth"], "oauth");
  EXPECT_EQ(listed["connections"][0]["client_id"], "c1");
  EXPECT_EQ(listed.dump().find("s1"), std::string::npos);
}

TEST(ApiJsonTest, DecisionJsonCarriesEachFieldsReasons) {
  Decision d;
  FieldDecision category;
  category.field = "category";
  FieldDecision queue;
  queue.field = "queue";
  queue.label = "Network";
  queue.reasons = {"best composite score 0.40", "'Network' 0.40: category \"0.90\"\nnext"};
  d.fields = {category, queue};
  const std::string text = DecisionJson(d);
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_TRUE(j["fields"]["category"]["reasons"].is_array());
  EXPECT_TRUE(j["fields"]["category"]["reasons"].empty());
  EXPECT_EQ(j["fields"]["queue"]["reasons"].get<std::vector<std::string>>(), queue.reasons);
  // The hand-written text is what a JSON document would dump.
  EXPECT_EQ(text, j.dump());
}

TEST(ApiJsonTest, IncidentRequestsTakeOneOrManyAndNeedAnId) {
  auto one = ParseIncidentsRequest(R"({"id":"INC-1","service":"vpn","start":"2026-12-03T08:00Z"})");
  ASSERT_TRUE(one) << one.error().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].id, "INC-1");
  EXPECT_EQ(nlohmann::json::parse((*one)[0].json)["service"], "vpn");
  auto many = ParseIncidentsRequest(R"([{"id":"A","text":"mail"},{"id":"B","text":"vpn"}])");
  ASSERT_TRUE(many);
  ASSERT_EQ(many->size(), 2u);
  EXPECT_EQ((*many)[1].id, "B");
  const std::string listed = IncidentsJson(*many);
  EXPECT_EQ(nlohmann::json::parse(listed)["incidents"][0]["text"], "mail");
  for (const char* bad : {"[]", "3", "[1]", R"({"service":"vpn"})", R"([{"id":""}])",
                          R"([{"id":7}])", "{", "\"\xff\""}) {
    auto out = ParseIncidentsRequest(bad);
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseIncidentsRequest(R"([{"id":"A"},{"text":"x"}])")
                .error()
                .message()
                .find("incidents[1].id"),
            std::string::npos);
}

}  // namespace
}  // namespace ticketwise::server
