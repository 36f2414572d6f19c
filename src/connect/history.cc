#include <algorithm>
#include <iterator>

#include "connect/history.h"
#include "connect/history_internal.h"
#include "connect/json_internal.h"
#include "connect/timestamp.h"
#include "text/utf8.h"

namespace ticketwise::connect {
namespace internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

Result<JsonExport> ReadJsonExport(std::istream& in, std::string_view name, std::size_t max_bytes) {
  JsonExport out;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    out.text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (out.text.size() > max_bytes) {
      return Fail(Status::ResourceExhausted(std::string(name) + ": over the limit of " +
                                            std::to_string(max_bytes) +
                                            " bytes for a JSON export"));
    }
  }
  if (in.bad()) return Fail(Status::IoError(std::string(name) + ": read failed"));
  Result<Json> parsed = ParseJsonObject(out.text, name, max_bytes);
  if (!parsed) return Fail(parsed.error());
  out.json = std::move(*parsed);
  return out;
}

Result<std::vector<std::string>> ReadCsvHeaderRow(ingest::CsvReader& reader,
                                                  std::string_view name) {
  ingest::CsvRecord record;
  Result<bool> first = reader.Next(&record);
  if (!first) return Fail(first.error().WithContext(name));
  if (!*first) return Fail(Status::InvalidArgument(std::string(name) + ": empty file"));
  return std::move(record.fields);
}

std::vector<std::size_t> ArrayElementLines(std::string_view json, std::string_view key) {
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  std::size_t depth = 0;
  std::string last_key;
  bool in_target = false;  // inside the target array (depth 2)
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '\n') {
      ++line;
    } else if (c == '"') {
      std::string value;
      for (++i; i < json.size() && json[i] != '"'; ++i) {
        if (json[i] == '\\') {
          ++i;
          continue;
        }
        if (json[i] == '\n') ++line;
        value += json[i];
      }
      if (depth == 1) last_key = std::move(value);
      if (in_target && depth == 2) lines.push_back(line);
    } else if (c == '{' || c == '[') {
      if (in_target && depth == 2) lines.push_back(line);
      if (depth == 1 && c == '[' && last_key == key) in_target = true;
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth > 0) --depth;
      if (depth == 1) in_target = false;
    } else if (in_target && depth == 2 && c != ',' && c != ' ' && c != '\t' && c != '\r') {
      // A scalar element (number, true, false, null): note its line once.
      lines.push_back(line);
      while (i + 1 < json.size() && json[i + 1] != ',' && json[i + 1] != ']' && json[i + 1] != '\n')
        ++i;
    }
  }
  return lines;
}

void ForEachJsonRecord(const JsonExport& exported, std::string_view key, ReportBuilder* report,
                       const std::function<void(const Json&, std::size_t)>& record) {
  const Json* found = Member(exported.json, key);
  if (found == nullptr || !found->is_array()) return;
  const Json& array = *found;
  const std::vector<std::size_t> lines = ArrayElementLines(exported.text, key);
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::size_t line = i < lines.size() ? lines[i] : 0;
    if (!array[i].is_object()) {
      report->Skip(line, std::string(key) + "[" + std::to_string(i) + "] is not an object");
      continue;
    }
    record(array[i], line);
  }
}

void ReportBuilder::Skip(std::size_t line, std::string reason) {
  ++report_.rows_seen;
  ++report_.rows_skipped;
  if (report_.skipped.size() < max_reported_) report_.skipped.push_back({line, std::move(reason)});
}

void ReportBuilder::Offer(const Ticket& ticket, std::size_t line, const TicketSink& sink) {
  if (ticket.external_id.empty()) return Skip(line, "no ticket key");
  if (IsBlank(ticket.title) && IsBlank(ticket.description)) {
    return Skip(line, "ticket " + ticket.external_id + " has no title and no description");
  }
  const auto [it, inserted] = first_line_.emplace(ticket.external_id, line);
  if (!inserted) {
    return Skip(line, "ticket " + ticket.external_id + " repeats the one at line " +
                          std::to_string(it->second));
  }
  ++report_.rows_seen;
  ++report_.rows_accepted;
  sink(ticket);
}

std::string CsvHeader::First(const std::vector<std::string>& fields, std::string_view name) const {
  if (name.empty()) return {};
  const auto it = columns.find(name);
  if (it == columns.end()) return {};
  for (const std::size_t index : it->second)
    if (index < fields.size() && !Trim(fields[index]).empty())
      return std::string(Trim(fields[index]));
  return {};
}

std::vector<std::string> CsvHeader::All(const std::vector<std::string>& fields,
                                        std::string_view name) const {
  std::vector<std::string> out;
  if (name.empty()) return out;
  const auto it = columns.find(name);
  if (it == columns.end()) return out;
  for (const std::size_t index : it->second)
    if (index < fields.size() && !Trim(fields[index]).empty()) {
      out.emplace_back(Trim(fields[index]));
    }
  return out;
}

CsvHeader ReadHeader(const std::vector<std::string>& fields) {
  CsvHeader header;
  header.width = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    header.columns[Lower(Trim(fields[i]))].push_back(i);
  }
  return header;
}

Status ForEachCsvRow(ingest::CsvReader& reader, const CsvHeader& header, std::string_view name,
                     const std::vector<std::string>& original_names, ReportBuilder* report,
                     const std::function<void(const std::vector<std::string>&, std::size_t)>& row) {
  ingest::CsvRecord record;
  for (;;) {
    Result<bool> next = reader.Next(&record);
    if (!next) {
      if (reader.at_end()) return next.error().WithContext(name);
      // "line N: reason" from the reader; the report adds the file and line itself.
      std::string reason = next.error().message();
      if (const std::size_t colon = reason.find(": ");
          reason.starts_with("line ") && colon != std::string::npos) {
        reason.erase(0, colon + 2);
      }
      report->Skip(record.line, std::move(reason));
      continue;
    }
    if (!*next) return Status::Ok();
    if (record.fields.size() != header.width) {
      report->Skip(record.line, std::to_string(record.fields.size()) + " fields, the header has " +
                                    std::to_string(header.width));
      continue;
    }
    bool valid = true;
    for (std::size_t i = 0; i < record.fields.size() && valid; ++i) {
      const std::size_t bad = text::FindInvalidUtf8(record.fields[i]);
      if (bad != std::string::npos) {
        report->Skip(record.line, "invalid UTF-8 in column '" + original_names[i] + "' at byte " +
                                      std::to_string(bad));
        valid = false;
      }
    }
    if (valid) row(record.fields, record.line);
  }
}

}  // namespace internal

Result<HistoryFormat> HistoryFormatFromPath(std::string_view path) {
  std::string lower(path);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (lower.ends_with(".csv")) return HistoryFormat::kCsv;
  if (lower.ends_with(".json")) return HistoryFormat::kJson;
  return Fail(Status::InvalidArgument(std::string(path) +
                                      ": unknown export format; expected a .csv or .json file"));
}

std::string TicketJsonLine(const Ticket& ticket) {
  // Ordered, so every line reads id, title, description, comments first.
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["id"] = ticket.external_id;
  line["title"] = ticket.title;
  line["description"] = ticket.description;
  std::string comments;
  for (const Comment& comment : ticket.comments) {
    if (comment.body.empty()) continue;
    if (!comments.empty()) comments += "\n\n";
    comments += comment.body;
  }
  line["comments"] = std::move(comments);
  if (!ticket.requester.empty()) line["requester"] = ticket.requester;
  if (!ticket.service.empty()) line["service"] = ticket.service;
  if (ticket.created_at_ms != 0) line["created_at"] = FormatUtc(ticket.created_at_ms);
  for (const auto& [field, value] : ticket.fields) {
    if (!line.contains(field)) line[field] = value;
  }
  // Strings come from valid UTF-8 input; replacement keeps a stray byte from aborting the dump.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace ticketwise::connect
