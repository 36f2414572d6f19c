// Feeds arbitrary bytes to the Jira and ServiceNow history importers (the first byte picks the
// platform and the format) and checks the report's invariants. Any crash, sanitizer report or
// broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "connect/history.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool jira = (data[0] & 1) != 0;
  const auto format = (data[0] & 2) != 0 ? ticketwise::connect::HistoryFormat::kJson
                                         : ticketwise::connect::HistoryFormat::kCsv;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  ticketwise::connect::HistoryOptions options;
  options.max_reported_skips = 4;
  std::size_t accepted = 0;
  const ticketwise::connect::TicketSink sink = [&](const ticketwise::Ticket& ticket) {
    ++accepted;
    if (ticket.external_id.empty()) __builtin_trap();
    const std::string line = ticketwise::connect::TicketJsonLine(ticket);
    if (line.find('\n') != std::string::npos || !ticketwise::text::IsValidUtf8(line)) {
      __builtin_trap();
    }
  };
  auto report =
      jira ? ticketwise::connect::ImportJiraHistory(in, format, "fuzz", options, sink)
           : ticketwise::connect::ImportServiceNowHistory(in, format, "fuzz", options, sink);
  if (!report) {
    if (report.error().ok()) __builtin_trap();
    return 0;
  }
  if (report->rows_seen != report->rows_accepted + report->rows_skipped) __builtin_trap();
  if (report->rows_accepted != accepted) __builtin_trap();
  if (report->skipped.size() > options.max_reported_skips) __builtin_trap();
  return 0;
}
