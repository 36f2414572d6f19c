#include <array>
#include <string_view>
#include <utility>

#include "connect/history.h"
#include "connect/history_internal.h"
#include "connect/json_internal.h"
#include "connect/servicenow_internal.h"

namespace ticketwise::connect {
namespace {

using internal::CsvHeader;
using internal::Json;
using internal::ReportBuilder;

// List exports name columns by field ("short_description") or by label ("Short description");
// both are read. Lower case, spaces as underscores.
std::string_view FieldForLabel(std::string_view column) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kLabels = {{
      {"caller", "caller_id"},
      {"configuration_item", "cmdb_ci"},
      {"resolution_code", "close_code"},
      {"resolution_notes", "close_notes"},
      {"opened", "opened_at"},
      {"updated", "sys_updated_on"},
      {"created", "sys_created_on"},
      {"additional_comments", "comments"},
      {"work_notes_(private)", "work_notes"},
      {"additional_comments_(customer_visible)", "comments"},
      {"channel", "contact_type"},
      {"service", "business_service"},
  }};
  for (const auto& [label, field] : kLabels)
    if (column == label) return field;
  return column;
}

CsvHeader NormalizeHeader(const std::vector<std::string>& names) {
  std::vector<std::string> fields;
  fields.reserve(names.size());
  for (std::string name : names) {
    for (char& c : name) {
      if (c == ' ') c = '_';
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    // "incident.number" from dot-walked exports.
    if (name.starts_with("incident.")) name.erase(0, 9);
    fields.emplace_back(FieldForLabel(name));
  }
  return internal::ReadHeader(fields);
}

Result<ingest::ImportReport> ImportCsv(std::istream& in, std::string_view name,
                                       const HistoryOptions& options, const TicketSink& sink) {
  ingest::CsvReader reader(in);
  Result<std::vector<std::string>> names = internal::ReadCsvHeaderRow(reader, name);
  if (!names) return Fail(names.error());
  const CsvHeader header = NormalizeHeader(*names);
  if (!header.Has("number")) {
    return Fail(Status::InvalidArgument(std::string(name) +
                                        ":1: not a ServiceNow incident export: no column "
                                        "'number' (or 'Number')"));
  }
  if (!header.Has("short_description") && !header.Has("description")) {
    return Fail(Status::InvalidArgument(
        std::string(name) +
        ":1: not a ServiceNow incident export: no column 'short_description' or 'description'"));
  }
  ReportBuilder report(name, options.max_reported_skips);
  Status status = internal::ForEachCsvRow(
      reader, header, name, *names, &report,
      [&](const std::vector<std::string>& row, std::size_t line) {
        Ticket ticket;
        internal::FillTicketFromServiceNow(
            [&](std::string_view field, bool) { return header.First(row, field); }, &ticket);
        report.Offer(ticket, line, sink);
      });
  if (!status.ok()) return Fail(status);
  return report.Finish();
}

Result<ingest::ImportReport> ImportJson(std::istream& in, std::string_view name,
                                        const HistoryOptions& options, const TicketSink& sink) {
  Result<internal::JsonExport> parsed = internal::ReadJsonExport(in, name, options.max_json_bytes);
  if (!parsed) return Fail(parsed.error());
  std::string_view key = "records";
  const Json* records = internal::Member(parsed->json, key);
  if (records == nullptr) {
    key = "result";
    records = internal::Member(parsed->json, key);
  }
  if (records == nullptr || !records->is_array()) {
    return Fail(Status::InvalidArgument(std::string(name) +
                                        ": not a ServiceNow export: no array 'records' or "
                                        "'result' at the top level"));
  }
  ReportBuilder report(name, options.max_reported_skips);
  internal::ForEachJsonRecord(*parsed, key, &report, [&](const Json& record, std::size_t line) {
    Ticket ticket;
    internal::FillTicketFromServiceNow(
        [&record](std::string_view field, bool reference) {
          return internal::GlideText(internal::Member(record, field), reference);
        },
        &ticket);
    report.Offer(ticket, line, sink);
  });
  return report.Finish();
}

}  // namespace

Result<ingest::ImportReport> ImportServiceNowHistory(std::istream& in, HistoryFormat format,
                                                     std::string_view name,
                                                     const HistoryOptions& options,
                                                     const TicketSink& sink) {
  return format == HistoryFormat::kCsv ? ImportCsv(in, name, options, sink)
                                       : ImportJson(in, name, options, sink);
}

}  // namespace ticketwise::connect
