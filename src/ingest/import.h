// Import of historical tickets for training and evaluation: CSV (RFC 4180) and JSONL files.
//
// The caller names one or more text columns (joined in the given order with a line break) and,
// optionally, a label column. Each accepted row becomes one LabelledText; markup is stripped from
// its text. Rows that cannot be used (malformed, invalid UTF-8, empty text, empty or missing label
// when one is required) are skipped, counted and reported with their line and reason, never dropped
// silently. Problems with the file as a whole (missing, unreadable, unknown extension, a named
// column the header does not have, an unterminated quote) are errors that name the file. Pure
// functions over their inputs; thread-safe.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "ticketwise/status.h"

namespace ticketwise::ingest {

enum class FileFormat { kCsv, kJsonl };

// .csv -> kCsv; .jsonl, .ndjson, .json -> kJsonl (one JSON object per line). Case-insensitive.
Result<FileFormat> FormatFromPath(std::string_view path);

struct ImportOptions {
  std::vector<std::string> text_columns;  // at least one; joined with "\n"
  std::string label_column;               // empty: labels are not read
  bool strip_markup = true;               // run text::StripMarkup on each text column
  std::size_t max_reported_skips = 50;    // skipped rows beyond this are counted but not listed
};

struct SkippedRow {
  std::size_t line = 0;  // 1-based line in the file where the row starts
  std::string reason;    // e.g. "invalid UTF-8 in column 'text' at byte 17"
};

struct ImportReport {
  std::string file;
  std::size_t rows_seen = 0;  // data rows, header excluded
  std::size_t rows_accepted = 0;
  std::size_t rows_skipped = 0;     // rows_seen == rows_accepted + rows_skipped
  std::vector<SkippedRow> skipped;  // the first max_reported_skips of them

  // One line per reported skip plus a total: "tickets.csv:17: skipped: empty label in column
  // 'category'".
  std::string Summary() const;
};

struct LabelledText {
  std::string text;
  std::string label;  // empty when no label column was requested
  std::size_t line = 0;
};

struct Dataset {
  std::vector<LabelledText> rows;
  ImportReport report;
};

Result<Dataset> ImportFile(const std::string& path, const ImportOptions& options);

// As ImportFile, reading from `in`; `name` is used in messages and the report.
Result<Dataset> ImportStream(std::istream& in, FileFormat format, std::string_view name,
                             const ImportOptions& options);

// Splits "a,b,c" into {"a","b","c"}, trimming spaces; empty names are an error.
Result<std::vector<std::string>> ParseColumnList(std::string_view cols);

}  // namespace ticketwise::ingest
