#include "connect/history.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixtures.h"

namespace ticketwise::connect {
namespace {

using testing::ReadFixture;

struct Imported {
  std::vector<Ticket> tickets;
  ingest::ImportReport report;
};

Result<Imported> Import(bool jira, const std::string& fixture, HistoryFormat format) {
  std::istringstream in(ReadFixture(fixture));
  Imported out;
  const TicketSink sink = [&out](const Ticket& t) { out.tickets.push_back(t); };
  auto report = jira ? ImportJiraHistory(in, format, fixture, {}, sink)
                     : ImportServiceNowHistory(in, format, fixture, {}, sink);
  if (!report) return Fail(report.error());
  out.report = *report;
  EXPECT_EQ(report->rows_seen, report->rows_accepted + report->rows_skipped);
  EXPECT_EQ(report->rows_accepted, out.tickets.size());
  return out;
}

TEST(HistoryFormatTest, ChosenByExtension) {
  EXPECT_EQ(HistoryFormatFromPath("export.CSV"), HistoryFormat::kCsv);
  EXPECT_EQ(HistoryFormatFromPath("a/b.json"), HistoryFormat::kJson);
  EXPECT_EQ(HistoryFormatFromPath("x.xml").error().code(), StatusCode::kInvalidArgument);
}

TEST(JiraHistoryTest, CsvExportReadsRepeatedColumnsAndReportsSkips) {
  auto r = Import(true, "import/jira_export.csv", HistoryFormat::kCsv);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->tickets.size(), 2u);
  const Ticket& t = r->tickets[0];
  EXPECT_EQ(t.external_id, "SD-42");
  EXPECT_EQ(t.title, "VPN drops every few minutes");
  EXPECT_NE(t.description.find("tunnel idle for 300s"), std::string::npos);
  EXPECT_EQ(t.description.find("{code}"), std::string::npos);
  EXPECT_EQ(t.description.find('*'), std::string::npos);
  EXPECT_EQ(t.fields.at("category"), "Network");  // the first of two Component/s columns
  EXPECT_EQ(t.fields.at("labels"), "vpn,remote");
  EXPECT_EQ(t.fields.at("priority"), "High");
  EXPECT_EQ(t.fields.at("assignee"), "712020:agent");  // "Assignee Id" preferred
  EXPECT_EQ(t.fields.at("request_type"), "Get help with VPN");
  EXPECT_EQ(t.fields.at("resolution"), "Done");
  EXPECT_EQ(t.requester, "557058:robin");
  EXPECT_GT(t.created_at_ms, 0);
  ASSERT_EQ(t.comments.size(), 2u);
  EXPECT_EQ(t.comments[0].body, "Raised the idle timeout to 30 minutes.");
  EXPECT_EQ(t.comments[0].author, "712020:agent");
  EXPECT_GT(t.comments[0].created_at_ms, 0);
  EXPECT_EQ(t.comments[1].body, "Works now, thanks!");

  ASSERT_EQ(r->report.rows_skipped, 3u);
  const auto& skipped = r->report.skipped;
  EXPECT_EQ(skipped[0].line, 5u);  // the description of SD-42 spans two lines
  EXPECT_NE(skipped[0].reason.find("SD-44 has no title and no description"), std::string::npos);
  EXPECT_EQ(skipped[1].line, 6u);
  EXPECT_NE(skipped[1].reason.find("3 fields, the header has 21"), std::string::npos);
  EXPECT_EQ(skipped[2].line, 7u);
  EXPECT_NE(skipped[2].reason.find("repeats the one at line 4"), std::string::npos);
  EXPECT_NE(r->report.Summary().find("import/jira_export.csv:6: skipped:"), std::string::npos);
}

TEST(JiraHistoryTest, CsvRowWithInvalidUtf8IsSkippedWithItsColumn) {
  auto r = Import(true, "import/jira_invalid_utf8.csv", HistoryFormat::kCsv);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->tickets.size(), 1u);
  EXPECT_EQ(r->tickets[0].external_id, "SD-51");
  ASSERT_EQ(r->report.skipped.size(), 1u);
  EXPECT_EQ(r->report.skipped[0].line, 2u);
  EXPECT_NE(r->report.skipped[0].reason.find("invalid UTF-8 in column 'Summary'"),
            std::string::npos);
}

TEST(JiraHistoryTest, CsvWithoutTheJiraColumnsIsRefused) {
  std::istringstream in("id,text\n1,hello\n");
  auto r = ImportJiraHistory(in, HistoryFormat::kCsv, "t.csv", {}, [](const Ticket&) {});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("no column 'issue key'"), std::string::npos);
  std::istringstream unterminated("Summary,Issue key\n\"open,SD-1\n");
  auto u = ImportJiraHistory(unterminated, HistoryFormat::kCsv, "u.csv", {}, [](const Ticket&) {});
  ASSERT_FALSE(u.has_value());
  EXPECT_NE(u.error().message().find("u.csv"), std::string::npos);
}

TEST(JiraHistoryTest, SearchJsonReadsIssuesWithAdfAndComments) {
  auto r = Import(true, "import/jira_search.json", HistoryFormat::kJson);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->tickets.size(), 2u);
  const Ticket& t = r->tickets[0];
  EXPECT_EQ(t.external_id, "SD-42");
  EXPECT_EQ(t.description, "The VPN disconnects.");
  EXPECT_EQ(t.fields.at("request_type"), "Get help with VPN");
  ASSERT_EQ(t.comments.size(), 1u);
  EXPECT_EQ(t.comments[0].visibility, Visibility::kInternal);
  EXPECT_EQ(r->tickets[1].external_id, "OPS-7");
  EXPECT_EQ(r->tickets[1].requester, "jdoe");
  ASSERT_EQ(r->report.skipped.size(), 1u);
  EXPECT_EQ(r->report.skipped[0].line, 25u);  // where the issue without a key starts
  EXPECT_NE(r->report.skipped[0].reason.find("no ticket key"), std::string::npos);
}

TEST(JiraHistoryTest, JsonThatIsNotASearchResponseIsRefused) {
  std::istringstream in(R"({"records":[]})");
  auto r = ImportJiraHistory(in, HistoryFormat::kJson, "x.json", {}, [](const Ticket&) {});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("'issues'"), std::string::npos);
  std::istringstream broken(R"({"issues":[)");
  EXPECT_EQ(ImportJiraHistory(broken, HistoryFormat::kJson, "b.json", {}, [](const Ticket&) {})
                .error()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(ServiceNowHistoryTest, JsonRecordsExport) {
  auto r = Import(false, "import/servicenow_incidents.json", HistoryFormat::kJson);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->tickets.size(), 2u);
  const Ticket& t = r->tickets[0];
  EXPECT_EQ(t.external_id, "INC0010042");
  EXPECT_EQ(t.fields.at("resolution"), "Solution provided");
  EXPECT_EQ(t.fields.at("close_notes"), "Reset the cached credentials.");
  EXPECT_EQ(t.fields.at("queue"), "Service Desk");
  EXPECT_EQ(t.fields.at("status"), "6");
  EXPECT_EQ(t.requester, "robin.requester");
  ASSERT_EQ(r->report.skipped.size(), 2u);
  EXPECT_EQ(r->report.skipped[0].line, 22u);
  EXPECT_NE(r->report.skipped[0].reason.find("INC0010043 has no title"), std::string::npos);
  EXPECT_EQ(r->report.skipped[1].line, 28u);
  EXPECT_NE(r->report.skipped[1].reason.find("records[2] is not an object"), std::string::npos);
}

TEST(ServiceNowHistoryTest, TableApiResultIsAlsoAnExport) {
  auto r = Import(false, "servicenow/table_list_display_all.json", HistoryFormat::kJson);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->tickets.size(), 3u);  // the export needs a number, not a sys_id
}

TEST(ServiceNowHistoryTest, CsvWithLabelsAsColumnNamesAndJournals) {
  auto r = Import(false, "import/servicenow_incidents.csv", HistoryFormat::kCsv);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->tickets.size(), 2u);
  const Ticket& t = r->tickets[0];
  EXPECT_EQ(t.external_id, "INC0010042");
  EXPECT_EQ(t.fields.at("category"), "Software");
  EXPECT_EQ(t.fields.at("priority"), "3 - Moderate");
  EXPECT_EQ(t.fields.at("queue"), "Service Desk");
  EXPECT_EQ(t.fields.at("resolution"), "Solution provided");
  EXPECT_EQ(t.requester, "Robin Requester");
  EXPECT_EQ(t.service, "Microsoft Exchange");
  ASSERT_EQ(t.comments.size(), 3u);
  EXPECT_EQ(t.comments[0].body, "Asked for a screenshot.");
  EXPECT_EQ(t.comments[1].body, "Screenshot attached.");
  EXPECT_EQ(t.comments[1].visibility, Visibility::kPublic);
  EXPECT_EQ(t.comments[2].body, "Cleared the credential cache.");
  ASSERT_EQ(r->report.skipped.size(), 1u);
  EXPECT_EQ(r->report.skipped[0].line, 10u);
  EXPECT_NE(r->report.skipped[0].reason.find("no ticket key"), std::string::npos);
}

TEST(ServiceNowHistoryTest, CsvWithoutANumberColumnIsRefused) {
  std::istringstream in("Summary,Issue key\nx,SD-1\n");
  auto r = ImportServiceNowHistory(in, HistoryFormat::kCsv, "t.csv", {}, [](const Ticket&) {});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("'number'"), std::string::npos);
}

TEST(TicketJsonLineTest, WritesTextColumnsAlwaysAndFieldsWhenKnown) {
  Ticket t;
  t.external_id = "SD-1";
  t.title = "VPN \"down\"";
  t.comments.push_back({"a", "first", Visibility::kInternal, 0});
  t.comments.push_back({"b", "second", Visibility::kPublic, 0});
  t.created_at_ms = 1550286112971;
  t.fields["category"] = "Network";
  const std::string line = TicketJsonLine(t);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.at("id"), "SD-1");
  EXPECT_EQ(json.at("title"), "VPN \"down\"");
  EXPECT_EQ(json.at("description"), "");
  EXPECT_EQ(json.at("comments"), "first\n\nsecond");
  EXPECT_EQ(json.at("created_at"), "2019-02-16T03:01:52Z");
  EXPECT_EQ(json.at("category"), "Network");
  EXPECT_FALSE(json.contains("requester"));
  EXPECT_TRUE(line.starts_with(R"({"id":"SD-1","title":)"));
}

}  // namespace
}  // namespace ticketwise::connect
