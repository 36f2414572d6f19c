// JsonlReader: streams JSON Lines (one JSON object per line) from a std::istream.
//
// Each non-blank line must hold one JSON object; its top-level members come back with their kind
// and, for strings, numbers and booleans, their text. Blank lines are ignored, CRLF line ends and a
// UTF-8 byte-order mark at the start are accepted. Memory stays bounded by the current line. The
// JSON library stays inside the .cc. Not thread-safe; one reader per stream.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <string_view>

#include "ingest/buffered_input.h"
#include "ticketwise/status.h"

namespace ticketwise::ingest {

enum class JsonKind { kNull, kBool, kNumber, kString, kArray, kObject };

// "null", "boolean", "number", "string", "array", "object".
std::string_view JsonKindName(JsonKind kind);

// The description inside a JSON library exception message (`what()`), without its prefix and
// without the echo of the input that follows it, which may be long or not even UTF-8.
std::string DescribeJsonError(std::string_view what);

struct JsonlValue {
  JsonKind kind = JsonKind::kNull;
  // The string as is; a number as JSON writes it ("42", "1.5"); "true" / "false". Empty for null,
  // arrays and objects, which have no single text form.
  std::string text;
};

struct JsonlRecord {
  std::map<std::string, JsonlValue, std::less<>> members;  // top-level members by name
  std::size_t line = 0;                                    // 1-based line of the object
};

struct JsonlOptions {
  std::size_t max_line_bytes = 16 << 20;  // a longer line is a skippable error, not an allocation
};

class JsonlReader {
 public:
  // REQUIRES: `in` outlives the reader.
  explicit JsonlReader(std::istream& in, JsonlOptions options = {});

  // Reads the next non-blank line into `*record`. Returns true when an object was read, false at
  // the end of input. A line that is not a JSON object (malformed JSON, invalid UTF-8, an array or
  // scalar, longer than max_line_bytes) is an error reading "line N: <reason>"; `record->line`
  // holds N and the next call continues with the following line.
  Result<bool> Next(JsonlRecord* record);

  // The 1-based number of the line the reader will read next.
  std::size_t line() const { return line_; }

 private:
  // Reads one physical line without its line end into `line`; false at the end of input. `too_long`
  // is set when the line exceeded max_line_bytes, in which case `line` holds only its start.
  bool ReadLine(std::string* line, bool* too_long);

  BufferedInput input_;
  JsonlOptions options_;
  std::size_t line_ = 1;
};

}  // namespace ticketwise::ingest
