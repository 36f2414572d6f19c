// Feeds arbitrary bytes to the JSONL import and checks the report's invariants. Any crash,
// sanitizer report or broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "ingest/import.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ticketwise::ingest::ImportOptions options;
  options.text_columns = {"text"};
  options.label_column = "label";
  options.strip_markup = size > 0 && (data[0] & 1) != 0;
  options.max_reported_skips = 4;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto result = ticketwise::ingest::ImportStream(in, ticketwise::ingest::FileFormat::kJsonl,
                                                 "fuzz.jsonl", options);
  if (!result) {
    if (result.error().ok()) __builtin_trap();
    return 0;
  }
  const auto& report = result->report;
  if (report.rows_seen != report.rows_accepted + report.rows_skipped) __builtin_trap();
  if (report.rows_accepted != result->rows.size()) __builtin_trap();
  if (report.skipped.size() > options.max_reported_skips) __builtin_trap();
  for (const auto& row : result->rows) {
    if (row.text.empty() || row.label.empty()) __builtin_trap();
    if (!ticketwise::text::IsValidUtf8(row.text) || !ticketwise::text::IsValidUtf8(row.label)) {
      __builtin_trap();
    }
  }
  (void)report.Summary();
  return 0;
}
