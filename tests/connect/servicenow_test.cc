#include <string>

#include <gtest/gtest.h>

#include "connect/servicenow.h"
#include "connect/timestamp.h"
#include "fixtures.h"

namespace ticketwise::connect {
namespace {

using testing::ReadFixture;

InboundEvent Parse(const std::string& fixture) {
  auto event = ParseServiceNowEvent(ReadFixture(fixture));
  EXPECT_TRUE(event.has_value()) << fixture << ": " << event.error().ToString();
  return event.value_or(InboundEvent{});
}

TEST(ServiceNowEventTest, InsertedIsANewTicketWithOurFields) {
  const InboundEvent e = Parse("servicenow/event_inserted.json");
  EXPECT_EQ(e.platform, Platform::kServiceNow);
  EXPECT_EQ(e.kind, EventKind::kTicketCreated);
  EXPECT_EQ(e.platform_id, "9d385017c611228701d22104cc95c371");
  EXPECT_EQ(e.ticket.external_id, "INC0010042");
  EXPECT_EQ(e.ticket.title, "Outlook keeps asking for my password");
  // The mobile signature is stripped with the rest of the markup.
  EXPECT_EQ(e.ticket.description,
            "Since this morning Outlook prompts for the password every 5 minutes.");
  EXPECT_EQ(e.ticket.requester, "robin.requester");
  EXPECT_EQ(e.ticket.service, "Microsoft Exchange");
  EXPECT_EQ(e.ticket.created_at_ms, *ParseTimestampMs("2025-12-03T09:15:00Z"));
  EXPECT_EQ(e.timestamp_ms, *ParseTimestampMs("2025-12-03T09:15:02Z"));
  EXPECT_EQ(e.actor, "robin.requester");
  const auto& f = e.ticket.fields;
  EXPECT_EQ(f.at("category"), "software");
  EXPECT_EQ(f.at("subcategory"), "email");
  EXPECT_EQ(f.at("queue"), "Service Desk");
  EXPECT_EQ(f.at("impact"), "2");
  EXPECT_EQ(f.at("urgency"), "2");
  EXPECT_EQ(f.at("priority"), "3");
  EXPECT_EQ(f.at("status"), "1");
  EXPECT_EQ(f.at("channel"), "self-service");
  EXPECT_FALSE(f.contains("resolution"));  // empty close_code
  EXPECT_FALSE(f.contains("assignee"));
  EXPECT_TRUE(e.changes.empty());
  EXPECT_EQ(e.dedupe_key, "servicenow/9d385017c611228701d22104cc95c371/0/inserted");
}

TEST(ServiceNowEventTest, UpdatedCarriesTheChangesOnOurFields) {
  const InboundEvent e = Parse("servicenow/event_updated.json");
  EXPECT_EQ(e.kind, EventKind::kTicketUpdated);
  ASSERT_EQ(e.changes.size(), 4u);  // sys_updated_on is not ours
  EXPECT_EQ(e.changes[0].field, "category");
  EXPECT_EQ(e.changes[0].from, "software");
  EXPECT_EQ(e.changes[0].to, "network");
  EXPECT_EQ(e.changes[0].changed_by, "beth.anglin");
  EXPECT_EQ(e.changes[2].field, "queue");
  EXPECT_EQ(e.changes[2].platform_field, "assignment_group");
  EXPECT_EQ(e.changes[2].to, "Network");  // a reference reads its display value
  EXPECT_EQ(e.changes[3].field, "urgency");
  EXPECT_EQ(e.ticket.fields.at("queue"), "Network");
}

TEST(ServiceNowEventTest, CommentedTakesTheWorkNoteAsAnInternalComment) {
  const InboundEvent e = Parse("servicenow/event_commented.json");
  EXPECT_EQ(e.kind, EventKind::kCommentAdded);
  ASSERT_TRUE(e.comment.has_value());
  EXPECT_EQ(e.comment->body, "Token for the VPN profile expired; reissued.");
  EXPECT_EQ(e.comment->visibility, Visibility::kInternal);
  EXPECT_EQ(e.comment->author, "Beth Anglin");
  EXPECT_EQ(e.comment->created_at_ms, *ParseTimestampMs("2025-12-03 09:45:00"));

  auto public_comment = ParseServiceNowEvent(
      R"({"event":"commented","sys_id":"s1","number":"INC1","updated_by":"joe","comments":"I still cannot log in"})");
  ASSERT_TRUE(public_comment.has_value()) << public_comment.error().ToString();
  EXPECT_EQ(public_comment->comment->visibility, Visibility::kPublic);
  EXPECT_EQ(public_comment->comment->body, "I still cannot log in");
  EXPECT_EQ(public_comment->comment->author, "joe");
}

TEST(ServiceNowEventTest, UnknownEventsTablesAndVersionsAreUnsupported) {
  for (const char* body : {R"({"event":"deleted","sys_id":"s","number":"INC1"})",
                           R"({"event":"updated","table":"problem","sys_id":"s","number":"PRB1"})",
                           R"({"version":2,"event":"updated","sys_id":"s","number":"INC1"})"}) {
    auto e = ParseServiceNowEvent(body);
    ASSERT_FALSE(e.has_value()) << body;
    EXPECT_TRUE(IsUnsupportedEvent(e.error())) << e.error().ToString();
  }
}

TEST(ServiceNowEventTest, MissingFieldsAreNamed) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"sys_id":"s","number":"INC1"})", "'event'"},
      {R"({"event":"updated","number":"INC1"})", "'sys_id'"},
      {R"({"event":"updated","sys_id":"s"})", "'number'"},
      {R"({"event":"inserted","sys_id":"s","number":"INC1"})", "'short_description'"},
      {R"({"event":"commented","sys_id":"s","number":"INC1","work_notes":"","comments":""})",
       "'work_notes' or 'comments'"},
  };
  for (const Case& c : cases) {
    auto e = ParseServiceNowEvent(c.body);
    ASSERT_FALSE(e.has_value()) << c.body;
    EXPECT_EQ(e.error().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(e.error().message().find(c.field), std::string::npos) << e.error().message();
  }
  EXPECT_EQ(ParseServiceNowEvent(R"({"version":"1","event":"updated"})").error().code(),
            StatusCode::kInvalidArgument);
}

TEST(ServiceNowEventTest, InvalidUtf8AndHugeBodiesAreRefused) {
  auto bad = ParseServiceNowEvent("{\"event\":\"updated\",\"sys_id\":\"\xff\"}");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  std::string huge = R"({"event":"updated","description":")";
  huge.append(kMaxPayloadBytes, 'x');
  huge += "\"}";
  EXPECT_EQ(ParseServiceNowEvent(huge).error().code(), StatusCode::kResourceExhausted);
}

TEST(ServiceNowTableTest, ReadsTheDocumentedGetResponse) {
  auto page = ParseServiceNowTableList(ReadFixture("servicenow/table_get_incident_by_sys_id.json"));
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ(page->tickets.size(), 1u);
  const Ticket& t = page->tickets[0];
  EXPECT_EQ(t.external_id, "INC0000046");
  EXPECT_EQ(page->sys_ids[0], "a9e30c7dc61122760116894de7bcc7bd");
  EXPECT_EQ(t.title, "Can't access SFA software");
  EXPECT_EQ(t.fields.at("category"), "software");
  EXPECT_EQ(t.fields.at("impact"), "1");
  // display_value=false: a reference reads as its sys_id.
  EXPECT_EQ(t.fields.at("queue"), "8a4dde73c6112278017a6a4baf547aa7");
  EXPECT_EQ(t.requester, "46c6f9efa9fe198101ddf5eed9adf6e7");
  EXPECT_EQ(page->watermark, "2015-11-01 22:37:27");
  EXPECT_TRUE(page->skipped.empty());
}

TEST(ServiceNowTableTest, ReadsPostAndPatchResponses) {
  for (const char* fixture : {"servicenow/table_post_incident_response.json",
                              "servicenow/table_patch_incident_response.json"}) {
    auto page = ParseServiceNowTableList(ReadFixture(fixture));
    ASSERT_TRUE(page.has_value()) << fixture << ": " << page.error().ToString();
    ASSERT_EQ(page->tickets.size(), 1u) << fixture;
    EXPECT_TRUE(page->tickets[0].external_id.starts_with("INC")) << fixture;
  }
}

TEST(ServiceNowTableTest, DisplayValueAllListWithJournalsAndAWatermark) {
  auto page = ParseServiceNowTableList(ReadFixture("servicenow/table_list_display_all.json"));
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ(page->tickets.size(), 2u);
  ASSERT_EQ(page->skipped.size(), 1u);
  EXPECT_EQ(page->skipped[0], "result[2]: missing field 'sys_id'");
  const Ticket& t = page->tickets[0];
  EXPECT_EQ(t.fields.at("category"), "software");  // choices read their code
  EXPECT_EQ(t.fields.at("queue"), "Software");     // references their display value
  EXPECT_EQ(t.requester, "Joe Employee");
  ASSERT_EQ(t.comments.size(), 3u);  // oldest first, notes and comments interleaved
  EXPECT_EQ(t.comments[0].body, "Reproduced on two laptops.");
  EXPECT_EQ(t.comments[0].visibility, Visibility::kInternal);
  EXPECT_EQ(t.comments[1].body, "Still broken.");
  EXPECT_EQ(t.comments[1].visibility, Visibility::kPublic);
  EXPECT_EQ(t.comments[1].author, "Joe Employee");
  EXPECT_EQ(t.comments[2].body, "Asked the vendor.");
  EXPECT_EQ(page->watermark, "2015-11-03 09:00:00");
}

TEST(ServiceNowTableTest, ErrorBodiesAndOtherShapes) {
  auto limited = ParseServiceNowTableList(ReadFixture("servicenow/error_429_rate_limit.json"));
  ASSERT_FALSE(limited.has_value());
  EXPECT_EQ(limited.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(limited.error().message().find("Rate limit exceeded"), std::string::npos);
  EXPECT_EQ(ParseServiceNowTableList(R"({"result":"x"})").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseServiceNowTableList(R"({"records":[]})").error().code(),
            StatusCode::kInvalidArgument);
  auto empty = ParseServiceNowTableList(R"({"result":[]})");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->tickets.empty());
  EXPECT_EQ(empty->watermark, "");
}

TEST(ServiceNowJournalTest, SplitsEntriesOldestFirst) {
  auto entries = ParseJournal(
      "2016-12-12 16:56:57 - Beth Anglin (Work notes)\nUpdating priority\nsecond line\n\n"
      "2016-12-12 16:50:00 - Joe Employee (Additional comments)\nPlease hurry\n\n",
      Visibility::kInternal);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].body, "Please hurry");
  EXPECT_EQ(entries[0].visibility, Visibility::kPublic);
  EXPECT_EQ(entries[1].body, "Updating priority\nsecond line");
  EXPECT_EQ(entries[1].author, "Beth Anglin");
  EXPECT_EQ(entries[1].created_at_ms, *ParseTimestampMs("2016-12-12 16:56:57"));
  auto plain = ParseJournal("just text", Visibility::kPublic);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].visibility, Visibility::kPublic);
  EXPECT_TRUE(ParseJournal("  \n\n", Visibility::kPublic).empty());
}

}  // namespace
}  // namespace ticketwise::connect
