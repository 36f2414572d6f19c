#include <algorithm>
#include <array>
#include <utility>

#include "connect/servicenow.h"
#include "connect/servicenow_internal.h"
#include "connect/timestamp.h"
#include "text/markup.h"

namespace ticketwise::connect {
namespace {

std::string_view TrimView(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

struct JournalHeader {
  std::int64_t at_ms = 0;
  std::string author;
  Visibility visibility = Visibility::kInternal;
};

// "2016-12-12 16:56:57 - Beth Anglin (Work notes)"; nullopt when `line` is not a header.
std::optional<JournalHeader> ParseHeader(std::string_view line) {
  line = TrimView(line);
  if (line.size() < 24 || line[19] != ' ' || line.substr(20, 2) != "- ") return std::nullopt;
  const std::optional<std::int64_t> at = ParseTimestampMs(line.substr(0, 19));
  if (!at) return std::nullopt;
  std::string_view rest = line.substr(22);
  JournalHeader header;
  header.at_ms = *at;
  if (rest.ends_with(" (Work notes)")) {
    header.visibility = Visibility::kInternal;
    rest.remove_suffix(13);
  } else if (rest.ends_with(" (Additional comments)")) {
    header.visibility = Visibility::kPublic;
    rest.remove_suffix(22);
  } else {
    return std::nullopt;
  }
  header.author = std::string(TrimView(rest));
  return header;
}

}  // namespace

std::vector<Comment> ParseJournal(std::string_view text, Visibility default_visibility) {
  std::vector<Comment> entries;
  std::optional<Comment> current;
  std::string body;
  auto flush = [&] {
    std::string cleaned = text::StripMarkup(TrimView(body), text::MarkupKind::kAuto);
    if (!cleaned.empty()) {
      Comment c = current ? *current : Comment{};
      if (!current) c.visibility = default_visibility;
      c.body = std::move(cleaned);
      entries.push_back(std::move(c));
    }
    body.clear();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (const std::optional<JournalHeader> header = ParseHeader(line)) {
      flush();
      current = Comment{};
      current->author = header->author;
      current->visibility = header->visibility;
      current->created_at_ms = header->at_ms;
    } else {
      body += line;
      body += '\n';
    }
    start = end + 1;
  }
  flush();
  // The platform lists the newest entry first.
  if (current) std::reverse(entries.begin(), entries.end());
  return entries;
}

namespace internal {

std::string_view OurServiceNowField(std::string_view field) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kFields = {{
      {"category", "category"},
      {"subcategory", "subcategory"},
      {"assignment_group", "queue"},
      {"priority", "priority"},
      {"impact", "impact"},
      {"urgency", "urgency"},
      {"state", "status"},
      {"close_code", "resolution"},
      {"assigned_to", "assignee"},
      {"contact_type", "channel"},
  }};
  for (const auto& [theirs, ours] : kFields)
    if (field == theirs) return ours;
  return {};
}

void FillTicketFromServiceNow(const GlideGetter& get, Ticket* ticket) {
  ticket->external_id = get("number", false);
  ticket->title = get("short_description", false);
  ticket->description = text::StripMarkup(get("description", false), text::MarkupKind::kAuto);
  ticket->requester = get("caller", true);
  if (ticket->requester.empty()) ticket->requester = get("caller_id", true);
  ticket->service = get("cmdb_ci", true);
  if (ticket->service.empty()) ticket->service = get("business_service", true);
  ticket->created_at_ms = ParseTimestampMs(get("opened_at", false)).value_or(0);
  if (ticket->created_at_ms == 0) {
    ticket->created_at_ms = ParseTimestampMs(get("sys_created_on", false)).value_or(0);
  }
  static constexpr std::array<std::string_view, 10> kRecordFields = {
      "category", "subcategory", "assignment_group", "priority",    "impact",
      "urgency",  "state",       "close_code",       "assigned_to", "contact_type"};
  for (const std::string_view field : kRecordFields) {
    const bool reference = field == "assignment_group" || field == "assigned_to";
    std::string value = get(field, reference);
    if (!value.empty()) ticket->fields[std::string(OurServiceNowField(field))] = std::move(value);
  }
  if (std::string notes = get("close_notes", false); !notes.empty()) {
    ticket->fields["close_notes"] = std::move(notes);
  }

  std::vector<Comment> comments = ParseJournal(get("work_notes", false), Visibility::kInternal);
  std::vector<Comment> public_comments = ParseJournal(get("comments", false), Visibility::kPublic);
  comments.insert(comments.end(), std::make_move_iterator(public_comments.begin()),
                  std::make_move_iterator(public_comments.end()));
  std::stable_sort(comments.begin(), comments.end(), [](const Comment& a, const Comment& b) {
    return a.created_at_ms < b.created_at_ms;
  });
  ticket->comments = std::move(comments);
}

}  // namespace internal
}  // namespace ticketwise::connect
