#include "connect/writeback.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "connect/json_internal.h"

namespace ticketwise::connect {
namespace {

using nlohmann::json;

// A status or transition list is small; anything far larger is not an answer to read.
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

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

std::string DefaultTokenUrl(Platform platform, std::string_view base_url) {
  if (platform == Platform::kJira) return "https://auth.atlassian.com/oauth/token";
  std::string base(base_url);
  while (base.ends_with('/')) base.pop_back();
  return base + "/oauth_token.do";
}

std::string TokenRequestBody(std::string_view client_id, std::string_view client_secret) {
  return "grant_type=client_credentials&client_id=" + PathSegment(client_id) +
         "&client_secret=" + PathSegment(client_secret);
}

std::string OutboxMarker(std::int64_t outbox_id) {
  return "[ticketwise:" + std::to_string(outbox_id) + "]";
}

std::string DecisionNote(const Decision& decision, std::span<const NoteField> fields) {
  std::string out;
  std::string versions;
  for (const NoteField& nf : fields) {
    const FieldDecision& field = *nf.field;
    if (!out.empty()) out += "\n";
    out += "ticketwise ";
    if (field.field == "resolution") {
      // The label names the auto-resolution rule that applies.
      if (nf.will_set)
        out += "resolved the ticket under rule '" + field.label + "' (" +
               Percent(field.confidence) + " confident) and replied to the requester.";
      else if (field.abstained)
        out += "did not resolve the ticket under rule '" + field.label + "'.";
      else
        out += "suggests resolving the ticket under rule '" + field.label + "' (" +
               Percent(field.confidence) + " confident).";
    } else if (field.abstained || field.label.empty()) {
      out += "is not confident about the " + field.field;
      if (!field.label.empty())
        out += "; the most likely is " + field.label + " (" + Percent(field.confidence) + ")";
      out += ". Please choose it.";
    } else {
      out += (nf.will_set ? "set the " : "suggests the ") + field.field + ": " + field.label +
             " (" + Percent(field.confidence) + " confident).";
    }
    std::string others;
    for (const Alternative& a : field.top) {
      if (a.label == field.label) continue;
      if (!others.empty()) others += ", ";
      others += a.label + " " + Percent(a.p);
      if (others.size() > 200) break;
    }
    if (!others.empty()) out += "\nOther candidates: " + others + ".";
    // Priority lists its signals in the order they were applied; routing's first reason is its
    // verdict. Three say why; the decision holds them all.
    // Resolution says which rule applied and what held it back.
    const std::size_t reasons = field.field == "queue" ? 1 : 3;
    for (std::size_t i = 0; i < field.reasons.size() && i < reasons; ++i)
      out += "\nWhy: " + field.reasons[i];
    if (!versions.empty()) versions += ", ";
    versions += field.field + " " + field.model_version;
  }
  if (decision.match == MatchState::kMatched && !decision.suggestions.empty()) {
    const Suggestion& s = decision.suggestions.front();
    out += "\nSuggested " +
           std::string(s.kind == SourceKind::kArticle ? "article" : "resolved ticket") + ": " +
           s.title;
    if (!s.link.empty()) out += " " + s.link;
  }
  out += "\nDecision " + decision.id + (fields.size() == 1 ? ", model " : ", models ") +
         (fields.size() == 1 ? fields[0].field->model_version : versions) + ".";
  return out;
}

std::string DecisionNote(const Decision& decision, const FieldDecision& field, bool will_set) {
  const NoteField one{&field, will_set};
  return DecisionNote(decision, std::span<const NoteField>(&one, 1));
}

bool WritesField(Platform platform, std::string_view field, const JiraFieldMap& jira) {
  if (field == "category" || field == "priority") return true;
  return field == "queue" && (platform == Platform::kServiceNow || !jira.queue_field.empty());
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
                                std::string_view label, const JiraFieldMap& jira) {
  // P1..P4 as the level's digit; anything else is taken as the least urgent.
  const int level = label.size() == 2 && label[0] == 'P' && label[1] >= '1' && label[1] <= '4'
                        ? label[1] - '0'
                        : 4;
  if (platform == Platform::kJira) {
    json fields;
    if (field == "priority") {
      // Jira's default priority scheme.
      static constexpr const char* kJiraPriority[] = {"Highest", "High", "Medium", "Low"};
      fields["priority"] = {{"name", kJiraPriority[level - 1]}};
    } else if (field == "queue") {
      fields[jira.queue_field] = {{"value", label}};
    } else {
      fields["components"] = json::array({{{"name", label}}});
    }
    return {"PUT", JiraIssue(target), json{{"fields", fields}}.dump()};
  }
  if (field == "priority") {
    // ServiceNow derives priority from impact and urgency; these give P1..P4 under its default
    // priority lookup (1/1 critical, 1/2 high, 2/2 moderate, 2/3 low).
    static constexpr int kImpact[] = {1, 1, 2, 2};
    static constexpr int kUrgency[] = {1, 2, 2, 3};
    return {"PATCH", Incident(target),
            json{{"impact", std::to_string(kImpact[level - 1])},
                 {"urgency", std::to_string(kUrgency[level - 1])}}
                .dump()};
  }
  if (field == "queue")
    // The group by its name: the Table API resolves display values on input when asked to.
    return {"PATCH", Incident(target) + "?sysparm_input_display_value=true",
            json{{"assignment_group", label}}.dump()};
  return {"PATCH", Incident(target), json{{"category", label}}.dump()};
}

PlatformRequest ResolvedCheckRequest(Platform platform, std::string_view target) {
  if (platform == Platform::kJira) return {"GET", JiraIssue(target) + "?fields=status", ""};
  return {"GET", Incident(target) + "?sysparm_fields=state", ""};
}

Result<bool> IsResolved(Platform platform, std::string_view answer_body) {
  auto answer = internal::ParseJsonObject(answer_body, "status answer", kMaxAnswerBytes);
  if (!answer) return Fail(answer.error());
  if (platform == Platform::kJira) {
    const internal::Json* category = internal::Member(
        internal::Member(internal::Member(&*answer, "fields"), "status"), "statusCategory");
    if (category == nullptr) return Fail(internal::MissingField("Jira issue", "fields.status"));
    return internal::ScalarText(internal::Member(*category, "key")) == "done";
  }
  const internal::Json* state = internal::Member(internal::Member(*answer, "result"), "state");
  if (state == nullptr) return Fail(internal::MissingField("ServiceNow record", "result.state"));
  // A plain value, or {"value", "display_value"} when display values were asked for.
  const std::string value = internal::GlideText(state, false);
  return value == "6" || value == "7" || value == "8";
}

PlatformRequest ResolveRequest(std::string_view target, std::string_view close_code,
                               std::string_view reply) {
  return {"PATCH", Incident(target),
          json{{"state", "6"}, {"close_code", close_code}, {"close_notes", reply}}.dump()};
}

PlatformRequest TransitionsRequest(std::string_view target) {
  return {"GET", JiraIssue(target) + "/transitions?expand=transitions.fields", ""};
}

namespace {

// The first transition of a transitions answer whose target status category `wanted` accepts.
template <typename Wanted>
Result<JiraTransition> FirstTransition(std::string_view answer_body, Wanted wanted,
                                       std::string_view none) {
  auto answer = internal::ParseJsonObject(answer_body, "Jira transitions", kMaxAnswerBytes);
  if (!answer) return Fail(answer.error());
  const internal::Json* list = internal::Member(*answer, "transitions");
  if (list == nullptr || !list->is_array())
    return Fail(internal::MissingField("Jira transitions", "transitions"));
  for (const internal::Json& t : *list) {
    const internal::Json* category = internal::Member(internal::Member(&t, "to"), "statusCategory");
    if (category == nullptr || !wanted(internal::ScalarText(internal::Member(*category, "key"))))
      continue;
    JiraTransition out;
    out.id = internal::ScalarText(internal::Member(t, "id"));
    if (out.id.empty()) continue;
    out.wants_resolution =
        internal::Member(internal::Member(&t, "fields"), "resolution") != nullptr;
    return out;
  }
  return Fail(Status::NotFound(std::string(none)));
}

}  // namespace

bool IsReopening(Platform platform, const FieldChange& change) {
  if (platform == Platform::kJira)
    return change.field == "resolution" && !change.from.empty() && change.to.empty();
  if (change.field != "status") return false;
  // The value or its display text, as the Business Rule or the Table API gives it.
  auto closed = [](std::string_view state) {
    return state == "6" || state == "7" || state == "Resolved" || state == "Closed";
  };
  auto open = [](std::string_view state) {
    return state == "1" || state == "2" || state == "3" || state == "New" ||
           state == "In Progress" || state == "On Hold";
  };
  return closed(change.from) && open(change.to);
}

Result<JiraTransition> DoneTransition(std::string_view answer_body) {
  return FirstTransition(
      answer_body, [](const std::string& key) { return key == "done"; },
      "no transition leads to a done status");
}

Result<JiraTransition> ReopenTransition(std::string_view answer_body) {
  // "indeterminate" is In Progress, "new" is To Do: either puts the ticket back in the work.
  return FirstTransition(
      answer_body, [](const std::string& key) { return key == "indeterminate" || key == "new"; },
      "no transition leads back to an open status");
}

PlatformRequest ReopenRequest(Platform platform, std::string_view target,
                              const JiraTransition& transition, std::string_view note) {
  if (platform == Platform::kJira)
    return {"POST", JiraIssue(target) + "/transitions",
            json{{"transition", {{"id", transition.id}}}}.dump()};
  return {"PATCH", Incident(target), json{{"state", "2"}, {"work_notes", note}}.dump()};
}

PlatformRequest TransitionRequest(std::string_view target, const JiraTransition& transition,
                                  std::string_view resolution, std::string_view reply) {
  json body = {{"transition", {{"id", transition.id}}}};
  if (transition.wants_resolution) body["fields"] = {{"resolution", {{"name", resolution}}}};
  body["update"] = {{"comment", json::array({{{"add", {{"body", reply}}}}})}};
  return {"POST", JiraIssue(target) + "/transitions", body.dump()};
}

}  // namespace ticketwise::connect
