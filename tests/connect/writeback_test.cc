#include "connect/writeback.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ticketwise::connect {
namespace {

using nlohmann::json;

Decision SampleDecision() {
  Decision d;
  d.id = "d_42";
  FieldDecision f;
  f.field = "category";
  f.label = "Network";
  f.confidence = 0.934f;
  f.top = {{"Network", 0.934f}, {"Hardware", 0.05f}, {"Access", 0.01f}};
  f.mode = Mode::kSuggest;
  f.model_version = "v3";
  d.fields = {f};
  d.match = MatchState::kMatched;
  d.suggestions = {{SourceKind::kArticle, "KB-VPN", "VPN error 809 after the update",
                    "https://kb.example.com/KB-VPN", "Restart.", 0.83}};
  return d;
}

TEST(WritebackTest, TheNoteGivesTheLabelConfidenceCandidatesAndTheBestSuggestion) {
  const Decision d = SampleDecision();
  const std::string note = DecisionNote(d, d.fields[0], false);
  EXPECT_NE(note.find("ticketwise suggests the category: Network (93% confident)."),
            std::string::npos)
      << note;
  EXPECT_NE(note.find("Other candidates: Hardware 5%, Access 1%."), std::string::npos) << note;
  EXPECT_NE(note.find("VPN error 809 after the update https://kb.example.com/KB-VPN"),
            std::string::npos)
      << note;
  EXPECT_NE(note.find("Decision d_42, model v3."), std::string::npos) << note;
  EXPECT_NE(DecisionNote(d, d.fields[0], true).find("ticketwise set the category: Network"),
            std::string::npos);
  Decision unsure = d;
  unsure.fields[0].abstained = true;
  unsure.match = MatchState::kNoConfidentMatch;
  const std::string asks = DecisionNote(unsure, unsure.fields[0], false);
  EXPECT_NE(asks.find("is not confident about the category"), std::string::npos) << asks;
  EXPECT_EQ(asks.find("KB-VPN"), std::string::npos) << "no suggestion below the gate";
}

TEST(WritebackTest, JiraGetsAnInternalCommentAndComponentsOnTheEscapedKey) {
  const PlatformRequest note = NoteRequest(Platform::kJira, "SD-42", "hello", 17);
  EXPECT_EQ(note.method, "POST");
  EXPECT_EQ(note.path, "/rest/api/2/issue/SD-42/comment");
  const json body = json::parse(note.body);
  EXPECT_EQ(body["body"], "hello\n[ticketwise:17]");
  EXPECT_EQ(body["properties"][0]["key"], "sd.public.comment");
  EXPECT_EQ(body["properties"][0]["value"]["internal"], true);
  EXPECT_EQ(NoteRequest(Platform::kJira, "../x?y", "t", 1).path,
            "/rest/api/2/issue/..%2Fx%3Fy/comment");
  const PlatformRequest set = SetFieldRequest(Platform::kJira, "SD-42", "category", "Network");
  EXPECT_EQ(set.method, "PUT");
  EXPECT_EQ(set.path, "/rest/api/2/issue/SD-42");
  EXPECT_EQ(json::parse(set.body),
            json::parse(R"({"fields":{"components":[{"name":"Network"}]}})"));
  const PlatformRequest check = NoteCheckRequest(Platform::kJira, "SD-42");
  EXPECT_EQ(check.method, "GET");
  EXPECT_EQ(check.path.rfind("/rest/api/2/issue/SD-42/comment?", 0), 0u);
}

TEST(WritebackTest, ServiceNowGetsAWorkNoteAndTheCategory) {
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  const PlatformRequest note = NoteRequest(Platform::kServiceNow, sys_id, "hello", 3);
  EXPECT_EQ(note.method, "PATCH");
  EXPECT_EQ(note.path, "/api/now/table/incident/" + sys_id);
  EXPECT_EQ(json::parse(note.body), json::parse(R"({"work_notes":"hello\n[ticketwise:3]"})"));
  const PlatformRequest set = SetFieldRequest(Platform::kServiceNow, sys_id, "category", "network");
  EXPECT_EQ(json::parse(set.body), json::parse(R"({"category":"network"})"));
  EXPECT_EQ(NoteCheckRequest(Platform::kServiceNow, sys_id).path,
            "/api/now/table/incident/" + sys_id +
                "?sysparm_fields=work_notes&sysparm_display_value=true");
}

TEST(WritebackTest, OneNoteSpeaksOfEveryFieldWithTheReasonsThatWeighedMost) {
  Decision d = SampleDecision();
  FieldDecision priority;
  priority.field = "priority";
  priority.label = "P2";
  priority.confidence = 0.8f;
  priority.top = {{"P2", 0.8f}, {"P1", 0.2f}};
  priority.reasons = {"matrix -0.50: impact high", "vip -0.50: requester is a VIP",
                      "active_incident -1.00: INC-7", "fourth reason"};
  priority.model_version = "triage@1";
  FieldDecision queue;
  queue.field = "queue";
  queue.label = "Network";
  queue.confidence = 0.6f;
  queue.reasons = {"best composite score 0.61", "'Network' 0.61: team_fit 0.00"};
  queue.model_version = "triage@1+v4";
  d.fields.push_back(priority);
  d.fields.push_back(queue);
  const NoteField fields[] = {{&d.fields[0], false}, {&d.fields[1], true}, {&d.fields[2], true}};
  const std::string note = DecisionNote(d, fields);
  EXPECT_NE(note.find("ticketwise suggests the category: Network (93% confident)."),
            std::string::npos)
      << note;
  EXPECT_NE(note.find("ticketwise set the priority: P2 (80% confident).\nOther candidates: P1 20%."
                      "\nWhy: matrix -0.50: impact high\nWhy: vip -0.50: requester is a VIP\n"
                      "Why: active_incident -1.00: INC-7\n"),
            std::string::npos)
      << note;
  EXPECT_EQ(note.find("fourth reason"), std::string::npos) << note;
  EXPECT_NE(note.find("ticketwise set the queue: Network (60% confident).\nWhy: best composite "
                      "score 0.61\n"),
            std::string::npos)
      << note;
  EXPECT_EQ(note.find("team_fit"), std::string::npos) << note;
  EXPECT_NE(note.find("Decision d_42, models category v3, priority triage@1, queue triage@1+v4."),
            std::string::npos)
      << note;
  // The suggestion is said once.
  EXPECT_EQ(note.find("KB-VPN"), note.rfind("KB-VPN"));
}

TEST(WritebackTest, AJiraQueueIsWrittenOnlyToTheFieldTheSiteNames) {
  JiraFieldMap jira;
  EXPECT_FALSE(WritesField(Platform::kJira, "queue", jira));
  jira.queue_field = "customfield_10300";
  EXPECT_TRUE(WritesField(Platform::kJira, "queue", jira));
  const PlatformRequest set = SetFieldRequest(Platform::kJira, "SD-42", "queue", "Workplace", jira);
  EXPECT_EQ(set.method, "PUT");
  EXPECT_EQ(set.path, "/rest/api/2/issue/SD-42");
  EXPECT_EQ(json::parse(set.body),
            json::parse(R"({"fields":{"customfield_10300":{"value":"Workplace"}}})"));
}

TEST(WritebackTest, AJiraFieldMapIsReadWithDefaultsAndRefusedWhenWrong) {
  auto map = ParseJiraFieldMap(R"({"queue_field": "customfield_10300", "service_field": ""})");
  ASSERT_TRUE(map) << map.error().ToString();
  EXPECT_EQ(map->queue_field, "customfield_10300");
  EXPECT_EQ(map->request_type_field, JiraFieldMap{}.request_type_field);
  EXPECT_EQ(map->service_field, "");
  auto again = ParseJiraFieldMap(JiraFieldMapJson(*map));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->queue_field, map->queue_field);
  EXPECT_EQ(again->request_type_field, map->request_type_field);
  for (const char* bad : {R"({"team_field": "customfield_1"})", R"({"queue_field": 10300})",
                          R"({"queue_field": "custom field"})", R"([])", "{",
                          R"({"queue_field": "customfield_10300\u0000"})"}) {
    auto r = ParseJiraFieldMap(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.error().message().find("Jira field map"), std::string::npos) << r.error().message();
  }
}

TEST(WritebackTest, PriorityAndQueueAreSetTheWayEachPlatformTakesThem) {
  EXPECT_TRUE(WritesField(Platform::kJira, "category"));
  EXPECT_TRUE(WritesField(Platform::kJira, "priority"));
  EXPECT_FALSE(WritesField(Platform::kJira, "queue"));
  EXPECT_TRUE(WritesField(Platform::kServiceNow, "queue"));
  EXPECT_FALSE(WritesField(Platform::kServiceNow, "summary"));
  const PlatformRequest jira = SetFieldRequest(Platform::kJira, "SD-42", "priority", "P2");
  EXPECT_EQ(jira.method, "PUT");
  EXPECT_EQ(json::parse(jira.body), json::parse(R"({"fields":{"priority":{"name":"High"}}})"));
  EXPECT_EQ(json::parse(SetFieldRequest(Platform::kJira, "SD-42", "priority", "P1").body),
            json::parse(R"({"fields":{"priority":{"name":"Highest"}}})"));
  const std::string sys_id = "9d385017c611228701d22104cc95c371";
  // ServiceNow: never priority itself, the impact and urgency that give it.
  const std::pair<const char*, const char*> levels[] = {{"P1", R"({"impact":"1","urgency":"1"})"},
                                                        {"P2", R"({"impact":"1","urgency":"2"})"},
                                                        {"P3", R"({"impact":"2","urgency":"2"})"},
                                                        {"P4", R"({"impact":"2","urgency":"3"})"}};
  for (const auto& [level, body] : levels) {
    const PlatformRequest sn = SetFieldRequest(Platform::kServiceNow, sys_id, "priority", level);
    EXPECT_EQ(sn.method, "PATCH");
    EXPECT_EQ(json::parse(sn.body), json::parse(body)) << level;
    EXPECT_EQ(json::parse(sn.body).count("priority"), 0u);
  }
  const PlatformRequest group = SetFieldRequest(Platform::kServiceNow, sys_id, "queue", "Network");
  EXPECT_EQ(group.path, "/api/now/table/incident/" + sys_id + "?sysparm_input_display_value=true");
  EXPECT_EQ(json::parse(group.body), json::parse(R"({"assignment_group":"Network"})"));
}

TEST(WritebackTest, TheMarkerIsFoundOnlyForItsOwnItem) {
  const std::string answer = R"({"comments":[{"body":"note\n[ticketwise:17]"}]})";
  EXPECT_TRUE(NoteIsPresent(answer, 17));
  EXPECT_FALSE(NoteIsPresent(answer, 1));
  EXPECT_FALSE(NoteIsPresent(answer, 171));
  EXPECT_EQ(OutboxMarker(5), "[ticketwise:5]");
}

TEST(WritebackTest, TheNoteSaysWhetherTheTicketIsResolvedAndUnderWhichRule) {
  Decision d = SampleDecision();
  FieldDecision r;
  r.field = "resolution";
  r.label = "password-reset";
  r.confidence = 0.97f;
  r.mode = Mode::kAuto;
  r.reasons = {"rule 'password-reset' applies at 0.97"};
  d.fields.push_back(r);
  std::vector<NoteField> fields = {{&d.fields[0], false}, {&d.fields[1], true}};
  std::string note = DecisionNote(d, fields);
  EXPECT_NE(note.find("resolved the ticket under rule 'password-reset' (97% confident)"),
            std::string::npos)
      << note;
  fields[1].will_set = false;
  note = DecisionNote(d, fields);
  EXPECT_NE(note.find("suggests resolving the ticket under rule 'password-reset'"),
            std::string::npos)
      << note;
  d.fields[1].abstained = true;
  d.fields[1].reasons.push_back("held for a person: the requester is a VIP");
  note = DecisionNote(d, fields);
  EXPECT_NE(note.find("did not resolve the ticket under rule 'password-reset'"), std::string::npos);
  EXPECT_NE(note.find("Why: held for a person: the requester is a VIP"), std::string::npos);
}

TEST(WritebackTest, ResolvingReadsTheStatusOfEitherPlatform) {
  EXPECT_EQ(ResolvedCheckRequest(Platform::kJira, "SD-4").path,
            "/rest/api/2/issue/SD-4?fields=status");
  EXPECT_EQ(ResolvedCheckRequest(Platform::kServiceNow, "abc").path,
            "/api/now/table/incident/abc?sysparm_fields=state");
  auto done =
      IsResolved(Platform::kJira,
                 R"({"fields":{"status":{"name":"Resolved","statusCategory":{"key":"done"}}}})");
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(*done);
  auto open = IsResolved(Platform::kJira,
                         R"({"fields":{"status":{"name":"Open","statusCategory":{"key":"new"}}}})");
  ASSERT_TRUE(open.has_value());
  EXPECT_FALSE(*open);
  EXPECT_FALSE(IsResolved(Platform::kJira, R"({"fields":{}})").has_value());
  EXPECT_TRUE(*IsResolved(Platform::kServiceNow, R"({"result":{"state":"7"}})"));
  EXPECT_TRUE(*IsResolved(Platform::kServiceNow, R"({"result":{"state":{"value":"6"}}})"));
  EXPECT_FALSE(*IsResolved(Platform::kServiceNow, R"({"result":{"state":"2"}})"));
  EXPECT_FALSE(IsResolved(Platform::kServiceNow, "<html>").has_value());
}

TEST(WritebackTest, ServiceNowIsResolvedWithStateCloseCodeAndNotes) {
  const PlatformRequest r = ResolveRequest("abc", "Solution provided", "Your request is complete.");
  EXPECT_EQ(r.method, "PATCH");
  EXPECT_EQ(r.path, "/api/now/table/incident/abc");
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"state":"6","close_code":"Solution provided",
                                                "close_notes":"Your request is complete."})"));
}

TEST(WritebackTest, JiraIsResolvedThroughTheFirstTransitionToADoneStatus) {
  EXPECT_EQ(TransitionsRequest("SD-4").path,
            "/rest/api/2/issue/SD-4/transitions?expand=transitions.fields");
  const char* list = R"({"transitions":[
      {"id":"11","name":"Start","to":{"statusCategory":{"key":"indeterminate"}}},
      {"id":"31","name":"Resolve","to":{"statusCategory":{"key":"done"}},
       "fields":{"resolution":{"required":true}}},
      {"id":"41","name":"Close","to":{"statusCategory":{"key":"done"}}}]})";
  auto t = DoneTransition(list);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->id, "31");
  EXPECT_TRUE(t->wants_resolution);
  PlatformRequest r = TransitionRequest("SD-4", *t, "Done", "Your request is complete.");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/rest/api/2/issue/SD-4/transitions");
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"transition":{"id":"31"},"fields":{"resolution":{"name":"Done"}},
                            "update":{"comment":[{"add":{"body":"Your request is complete."}}]}})"));
  // A transition without a resolution screen gets none.
  r = TransitionRequest("SD-4", {"41", false}, "Done", "x");
  EXPECT_FALSE(json::parse(r.body).contains("fields"));
  auto none =
      DoneTransition(R"({"transitions":[{"id":"11","to":{"statusCategory":{"key":"new"}}}]})");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(DoneTransition(R"({"errorMessages":["no"]})").error().code(),
            StatusCode::kInvalidArgument);
}

TEST(WritebackTest, AReopenedTicketIsToldApartFromAResolvedOne) {
  auto change = [](const char* field, const char* from, const char* to) {
    return FieldChange{field, field, from, to, "", 0};
  };
  EXPECT_TRUE(IsReopening(Platform::kJira, change("resolution", "Done", "")));
  EXPECT_FALSE(IsReopening(Platform::kJira, change("resolution", "", "Done")));
  EXPECT_FALSE(IsReopening(Platform::kJira, change("priority", "High", "")));
  EXPECT_TRUE(IsReopening(Platform::kServiceNow, change("status", "6", "2")));
  EXPECT_TRUE(IsReopening(Platform::kServiceNow, change("status", "Resolved", "In Progress")));
  EXPECT_FALSE(IsReopening(Platform::kServiceNow, change("status", "2", "6")));
  EXPECT_FALSE(IsReopening(Platform::kServiceNow, change("status", "6", "7")));
  EXPECT_FALSE(IsReopening(Platform::kServiceNow, change("resolution", "Solution provided", "")));
}

TEST(WritebackTest, AWithdrawnResolutionGoesBackToAnOpenStatus) {
  const char* resolved = R"({"transitions":[
      {"id":"51","name":"Close","to":{"statusCategory":{"key":"done"}}},
      {"id":"41","name":"Reopen","to":{"statusCategory":{"key":"new"}}}]})";
  auto back = ReopenTransition(resolved);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, "41");
  const PlatformRequest jira = ReopenRequest(Platform::kJira, "SD-4", *back, "agents' reason");
  EXPECT_EQ(jira.method, "POST");
  EXPECT_EQ(jira.path, "/rest/api/2/issue/SD-4/transitions");
  EXPECT_EQ(json::parse(jira.body), json::parse(R"({"transition":{"id":"41"}})"))
      << "no comment: it could reach the requester";
  const PlatformRequest sn = ReopenRequest(Platform::kServiceNow, "abc", {}, "reopened: wrong");
  EXPECT_EQ(sn.method, "PATCH");
  EXPECT_EQ(json::parse(sn.body), json::parse(R"({"state":"2","work_notes":"reopened: wrong"})"));
  auto stuck =
      ReopenTransition(R"({"transitions":[{"id":"51","to":{"statusCategory":{"key":"done"}}}]})");
  ASSERT_FALSE(stuck.has_value());
  EXPECT_EQ(stuck.error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ticketwise::connect
