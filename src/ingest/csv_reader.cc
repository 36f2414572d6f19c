#include "ingest/csv_reader.h"

#include <string>
#include <utility>

namespace ticketwise::ingest {
namespace {

constexpr std::size_t kChunkBytes = 64 << 10;
constexpr int kEof = -1;

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

CsvReader::CsvReader(std::istream& in, CsvOptions options) : in_(in), options_(options) {}

bool CsvReader::Refill() {
  if (input_exhausted_) return false;
  if (buffer_.empty()) buffer_.resize(kChunkBytes);
  std::streambuf* source = in_.rdbuf();
  const std::streamsize got =
      source == nullptr
          ? 0
          : source->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = got > 0 ? static_cast<std::size_t>(got) : 0;
  if (end_ == 0) input_exhausted_ = true;
  return end_ > 0;
}

int CsvReader::Peek() {
  if (pos_ == end_ && !Refill()) return kEof;
  return static_cast<unsigned char>(buffer_[pos_]);
}

void CsvReader::ConsumeLineEnd() {
  const int c = Peek();
  if (c == '\r') {
    ++pos_;
    if (Peek() == '\n') ++pos_;
  } else if (c == '\n') {
    ++pos_;
  } else {
    return;
  }
  ++line_;
}

void CsvReader::SkipRestOfLine() {
  for (int c = Peek(); c != kEof; c = Peek()) {
    if (IsLineBreak(c)) {
      ConsumeLineEnd();
      return;
    }
    ++pos_;
  }
}

std::string CsvReader::SkipByteOrderMark() {
  // Only a complete EF BB BF is a BOM; a partial match is ordinary data and goes back to the
  // caller.
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  std::string consumed;
  while (consumed.size() < kBom.size() &&
         Peek() == static_cast<unsigned char>(kBom[consumed.size()])) {
    consumed.push_back(kBom[consumed.size()]);
    ++pos_;
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
  ++pos_;  // the opening quote
  for (;;) {
    if (pos_ == end_ && !Refill()) {
      done_ = true;
      return Fail(Status::InvalidArgument(LineError(record_line, "unterminated quoted field")));
    }
    const char* begin = buffer_.data() + pos_;
    const char* stop = buffer_.data() + end_;
    const char* p = begin;
    while (p < stop && *p != '"' && *p != '\n' && *p != '\r') ++p;
    Append(field, std::string_view(begin, static_cast<std::size_t>(p - begin)));
    pos_ += static_cast<std::size_t>(p - begin);
    if (p == stop) continue;

    if (*p == '"') {
      ++pos_;
      if (Peek() == '"') {
        ++pos_;
        Append(field, "\"");
        continue;
      }
      break;
    }
    // A line break inside quotes is data; it is kept byte for byte but still advances the line
    // count so later records report the line an editor shows.
    if (*p == '\r') {
      ++pos_;
      Append(field, "\r");
      if (Peek() == '\n') {
        ++pos_;
        Append(field, "\n");
      }
    } else {
      ++pos_;
      Append(field, "\n");
    }
    ++line_;
  }

  const int c = Peek();
  if (c == static_cast<unsigned char>(options_.delimiter)) {
    ++pos_;
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
    if (pos_ == end_ && !Refill()) return FieldEnd::kRecord;
    const char* begin = buffer_.data() + pos_;
    const char* stop = buffer_.data() + end_;
    const char* p = begin;
    while (p < stop && *p != delimiter && *p != '"' && *p != '\n' && *p != '\r') ++p;
    Append(field, std::string_view(begin, static_cast<std::size_t>(p - begin)));
    pos_ += static_cast<std::size_t>(p - begin);
    if (p == stop) continue;

    if (*p == delimiter) {
      ++pos_;
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
    for (int c = Peek();; c = Peek()) {
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
    bool quoted = Peek() == '"';
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
