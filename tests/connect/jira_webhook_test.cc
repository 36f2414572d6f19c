#include <string>

#include <gtest/gtest.h>

#include "connect/jira.h"
#include "connect/signature.h"
#include "fixtures.h"

namespace ticketwise::connect {
namespace {

using testing::ReadFixture;

InboundEvent Parse(const std::string& fixture, std::string_view delivery = {}) {
  auto event = ParseJiraWebhook(ReadFixture(fixture), delivery);
  EXPECT_TRUE(event.has_value()) << fixture << ": " << event.error().ToString();
  return event.value_or(InboundEvent{});
}

const FieldChange* FindChange(const InboundEvent& event, std::string_view field,
                              std::string_view to) {
  for (const FieldChange& change : event.changes)
    if (change.field == field && change.to == to) return &change;
  return nullptr;
}

TEST(JiraWebhookTest, CloudIssueCreatedFillsTheTicket) {
  const InboundEvent e = Parse("jira/cloud_issue_created.json", "a1b2-delivery");
  EXPECT_EQ(e.platform, Platform::kJira);
  EXPECT_EQ(e.kind, EventKind::kTicketCreated);
  EXPECT_EQ(e.platform_event, "jira:issue_created");
  EXPECT_EQ(e.delivery_id, "a1b2-delivery");
  EXPECT_EQ(e.platform_id, "10040");
  EXPECT_EQ(e.actor, "5c5f880629be9642ba529340");  // accountId wins over the legacy name
  EXPECT_EQ(e.ticket.external_id, "TES-41");
  EXPECT_EQ(e.ticket.title, "Unit test summary");
  EXPECT_EQ(e.ticket.description, "Unit test description, not that long");
  EXPECT_EQ(e.ticket.requester, "5c5f880629be9642ba529340");
  EXPECT_EQ(e.ticket.created_at_ms, 1550286112971);  // 2019-02-15T19:01:52.971-0800
  EXPECT_EQ(e.ticket.fields.at("category"), "COMP-1");
  EXPECT_EQ(e.ticket.fields.at("priority"), "High");
  EXPECT_EQ(e.ticket.fields.at("status"), "To Do");
  EXPECT_EQ(e.ticket.fields.at("labels"), "test-label");
  EXPECT_EQ(e.ticket.fields.at("project"), "TES");
  EXPECT_FALSE(e.ticket.fields.contains("assignee"));
  EXPECT_FALSE(e.ticket.fields.contains("resolution"));
  EXPECT_FALSE(e.comment.has_value());
  // The initial values listed by the creation changelog.
  EXPECT_NE(FindChange(e, "priority", "High"), nullptr);
  EXPECT_EQ(e.dedupe_key, "jira/10040/jira:issue_created/10222");
}

TEST(JiraWebhookTest, PriorityRaisedIsAFieldChangeWithWhoAndWhen) {
  const InboundEvent e = Parse("jira/cloud_issue_updated_priority.json");
  EXPECT_EQ(e.kind, EventKind::kTicketUpdated);
  ASSERT_EQ(e.changes.size(), 1u);
  const FieldChange& c = e.changes[0];
  EXPECT_EQ(c.field, "priority");
  EXPECT_EQ(c.platform_field, "priority");
  EXPECT_EQ(c.from, "Low");
  EXPECT_EQ(c.to, "High");
  EXPECT_EQ(c.changed_by, "5c5f880629be9642ba529340");
  EXPECT_GT(c.changed_at_ms, 0);
  EXPECT_EQ(c.changed_at_ms, e.timestamp_ms);
  EXPECT_EQ(e.ticket.fields.at("labels"), "sad,test-label");
}

TEST(JiraWebhookTest, CloudCommentCreatedIsAPublicComment) {
  const InboundEvent e = Parse("jira/cloud_comment_created.json");
  EXPECT_EQ(e.kind, EventKind::kCommentAdded);
  ASSERT_TRUE(e.comment.has_value());
  EXPECT_EQ(e.comment->body, "Added a comment");
  EXPECT_EQ(e.comment->visibility, Visibility::kPublic);  // jsdPublic: true
  EXPECT_EQ(e.comment->author, "5c5f880629be9642ba529340");
  EXPECT_EQ(e.actor, "5c5f880629be9642ba529340");  // no "user": the comment's author
  EXPECT_EQ(e.ticket.external_id, "TES-41");
  EXPECT_EQ(e.ticket.title, "Unit test summary 1");
  EXPECT_EQ(e.dedupe_key, "jira/10040/comment/10019");
}

TEST(JiraWebhookTest, DataCenterCommentOnIssueUpdatedUsesUserNames) {
  const InboundEvent e = Parse("jira/dc_issue_updated_commented.json");
  EXPECT_EQ(e.kind, EventKind::kCommentAdded);
  EXPECT_EQ(e.platform_event, "jira:issue_updated");
  EXPECT_EQ(e.actor, "levbrouk");
  EXPECT_EQ(e.ticket.external_id, "PRJX-14");
  EXPECT_EQ(e.ticket.requester, "craig");
  EXPECT_EQ(e.ticket.fields.at("assignee"), "levbrouk");
  EXPECT_EQ(e.ticket.fields.at("priority"), "Medium");
  // Wiki markup is stripped: "*Creating Quick Filters*" reads as plain words.
  EXPECT_EQ(e.ticket.description.find('*'), std::string::npos);
  EXPECT_NE(e.ticket.description.find("Creating Quick Filters"), std::string::npos);
  ASSERT_TRUE(e.comment.has_value());
  EXPECT_EQ(e.comment->body, "unik");
  EXPECT_EQ(e.comment->author, "levbrouk");
  EXPECT_FALSE(e.ticket.comments.empty());  // the full issue carries its comments
  // The same comment through comment_created would have the same key.
  EXPECT_EQ(e.dedupe_key, "jira/10013/comment/10082");
}

TEST(JiraWebhookTest, JsmIssueWithAdfDescriptionAndRequestType) {
  const InboundEvent e = Parse("jira/jsm_issue_created_adf.json");
  EXPECT_EQ(e.kind, EventKind::kTicketCreated);
  EXPECT_EQ(e.ticket.fields.at("request_type"), "Get help with VPN");
  EXPECT_EQ(e.ticket.fields.at("category"), "Network");
  EXPECT_EQ(e.ticket.fields.at("labels"), "vpn,remote");
  EXPECT_EQ(e.ticket.fields.at("issue_type"), "Service Request");
  EXPECT_EQ(e.ticket.description,
            "What happens\n\nSince 2025-12-03 the VPN disconnects.\nError 0x80070005 😞\n\n"
            "Client | Version\nGlobalProtect | 6.2.1\n\ntunnel idle for 300s");
}

TEST(JiraWebhookTest, JsmInternalCommentWithAdfBody) {
  const InboundEvent e = Parse("jira/jsm_comment_created_internal_adf.json");
  ASSERT_TRUE(e.comment.has_value());
  EXPECT_EQ(e.comment->visibility, Visibility::kInternal);  // jsdPublic: false
  EXPECT_EQ(e.comment->body,
            "Checked with @Network Team: the VPN idle timeout is 5 minutes.\n\n- raise it to "
            "30\n- tell the user");
  EXPECT_EQ(e.comment->created_at_ms, 1764752400000);  // 10:00 +0100
}

TEST(JiraWebhookTest, SdPublicCommentPropertyAndRestrictedVisibilityMeanInternal) {
  const std::string base =
      R"({"webhookEvent":"comment_created","issue":{"id":"1","key":"SD-1","fields":{"summary":"s"}},)";
  auto with_property = ParseJiraWebhook(
      base +
      R"("comment":{"id":"5","body":"note","properties":[{"key":"sd.public.comment","value":{"internal":true}}]}})");
  ASSERT_TRUE(with_property.has_value()) << with_property.error().ToString();
  EXPECT_EQ(with_property->comment->visibility, Visibility::kInternal);

  auto public_property = ParseJiraWebhook(
      base +
      R"("comment":{"id":"5","body":"note","properties":[{"key":"sd.public.comment","value":{"internal":false}}]}})");
  ASSERT_TRUE(public_property.has_value());
  EXPECT_EQ(public_property->comment->visibility, Visibility::kPublic);

  const InboundEvent dc = Parse("jira/dc_comment_created_restricted.json");
  EXPECT_EQ(dc.comment->visibility, Visibility::kInternal);
  EXPECT_EQ(dc.comment->author, "jdoe");
  EXPECT_EQ(dc.comment->body.find("h3."), std::string::npos);
  EXPECT_NE(dc.comment->body.find("Findings"), std::string::npos);
  EXPECT_NE(dc.comment->body.find("spooler"), std::string::npos);
}

TEST(JiraWebhookTest, ChangelogBecomesFeedbackOnOurFields) {
  const InboundEvent e = Parse("jira/jsm_issue_updated_triage.json");
  EXPECT_EQ(e.kind, EventKind::kTicketUpdated);
  ASSERT_EQ(e.changes.size(), 5u);  // timeestimate is not ours
  const FieldChange* removed = nullptr;
  for (const FieldChange& c : e.changes)
    if (c.field == "category" && c.to.empty()) removed = &c;
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(removed->from, "Network");
  const FieldChange* added = FindChange(e, "category", "Remote Access");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->platform_field, "components");
  EXPECT_EQ(added->changed_by, "712020:0f5e1c2a-agent");
  const FieldChange* assignee = FindChange(e, "assignee", "712020:0f5e1c2a-agent");
  ASSERT_NE(assignee, nullptr);  // users change by id, not display name
  const FieldChange* request_type = FindChange(e, "request_type", "Report a network outage");
  ASSERT_NE(request_type, nullptr);
  EXPECT_EQ(request_type->from, "Get help with VPN");
  EXPECT_EQ(request_type->platform_field, "customfield_10010");
  EXPECT_NE(FindChange(e, "labels", "remote vpn ai-triaged"), nullptr);
  EXPECT_EQ(e.ticket.fields.at("request_type"), "Report a network outage");
  EXPECT_EQ(e.ticket.fields.at("category"), "Remote Access");
  EXPECT_EQ(e.ticket.description, "The VPN disconnects every few minutes.");
}

TEST(JiraWebhookTest, ConfiguredQueueAndServiceFieldsAreRead) {
  JiraFieldMap map;
  map.queue_field = "customfield_10100";
  map.service_field = "customfield_10200";
  auto e = ParseJiraWebhook(
      R"({"webhookEvent":"jira:issue_updated","user":{"name":"jdoe"},
          "issue":{"id":"7","key":"OPS-7","fields":{"summary":"s",
            "customfield_10100":{"id":"3","name":"Network Ops"},
            "customfield_10200":[{"name":"VPN"},{"name":"Mail"}]}},
          "changelog":{"id":"9","items":[{"field":"Team","fieldtype":"custom","fieldId":"customfield_10100",
            "from":"2","fromString":"Desk","to":"3","toString":"Network Ops"}]}})",
      "", map);
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_EQ(e->ticket.fields.at("queue"), "Network Ops");
  EXPECT_EQ(e->ticket.service, "VPN");
  ASSERT_EQ(e->changes.size(), 1u);
  EXPECT_EQ(e->changes[0].field, "queue");
  EXPECT_EQ(e->changes[0].from, "Desk");
}

TEST(JiraWebhookTest, SignedFixturesVerifyAndATamperedByteDoesNot) {
  for (const char* fixture :
       {"jira/cloud_issue_created.json", "jira/cloud_issue_updated_priority.json",
        "jira/cloud_comment_created.json", "jira/dc_issue_updated_commented.json"}) {
    const std::string body = ReadFixture(fixture);
    const std::string header = "sha256=" + HmacSha256Hex("tenant-secret", body);
    EXPECT_TRUE(VerifyJiraSignature("tenant-secret", body, header).ok()) << fixture;
    std::string tampered = body;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_FALSE(VerifyJiraSignature("tenant-secret", tampered, header).ok()) << fixture;
    EXPECT_TRUE(ParseJiraWebhook(body).has_value()) << fixture;
  }
}

TEST(JiraWebhookTest, RedeliveriesAndBothCommentEventsShareTheDedupeKey) {
  const std::string body = ReadFixture("jira/dc_issue_updated_commented.json");
  auto first = ParseJiraWebhook(body, "d-1");
  auto retry = ParseJiraWebhook(body, "d-1");
  ASSERT_TRUE(first.has_value() && retry.has_value());
  EXPECT_EQ(first->dedupe_key, retry->dedupe_key);
  std::string as_comment_created = body;
  const std::string from = "\"webhookEvent\": \"jira:issue_updated\"";
  const std::size_t at = as_comment_created.find(from);
  ASSERT_NE(at, std::string::npos);
  as_comment_created.replace(at, from.size(), "\"webhookEvent\": \"comment_created\"");
  auto other = ParseJiraWebhook(as_comment_created);
  ASSERT_TRUE(other.has_value()) << other.error().ToString();
  EXPECT_EQ(other->platform_event, "comment_created");
  EXPECT_EQ(other->dedupe_key, first->dedupe_key);
}

TEST(JiraWebhookTest, UnknownAndUnhandledEventsAreUnsupported) {
  auto deleted = ParseJiraWebhook(ReadFixture("jira/issue_deleted.json"));
  ASSERT_FALSE(deleted.has_value());
  EXPECT_TRUE(IsUnsupportedEvent(deleted.error()));
  EXPECT_NE(deleted.error().message().find("jira:issue_deleted"), std::string::npos);
  for (
      const char* body :
      {R"({"webhookEvent":"worklog_created"})", R"({"webhookEvent":"comment_updated"})",
       R"({"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_comment_edited"})"}) {
    auto e = ParseJiraWebhook(body);
    ASSERT_FALSE(e.has_value()) << body;
    EXPECT_TRUE(IsUnsupportedEvent(e.error())) << e.error().ToString();
  }
}

TEST(JiraWebhookTest, MissingRequiredFieldsAreNamed) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"issue":{}})", "'webhookEvent'"},
      {R"({"webhookEvent":"jira:issue_created"})", "'issue'"},
      {R"({"webhookEvent":"jira:issue_created","issue":{"key":"A-1","fields":{}}})", "'issue.id'"},
      {R"({"webhookEvent":"jira:issue_created","issue":{"id":"1","fields":{}}})", "'issue.key'"},
      {R"({"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"A-1"}})", "'issue.fields'"},
      {R"({"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"A-1","fields":{}}})",
       "'issue.fields.summary'"},
      {R"({"webhookEvent":"comment_created","issue":{"id":"1","key":"A-1","fields":{}}})",
       "'comment'"},
      {R"({"webhookEvent":"comment_created","issue":{"id":"1","key":"A-1","fields":{}},"comment":{"body":"x"}})",
       "'comment.id'"},
      {R"({"webhookEvent":"comment_created","issue":{"id":"1","key":"A-1","fields":{}},"comment":{"id":"2"}})",
       "'comment.body'"},
  };
  for (const Case& c : cases) {
    auto e = ParseJiraWebhook(c.body);
    ASSERT_FALSE(e.has_value()) << c.body;
    EXPECT_EQ(e.error().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(e.error().message().find(c.field), std::string::npos) << e.error().message();
  }
  auto not_string = ParseJiraWebhook(R"({"webhookEvent":42})");
  EXPECT_EQ(not_string.error().code(), StatusCode::kInvalidArgument);
}

TEST(JiraWebhookTest, MalformedJsonAndInvalidUtf8AreInvalidArgument) {
  for (const std::string& body :
       {std::string("{"), std::string("[]"), std::string(""), std::string("null"),
        std::string("{\"webhookEvent\":\"jira:issue_created\",\"x\":\"\xc3\x28\"}"),
        std::string("{\"webhookEvent\":\"jira:issue_created\",\"x\":\"\\ud800\"}")}) {
    auto e = ParseJiraWebhook(body);
    ASSERT_FALSE(e.has_value()) << body;
    EXPECT_EQ(e.error().code(), StatusCode::kInvalidArgument) << e.error().ToString();
  }
}

TEST(JiraWebhookTest, BodiesOverTheLimitAreRefusedBeforeParsing) {
  std::string huge = R"({"webhookEvent":"jira:issue_created","pad":")";
  huge.append(kMaxPayloadBytes, 'x');
  huge += "\"}";
  auto e = ParseJiraWebhook(huge);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(e.error().message().find("limit"), std::string::npos);
}

TEST(JiraWebhookTest, ALargeDescriptionUnderTheLimitIsRead) {
  std::string description(1 << 20, 'a');
  for (std::size_t i = 100; i < description.size(); i += 100) description[i] = ' ';
  const std::string body =
      R"({"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"A-1","fields":{"summary":"big","description":")" +
      description + "\"}}}";
  auto e = ParseJiraWebhook(body);
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_GT(e->ticket.description.size(), 1000000u);
}

}  // namespace
}  // namespace ticketwise::connect
