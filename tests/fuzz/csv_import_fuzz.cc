// Feeds arbitrary bytes to the CSV import, both as a whole file and after a known "text,label"
// header (so the row rules are reached even when the fuzzer has not found a matching header), and
// checks the report's invariants. Any crash, sanitizer report or broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "ingest/import.h"
#include "text/utf8.h"

namespace {

using ticketwise::ingest::FileFormat;
using ticketwise::ingest::ImportOptions;

void CheckImport(const std::string& input, bool strip_markup) {
  ImportOptions options;
  options.text_columns = {"text"};
  options.label_column = "label";
  options.strip_markup = strip_markup;
  options.max_reported_skips = 4;
  std::istringstream in(input);
  auto data = ticketwise::ingest::ImportStream(in, FileFormat::kCsv, "fuzz.csv", options);
  if (!data) {
    if (data.error().ok()) __builtin_trap();
    return;
  }
  const auto& report = data->report;
  if (report.rows_seen != report.rows_accepted + report.rows_skipped) __builtin_trap();
  if (report.rows_accepted != data->rows.size()) __builtin_trap();
  if (report.skipped.size() > options.max_reported_skips) __builtin_trap();
  if (report.skipped.size() < report.rows_skipped &&
      report.skipped.size() != options.max_reported_skips) {
    __builtin_trap();
  }
  for (const auto& row : data->rows) {
    if (row.text.empty() || row.label.empty()) __builtin_trap();
    if (!ticketwise::text::IsValidUtf8(row.text) || !ticketwise::text::IsValidUtf8(row.label)) {
      __builtin_trap();
    }
  }
  (void)report.Summary();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const bool strip_markup = size > 0 && (data[0] & 1) != 0;
  CheckImport(bytes, strip_markup);
  CheckImport("text,label\n" + bytes, strip_markup);
  return 0;
}
