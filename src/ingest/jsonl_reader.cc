#include "ingest/jsonl_reader.h"

#include <cstring>
#include <exception>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace ticketwise::ingest {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string LineError(std::size_t line, std::string_view reason) {
  std::string message = "line " + std::to_string(line) + ": ";
  message += reason;
  return message;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

JsonlValue ToValue(const nlohmann::json& value) {
  JsonlValue out;
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      out.kind = JsonKind::kNull;
      break;
    case nlohmann::json::value_t::boolean:
      out.kind = JsonKind::kBool;
      out.text = value.get<bool>() ? "true" : "false";
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      out.kind = JsonKind::kNumber;
      out.text = value.dump();
      break;
    case nlohmann::json::value_t::string:
      out.kind = JsonKind::kString;
      out.text = value.get_ref<const std::string&>();
      break;
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::binary:
      out.kind = JsonKind::kArray;
      break;
    case nlohmann::json::value_t::object:
      out.kind = JsonKind::kObject;
      break;
  }
  return out;
}

// The exception boundary with nlohmann: every throw from parsing ends here as a Status.
Result<nlohmann::json> ParseLine(std::string_view text, std::size_t line) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Fail(
        Status::InvalidArgument(LineError(line, "invalid JSON at byte " + std::to_string(e.byte) +
                                                    ": " + DescribeJsonError(e.what()))));
  } catch (const nlohmann::json::exception& e) {
    return Fail(
        Status::InvalidArgument(LineError(line, "invalid JSON: " + DescribeJsonError(e.what()))));
  } catch (const std::exception& e) {
    return Fail(
        Status::ResourceExhausted(LineError(line, std::string("cannot parse JSON: ") + e.what())));
  }
}

}  // namespace

std::string DescribeJsonError(std::string_view what) {
  if (what.starts_with("[json.exception.")) {
    const std::size_t close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  if (what.starts_with("parse error")) {
    const std::size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  const std::size_t echo = what.find("; last read");
  if (echo != std::string_view::npos) what = what.substr(0, echo);
  return std::string(what);
}

std::string_view JsonKindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kNull:
      return "null";
    case JsonKind::kBool:
      return "boolean";
    case JsonKind::kNumber:
      return "number";
    case JsonKind::kString:
      return "string";
    case JsonKind::kArray:
      return "array";
    case JsonKind::kObject:
      return "object";
  }
  return "unknown";
}

JsonlReader::JsonlReader(std::istream& in, JsonlOptions options) : input_(in), options_(options) {}

bool JsonlReader::ReadLine(std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  bool any = false;
  for (;;) {
    const std::string_view chunk = input_.Available();
    if (chunk.empty()) return any;
    any = true;
    const char* begin = chunk.data();
    const std::size_t available = chunk.size();
    const void* newline = std::memchr(begin, '\n', available);
    const std::size_t take =
        newline == nullptr ? available
                           : static_cast<std::size_t>(static_cast<const char*>(newline) - begin);
    if (!*too_long) {
      if (line->size() + take > options_.max_line_bytes) {
        *too_long = true;
      } else {
        line->append(begin, take);
      }
    }
    input_.Skip(take);
    if (newline != nullptr) {
      input_.Skip();
      break;
    }
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

Result<bool> JsonlReader::Next(JsonlRecord* record) {
  record->members.clear();
  std::string text;
  bool too_long = false;
  for (;;) {
    const bool first = line_ == 1;
    if (!ReadLine(&text, &too_long)) {
      record->line = line_;
      return false;
    }
    record->line = line_++;
    if (too_long) {
      return Fail(Status::ResourceExhausted(LineError(
          record->line,
          "line longer than the limit of " + std::to_string(options_.max_line_bytes) + " bytes")));
    }
    if (first && std::string_view(text).starts_with(kBom)) text.erase(0, kBom.size());
    if (!IsBlank(text)) break;
  }

  Result<nlohmann::json> parsed = ParseLine(text, record->line);
  if (!parsed) return Fail(parsed.error());
  if (!parsed->is_object()) {
    return Fail(Status::InvalidArgument(
        LineError(record->line, std::string("expected a JSON object, found ") +
                                    std::string(JsonKindName(ToValue(*parsed).kind)))));
  }
  for (const auto& member : parsed->items())
    record->members.emplace(member.key(), ToValue(member.value()));
  return true;
}

}  // namespace ticketwise::ingest
