// CsvReader: an RFC 4180 reader that streams records from a std::istream.
//
// Quoted fields may hold delimiters, doubled quotes and line breaks; CRLF and LF line ends are both
// accepted; a UTF-8 byte-order mark at the start is skipped. Memory stays bounded by the current
// record. Not thread-safe; one reader per stream.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/buffered_input.h"
#include "ticketwise/status.h"

namespace ticketwise::ingest {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // 1-based physical line on which the record starts
};

struct CsvOptions {
  char delimiter = ',';
  // A record larger than this is an error, not an allocation.
  std::size_t max_record_bytes = 16 << 20;
};

class CsvReader {
 public:
  // REQUIRES: `in` outlives the reader.
  explicit CsvReader(std::istream& in, CsvOptions options = {});

  // Reads the next record into `*record`. Returns true when a record was read, false at the end of
  // input. Errors (unterminated quoted field, a quote inside an unquoted field, text after a
  // closing quote, a record over max_record_bytes) name the line; after an error the reader
  // resynchronizes at the next line so callers may skip the record and continue, except for an
  // unterminated quote, which ends the input. Error messages read "line N: <reason>", where N is
  // the line on which the record starts; `record->line` holds N as well. Empty lines between
  // records are not records and are skipped.
  Result<bool> Next(CsvRecord* record);

  // The physical line number the reader is at (1-based).
  std::size_t line() const { return line_; }

  // True once Next will return no more records: the input is exhausted, or an error (unterminated
  // quote, invalid delimiter) ended it. After an error, this is what separates a skippable record
  // from a fatal one.
  bool at_end() const { return done_; }

 private:
  enum class FieldEnd { kDelimiter, kRecord };

  void ConsumeLineEnd();
  void SkipRestOfLine();
  std::string SkipByteOrderMark();

  void Append(std::string* field, std::string_view bytes);
  Result<FieldEnd> ReadQuoted(std::string* field, std::size_t record_line);
  Result<FieldEnd> ReadUnquoted(std::string* field, std::size_t record_line);

  BufferedInput input_;
  CsvOptions options_;
  std::size_t line_ = 1;
  bool at_start_ = true;
  bool done_ = false;

  // Bytes held by the record being read; counted so an oversized record is refused instead of
  // allocated.
  std::size_t record_bytes_ = 0;
  bool oversized_ = false;
};

}  // namespace ticketwise::ingest
