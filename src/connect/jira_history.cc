#include <string_view>

#include "connect/history.h"
#include "connect/history_internal.h"
#include "connect/jira_internal.h"
#include "connect/timestamp.h"
#include "text/markup.h"

namespace ticketwise::connect {
namespace {

using internal::CsvHeader;
using internal::Json;
using internal::ReportBuilder;

// "15/Feb/19 7:11 PM;5c5f880629be9642ba529340;Added a comment": Jira's CSV form of a comment
// (date; author; body). A cell without that prefix is all body. CSV exports do not say whether a
// comment was internal, so none is assumed public.
Comment CsvComment(std::string_view cell) {
  Comment comment;
  comment.visibility = Visibility::kInternal;
  const std::size_t first = cell.find(';');
  if (first != std::string_view::npos) {
    if (const auto at = ParseTimestampMs(cell.substr(0, first))) {
      const std::size_t second = cell.find(';', first + 1);
      if (second != std::string_view::npos) {
        comment.created_at_ms = *at;
        comment.author = std::string(cell.substr(first + 1, second - first - 1));
        cell.remove_prefix(second + 1);
      }
    }
  }
  comment.body = text::StripMarkup(cell, text::MarkupKind::kJiraWiki);
  return comment;
}

// The first of `names` the header has, lower case.
std::string_view FirstColumn(const CsvHeader& header,
                             std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names)
    if (header.Has(name)) return name;
  return {};
}

Ticket TicketFromCsv(const CsvHeader& header, const std::vector<std::string>& row) {
  Ticket ticket;
  ticket.external_id = header.First(row, "issue key");
  ticket.title = header.First(row, "summary");
  ticket.description =
      text::StripMarkup(header.First(row, "description"), text::MarkupKind::kJiraWiki);
  ticket.requester = header.First(row, FirstColumn(header, {"reporter id", "reporter"}));
  ticket.created_at_ms = ParseTimestampMs(header.First(row, "created")).value_or(0);
  auto set = [&](const char* field, std::string value) {
    if (!value.empty()) ticket.fields[field] = std::move(value);
  };
  set("category", header.First(row, "component/s"));
  std::string labels;
  for (const std::string& label : header.All(row, "labels")) {
    if (!labels.empty()) labels += ',';
    labels += label;
  }
  set("labels", std::move(labels));
  set("priority", header.First(row, "priority"));
  set("status", header.First(row, "status"));
  set("resolution", header.First(row, "resolution"));
  set("issue_type", header.First(row, "issue type"));
  set("project", header.First(row, "project key"));
  set("assignee", header.First(row, FirstColumn(header, {"assignee id", "assignee"})));
  set("request_type",
      header.First(row, FirstColumn(header, {"custom field (request type)",
                                             "custom field (customer request type)", "request type",
                                             "customer request type"})));
  for (const std::string& cell : header.All(row, "comment")) {
    Comment comment = CsvComment(cell);
    if (!comment.body.empty()) ticket.comments.push_back(std::move(comment));
  }
  return ticket;
}

Result<ingest::ImportReport> ImportCsv(std::istream& in, std::string_view name,
                                       const HistoryOptions& options, const TicketSink& sink) {
  ingest::CsvReader reader(in);
  Result<std::vector<std::string>> names = internal::ReadCsvHeaderRow(reader, name);
  if (!names) return Fail(names.error());
  const CsvHeader header = internal::ReadHeader(*names);
  for (const std::string_view required : {"issue key", "summary"}) {
    if (!header.Has(required)) {
      return Fail(Status::InvalidArgument(std::string(name) +
                                          ":1: not a Jira CSV export: no column '" +
                                          std::string(required) + "' (case-insensitive)"));
    }
  }
  ReportBuilder report(name, options.max_reported_skips);
  Status status =
      internal::ForEachCsvRow(reader, header, name, *names, &report,
                              [&](const std::vector<std::string>& row, std::size_t line) {
                                report.Offer(TicketFromCsv(header, row), line, sink);
                              });
  if (!status.ok()) return Fail(status);
  return report.Finish();
}

Result<ingest::ImportReport> ImportJson(std::istream& in, std::string_view name,
                                        const HistoryOptions& options, const TicketSink& sink) {
  Result<internal::JsonExport> parsed = internal::ReadJsonExport(in, name, options.max_json_bytes);
  if (!parsed) return Fail(parsed.error());
  const Json* issues = internal::Member(parsed->json, "issues");
  if (issues == nullptr || !issues->is_array()) {
    return Fail(Status::InvalidArgument(
        std::string(name) + ": not a Jira search response: no array 'issues' at the top level"));
  }
  ReportBuilder report(name, options.max_reported_skips);
  internal::ForEachJsonRecord(*parsed, "issues", &report, [&](const Json& issue, std::size_t line) {
    Ticket ticket;
    internal::FillTicketFromIssue(issue, options.jira, &ticket);
    report.Offer(ticket, line, sink);
  });
  return report.Finish();
}

}  // namespace

Result<ingest::ImportReport> ImportJiraHistory(std::istream& in, HistoryFormat format,
                                               std::string_view name, const HistoryOptions& options,
                                               const TicketSink& sink) {
  return format == HistoryFormat::kCsv ? ImportCsv(in, name, options, sink)
                                       : ImportJson(in, name, options, sink);
}

}  // namespace ticketwise::connect
