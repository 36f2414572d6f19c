// Helpers shared by the Jira and ServiceNow history importers. Internal.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "connect/history.h"
#include "connect/json_internal.h"
#include "ingest/csv_reader.h"

namespace ticketwise::connect::internal {

// A JSON export read whole: its text (for line numbers) and the parsed object.
struct JsonExport {
  std::string text;
  Json json;
};

// Reads and parses all of `in`, refusing more than `max_bytes`; errors name the file.
Result<JsonExport> ReadJsonExport(std::istream& in, std::string_view name, std::size_t max_bytes);

// Reads the header record of a CSV export; an empty file or a CSV error is an error naming the
// file.
Result<std::vector<std::string>> ReadCsvHeaderRow(ingest::CsvReader& reader, std::string_view name);

// The 1-based line on which each element of the array under the top-level member `key` begins,
// for a text that is known to be valid JSON. Used to report JSON records by line.
std::vector<std::size_t> ArrayElementLines(std::string_view json, std::string_view key);

class ReportBuilder;

// Calls `record` with each object element of the array `key` of `exported` and the line it starts
// on; other elements are reported as skipped. Does nothing when that member is not an array.
void ForEachJsonRecord(const JsonExport& exported, std::string_view key, ReportBuilder* report,
                       const std::function<void(const Json&, std::size_t)>& record);

// Collects skipped tickets and accepted ones into a report, and drops repeated keys.
class ReportBuilder {
 public:
  ReportBuilder(std::string_view name, std::size_t max_reported) : max_reported_(max_reported) {
    report_.file = std::string(name);
  }
  void Skip(std::size_t line, std::string reason);
  // Accepts `ticket` unless it has no key, no text or a key seen before (then skips it).
  void Offer(const Ticket& ticket, std::size_t line, const TicketSink& sink);
  ingest::ImportReport Finish() { return std::move(report_); }

 private:
  ingest::ImportReport report_;
  std::size_t max_reported_;
  std::map<std::string, std::size_t, std::less<>> first_line_;
};

// A CSV header: the indices of each column, by lower-cased name (a name may repeat).
struct CsvHeader {
  std::map<std::string, std::vector<std::size_t>, std::less<>> columns;
  std::size_t width = 0;
  // The first non-empty value of column `name` in `fields`; empty when none.
  std::string First(const std::vector<std::string>& fields, std::string_view name) const;
  // Every non-empty value of column `name`, in column order.
  std::vector<std::string> All(const std::vector<std::string>& fields, std::string_view name) const;
  bool Has(std::string_view name) const { return columns.contains(name); }
};

CsvHeader ReadHeader(const std::vector<std::string>& fields);

// Reads the CSV records after the header, calling `row` with each well-formed one; malformed
// records (wrong field count, invalid UTF-8, a CSV error the reader can skip) are reported to
// `report`. Fatal CSV errors are returned naming the file.
Status ForEachCsvRow(ingest::CsvReader& reader, const CsvHeader& header, std::string_view name,
                     const std::vector<std::string>& original_names, ReportBuilder* report,
                     const std::function<void(const std::vector<std::string>&, std::size_t)>& row);

}  // namespace ticketwise::connect::internal
