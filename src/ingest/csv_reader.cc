#include "ingest/csv_reader.h"

#include <string>
#include <utility>

namespace ticketwise::ingest {
namespace {

constexpr int kEof = BufferedInput::kEof;

// Each field costs its std::string as well as its bytes; counting both keeps a line of bare
// delimiters from turning a small input into a huge vector of empty strings.
constexpr std::size_t kFieldOverheadBytes = sizeof(std::string);

bool IsLineBreak(int c) { return c == '\n' || c == '\r'; }

std::string LineError(std::size_t line, std::string_view reason) {
  std::string message = "line " + std::to_string(line) + ": ";
  message += reason;
  return message;
}

}  // namespace

CsvReader::CsvReader(std::istream& in, CsvOptions options) : input_(in), options_(options) {}

void CsvReader::ConsumeLineEnd() {
  const int c = input_.Peek();
  if (c == '\r') {
    input_.Skip();
    if (input_.Peek() == '\n') input_.Skip();
  } else if (c == '\n') {
    input_.Skip();
  } else {
    return;
  }
  ++line_;
}

void CsvReader::SkipRestOfLine() {
  for (int c = input_.Peek(); c != kEof; c = input_.Peek()) {
    if (IsLineBreak(c)) {
      ConsumeLineEnd();
      return;
    }
    input_.Skip();
  }
}

std::string CsvReader::SkipByteOrderMark() {
  // Only a complete EF BB BF is a BOM; a partial match is ordinary data and goes back to the
  // caller.
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  std::string consumed;
  while (consumed.size() < kBom.size() &&
         input_.Peek() == static_cast<unsigned char>(kBom[consumed.size()])) {
    consumed.push_back(kBom[consumed.size()]);
    input_.Skip();
  }
  if (consumed.size() == kBom.size()) consumed.clear();
  return consumed;
}

void CsvReader::Append(std::string* field, std::string_view bytes) {
  record_bytes_ += bytes.size();
  if (record_bytes_ > options_.max_record_bytes) oversized_ = true;
  // Once over the limit the record is only scanned to its end (so the reader stays in sync), never
  // stored.
  if (oversized_) {
    field->clear();
    return;
  }
  field->append(bytes);
}

Result<CsvReader::FieldEnd> CsvReader::ReadQuoted(std::string* field, std::size_t record_line) {
  input_.Skip();  // the opening quote
  for (;;) {
    const std::string_view chunk = input_.Available();
    if (chunk.empty()) {
      done_ = true;
      return Fail(Status::InvalidArgument(LineError(record_line, "unterminated quoted field")));
    }
    const char* begin = chunk.data();
    const char* stop = begin + chunk.size();
    const char* p = begin;
    while (p < stop && *p != '"' && *p != '\n' && *p != '\r') ++p;
    Append(field, std::string_view(begin, static_cast<std::size_t>(p - begin)));
    input_.Skip(static_cast<std::size_t>(p - begin));
    if (p == stop) continue;

    if (*p == '"') {
      input_.Skip();
      if (input_.Peek() == '"') {
        input_.Skip();
        Append(field, "\"");
        continue;
      }
      break;
    }
    // A line break inside quotes is data; it is kept byte for byte but still advances the line
    // count so later records report the line an editor shows.
    if (*p == '\r') {
      input_.Skip();
      Append(field, "\r");
      if (input_.Peek() == '\n') {
        input_.Skip();
        Append(field, "\n");
      }
    } else {
      input_.Skip();
      Append(field, "\n");
    }
    ++line_;
  }

  const int c = input_.Peek();
  if (c == static_cast<unsigned char>(options_.delimiter)) {
    input_.Skip();
    return FieldEnd::kDelimiter;
  }
  if (c == kEof || IsLineBreak(c)) {
    ConsumeLineEnd();
    return FieldEnd::kRecord;
  }
  SkipRestOfLine();
  return Fail(Status::InvalidArgument(LineError(record_line, "text after closing quote")));
}

Result<CsvReader::FieldEnd> CsvReader::ReadUnquoted(std::string* field, std::size_t record_line) {
  const char delimiter = options_.delimiter;
  for (;;) {
    const std::string_view chunk = input_.Available();
    if (chunk.empty()) return FieldEnd::kRecord;
    const char* begin = chunk.data();
    const char* stop = begin + chunk.size();
    const char* p = begin;
    while (p < stop && *p != delimiter && *p != '"' && *p != '\n' && *p != '\r') ++p;
    Append(field, std::string_view(begin, static_cast<std::size_t>(p - begin)));
    input_.Skip(static_cast<std::size_t>(p - begin));
    if (p == stop) continue;

    if (*p == delimiter) {
      input_.Skip();
      return FieldEnd::kDelimiter;
    }
    if (*p == '"') {
      SkipRestOfLine();
      return Fail(Status::InvalidArgument(LineError(record_line, "quote inside unquoted field")));
    }
    ConsumeLineEnd();
    return FieldEnd::kRecord;
  }
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  std::vector<std::string>& fields = record->fields;
  record->line = line_;
  if (done_) {
    fields.clear();
    return false;
  }
  const char delimiter = options_.delimiter;
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    done_ = true;
    fields.clear();
    return Fail(Status::InvalidArgument("invalid CSV delimiter"));
  }

  std::string pending;
  if (at_start_) {
    at_start_ = false;
    pending = SkipByteOrderMark();
  }
  if (pending.empty()) {
    // Empty lines hold no record; skipping them keeps trailing blank lines from becoming rows.
    for (int c = input_.Peek();; c = input_.Peek()) {
      if (c == kEof) {
        done_ = true;
        fields.clear();
        return false;
      }
      if (!IsLineBreak(c)) break;
      ConsumeLineEnd();
    }
  }

  const std::size_t record_line = line_;
  record->line = record_line;
  record_bytes_ = 0;
  oversized_ = false;

  std::size_t count = 0;
  bool first_field = true;
  for (;;) {
    record_bytes_ += kFieldOverheadBytes;
    if (record_bytes_ > options_.max_record_bytes) oversized_ = true;
    // The previous record's strings are reused so their capacity is not reallocated for every row.
    if (count == fields.size()) fields.emplace_back();
    std::string* field = &fields[count];
    field->clear();
    // A partial BOM was the start of the first field, so that field is unquoted however it
    // continues.
    bool quoted = input_.Peek() == '"';
    if (first_field && !pending.empty()) {
      Append(field, pending);
      quoted = false;
    }
    first_field = false;
    Result<FieldEnd> end =
        quoted ? ReadQuoted(field, record_line) : ReadUnquoted(field, record_line);
    if (!end) {
      fields.clear();
      return Fail(end.error());
    }
    if (!oversized_) ++count;
    if (*end == FieldEnd::kRecord) break;
  }

  if (oversized_) {
    fields.clear();
    return Fail(Status::ResourceExhausted(
        LineError(record_line, "record larger than the limit of " +
                                   std::to_string(options_.max_record_bytes) + " bytes")));
  }
  fields.resize(count);
  return true;
}

}  // namespace ticketwise::ingest
