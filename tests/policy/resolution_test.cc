#include "policy/resolution.h"

#include <gtest/gtest.h>

#include <string>

namespace ticketwise::policy {
namespace {

constexpr char kConfig[] = R"({
  "templates": {
    "done": "Hello, your request {{ticket}} is complete. {{steps}}",
    "howto": "The article {{source_title}} describes the steps: {{source_link}}"
  },
  "rules": [
    {"name": "password-reset", "category": "Access", "template": "done"},
    {"name": "vpn-howto", "article": "KB12", "min_relevance": 0.5, "template": "howto",
     "close_code": "Workaround provided", "jira_resolution": "Fixed"}
  ]
})";

ResolutionConfig Config() {
  auto config = ParseResolutionConfig(kConfig, "tn_a");
  EXPECT_TRUE(config.has_value()) << config.error().ToString();
  return config ? *config : ResolutionConfig{};
}

Decision DecisionWith(std::string category, float confidence, bool abstained = false) {
  Decision d;
  FieldDecision f;
  f.field = "category";
  f.label = std::move(category);
  f.confidence = confidence;
  f.abstained = abstained;
  d.fields.push_back(f);
  return d;
}

void AddPriority(Decision* d, std::string level) {
  FieldDecision p;
  p.field = "priority";
  p.label = std::move(level);
  p.confidence = 1;
  d->fields.push_back(p);
}

void AddArticle(Decision* d, std::string id, double score) {
  d->match = MatchState::kMatched;
  d->suggestions.push_back({SourceKind::kArticle, std::move(id), "Connect to the VPN",
                            "https://kb/12", "Open the client.", score});
}

TEST(ResolutionConfigTest, ParsesRulesTemplatesAndDefaults) {
  const ResolutionConfig config = Config();
  ASSERT_EQ(config.rules.size(), 2u);
  EXPECT_EQ(config.rules[0].close_code, "Solution provided");
  EXPECT_EQ(config.rules[0].jira_resolution, "Done");
  EXPECT_FALSE(config.rules[0].requires_suggestion);
  EXPECT_TRUE(config.rules[1].requires_suggestion);  // implied by the article
  EXPECT_EQ(config.rules[1].close_code, "Workaround provided");
  EXPECT_EQ(config.most_urgent, 3);
  EXPECT_TRUE(config.templates.IsApproved("tn_a", "done"));
  EXPECT_EQ(config.Rule("vpn-howto"), &config.rules[1]);
  EXPECT_EQ(config.Rule("nope"), nullptr);
}

TEST(ResolutionConfigTest, RefusesWhatCannotWorkNamingWhere) {
  struct Case {
    const char* json;
    const char* where;
  };
  const Case cases[] = {
      {"not json", "malformed"},
      {R"({"rules": []})", "rules"},
      {R"({"templates": {"t": "x"}})", "needs rules"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "template": "t"}]})",
       "rules[0]: needs a category"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "category": "A"}]})",
       "needs a template"},
      {R"({"templates": {}, "rules": [{"name": "r", "category": "A", "template": "t"}]})",
       "rules[0].template"},
      {R"({"templates": {"t": "x {{secret}}"}, "rules": [{"name": "r", "category": "A", "template": "t"}]})",
       "templates.t"},
      {R"({"templates": {"t": "x {{"}, "rules": [{"name": "r", "category": "A", "template": "t"}]})",
       "templates.t"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "category": "A", "template": "t", "colour": 1}]})",
       "unknown key 'colour'"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "category": "A", "template": "t"},
           {"name": "r", "category": "B", "template": "t"}]})",
       "rules[1].name"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r r", "category": "A", "template": "t"}]})",
       "rules[0].name"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "category": "A", "template": "t",
           "min_relevance": 2}]})",
       "min_relevance"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "article": "KB1", "template": "t",
           "requires_suggestion": false}]})",
       "requires_suggestion"},
      {R"({"templates": {"t": "x"}, "rules": [{"name": "r", "category": "A", "template": "t"}],
           "most_urgent_priority": "P5"})",
       "most_urgent_priority"},
      {R"([1, 2])", "must be an object"},
  };
  for (const Case& c : cases) {
    auto config = ParseResolutionConfig(c.json, "tn_a");
    ASSERT_FALSE(config.has_value()) << c.json;
    EXPECT_EQ(config.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.error().message().find(c.where), std::string::npos)
        << config.error().message() << " lacks " << c.where;
  }
}

TEST(ResolutionEvaluateTest, TheFirstRuleThatAppliesNamesTheResolution) {
  const ResolutionConfig config = Config();
  const FieldDecision f = Evaluate(config, DecisionWith("Access", 0.97f), {});
  EXPECT_EQ(f.field, "resolution");
  EXPECT_EQ(f.label, "password-reset");
  EXPECT_FALSE(f.abstained);
  EXPECT_FLOAT_EQ(f.confidence, 0.97f);
  ASSERT_FALSE(f.reasons.empty());
  EXPECT_NE(f.reasons[0].find("rule 'password-reset' applies"), std::string::npos);
}

TEST(ResolutionEvaluateTest, NoRuleAppliesWithoutItsCategoryOrArticle) {
  const ResolutionConfig config = Config();
  // An abstained category is not the category.
  FieldDecision f = Evaluate(config, DecisionWith("Access", 0.4f, true), {});
  EXPECT_TRUE(f.abstained);
  EXPECT_EQ(f.label, "");
  EXPECT_EQ(f.reasons[0], "no rule applies");
  // The article rule wants that article first, above its relevance floor.
  Decision d = DecisionWith("Network", 0.9f);
  AddArticle(&d, "KB99", 0.9);
  EXPECT_EQ(Evaluate(config, d, {}).label, "");
  d.suggestions.clear();
  AddArticle(&d, "KB12", 0.4);
  f = Evaluate(config, d, {});
  EXPECT_EQ(f.label, "");
  EXPECT_NE(f.reasons.back().find("0.40 < 0.50"), std::string::npos) << f.reasons.back();
  d.suggestions.clear();
  AddArticle(&d, "KB12", 0.8);
  f = Evaluate(config, d, {});
  EXPECT_EQ(f.label, "vpn-howto");
  EXPECT_FLOAT_EQ(f.confidence, 0.8f);
}

TEST(ResolutionEvaluateTest, GuardsHoldTheTicketForAPerson) {
  const ResolutionConfig config = Config();
  Decision urgent = DecisionWith("Access", 0.99f);
  AddPriority(&urgent, "P2");
  FieldDecision f = Evaluate(config, urgent, {});
  EXPECT_EQ(f.label, "password-reset");
  EXPECT_TRUE(f.abstained);
  EXPECT_NE(f.reasons.back().find("priority P2"), std::string::npos);
  Decision routine = DecisionWith("Access", 0.99f);
  AddPriority(&routine, "P3");
  EXPECT_FALSE(Evaluate(config, routine, {}).abstained);
  EXPECT_TRUE(Evaluate(config, routine, {.vip = true}).abstained);
  EXPECT_TRUE(Evaluate(config, routine, {.reopened = true}).abstained);
  f = Evaluate(config, routine, {.repeat_contacts = 2});
  EXPECT_TRUE(f.abstained);
  EXPECT_NE(f.reasons.back().find("2 open ticket(s)"), std::string::npos);
}

TEST(ResolutionEvaluateTest, FactsComeFromTheTicketsOwnFields) {
  Ticket t;
  EXPECT_FALSE(FactsOf(t).vip);
  EXPECT_FALSE(FactsOf(t).reopened);
  t.fields = {{"vip", "True"}, {"reopen_count", "0"}};
  EXPECT_TRUE(FactsOf(t).vip);
  EXPECT_FALSE(FactsOf(t).reopened);
  t.fields = {{"state", "Reopened"}};
  EXPECT_TRUE(FactsOf(t).reopened);
  t.fields = {{"reopen_count", "2"}};
  EXPECT_TRUE(FactsOf(t).reopened);
}

TEST(ResolutionReplyTest, RendersTheRulesTemplateAndChecksIt) {
  const ResolutionConfig config = Config();
  Ticket t;
  t.external_id = "SD-7";
  t.title = "Please reset my password";
  t.description = "I forgot the password for my account and cannot log in to the portal.";
  Decision d = DecisionWith("Access", 0.97f);
  safety::OutboundMessage reply = RenderReply(config, "password-reset", t, d);
  EXPECT_TRUE(reply.customer_visible);
  EXPECT_EQ(reply.text, "Hello, your request SD-7 is complete. ");
  AddArticle(&d, "KB12", 0.8);
  reply = RenderReply(config, "vpn-howto", t, d);
  EXPECT_TRUE(reply.customer_visible);
  EXPECT_EQ(reply.text, "The article Connect to the VPN describes the steps: https://kb/12");
}

TEST(ResolutionReplyTest, AReplyCarryingPersonalDataOrFromNoRuleStaysInternal) {
  const ResolutionConfig config = Config();
  Ticket t;
  t.external_id = "SD-8";
  t.title = "Reset the password";
  Decision d = DecisionWith("Access", 0.97f);
  // The best suggestion's steps quote someone's address.
  d.match = MatchState::kMatched;
  d.suggestions.push_back(
      {SourceKind::kTicket, "SD-1", "Reset", "", "Mail anna.berg@example.com.", 0.9});
  safety::OutboundMessage reply = RenderReply(config, "password-reset", t, d);
  EXPECT_FALSE(reply.customer_visible);
  ASSERT_FALSE(reply.reasons.empty());
  EXPECT_EQ(reply.reasons[0].rule, safety::PolicyRule::kPii);
  reply = RenderReply(config, "gone", t, d);
  EXPECT_FALSE(reply.customer_visible);
  EXPECT_EQ(reply.reasons[0].rule, safety::PolicyRule::kNotFromTemplate);
}

TEST(ResolutionReplyTest, TheRequestersOwnIdMayAppear) {
  auto config = ParseResolutionConfig(
      R"({"templates": {"t": "Hello {{requester}}, your request {{ticket}} is complete."},
          "rules": [{"name": "r", "category": "Access", "template": "t"}]})",
      "tn_a");
  ASSERT_TRUE(config.has_value());
  Ticket t;
  t.external_id = "SD-9";
  t.requester = "anna.berg@example.com";
  const safety::OutboundMessage reply = RenderReply(*config, "r", t, DecisionWith("Access", 0.97f));
  EXPECT_TRUE(reply.customer_visible) << (reply.reasons.empty() ? "" : reply.reasons[0].detail);
}

}  // namespace
}  // namespace ticketwise::policy
