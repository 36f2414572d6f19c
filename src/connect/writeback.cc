#include "connect/writeback.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ticketwise::connect {
namespace {

using nlohmann::json;

// RFC 3986 unreserved characters stay; everything else in a path segment is escaped, so a key
// or sys_id can never reach another path.
std::string PathSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string Percent(float p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d%%", static_cast<int>(std::lround(p * 100.0f)));
  return buf;
}

std::string JiraIssue(std::string_view target) {
  return "/rest/api/2/issue/" + PathSegment(target);
}
std::string Incident(std::string_view target) {
  return "/api/now/table/incident/" + PathSegment(target);
}

}  // namespace

std::string OutboxMarker(std::int64_t outbox_id) {
  return "[ticketwise:" + std::to_string(outbox_id) + "]";
}

std::string DecisionNote(const Decision& decision, const FieldDecision& field, bool will_set) {
  std::string out = "ticketwise ";
  if (field.abstained || field.label.empty()) {
    out += "is not confident about the " + field.field;
    if (!field.label.empty())
      out += "; the most likely is " + field.label + " (" + Percent(field.confidence) + ")";
    out += ". Please choose it.";
  } else {
    out += (will_set ? "set the " : "suggests the ") + field.field + ": " + field.label + " (" +
           Percent(field.confidence) + " confident).";
  }
  std::string others;
  for (const Alternative& a : field.top) {
    if (a.label == field.label) continue;
    if (!others.empty()) others += ", ";
    others += a.label + " " + Percent(a.p);
    if (others.size() > 200) break;
  }
  if (!others.empty()) out += "\nOther candidates: " + others + ".";
  if (decision.match == MatchState::kMatched && !decision.suggestions.empty()) {
    const Suggestion& s = decision.suggestions.front();
    out += "\nSuggested " +
           std::string(s.kind == SourceKind::kArticle ? "article" : "resolved ticket") + ": " +
           s.title;
    if (!s.link.empty()) out += " " + s.link;
  }
  out += "\nDecision " + decision.id + ", model " + field.model_version + ".";
  return out;
}

PlatformRequest NoteRequest(Platform platform, std::string_view target, std::string_view text,
                            std::int64_t outbox_id) {
  const std::string body = std::string(text) + "\n" + OutboxMarker(outbox_id);
  if (platform == Platform::kJira) {
    json request = {
        {"body", body},
        {"properties",
         json::array({{{"key", "sd.public.comment"}, {"value", {{"internal", true}}}}})}};
    return {"POST", JiraIssue(target) + "/comment", request.dump()};
  }
  return {"PATCH", Incident(target), json{{"work_notes", body}}.dump()};
}

PlatformRequest NoteCheckRequest(Platform platform, std::string_view target) {
  if (platform == Platform::kJira)
    return {"GET", JiraIssue(target) + "/comment?orderBy=-created&maxResults=100", ""};
  return {"GET", Incident(target) + "?sysparm_fields=work_notes&sysparm_display_value=true", ""};
}

bool NoteIsPresent(std::string_view answer_body, std::int64_t outbox_id) {
  // The marker has no character JSON escapes, so it appears in the answer as it was posted.
  return answer_body.find(OutboxMarker(outbox_id)) != std::string_view::npos;
}

PlatformRequest SetFieldRequest(Platform platform, std::string_view target, std::string_view field,
                                std::string_view label) {
  static_cast<void>(field);  // only the category is written back so far
  if (platform == Platform::kJira) {
    json request = {{"fields", {{"components", json::array({{{"name", label}}})}}}};
    return {"PUT", JiraIssue(target), request.dump()};
  }
  return {"PATCH", Incident(target), json{{"category", label}}.dump()};
}

}  // namespace ticketwise::connect
