#include "server/api_json.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <utility>

#include "connect/writeback.h"
#include "store/codec.h"
#include "text/utf8.h"
#include "triage/config_json.h"
#include "triage/triage.h"

namespace ticketwise::server {
namespace {

using nlohmann::json;

// Reads the optional string member `name` of `obj` into `*out`. A member that is present but null
// counts as absent, because many clients serialize unset fields as null.
Status OptionalString(const json& obj, const char* name, std::string* out,
                      std::string_view where = {}) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string())
    return Status::InvalidArgument("field '" + std::string(where) + name + "' must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ParseComments(const json& body, std::vector<Comment>* out) {
  auto it = body.find("comments");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Status::InvalidArgument("field 'comments' must be an array");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& c = (*it)[i];
    const std::string where = "comments[" + std::to_string(i) + "].";
    if (!c.is_object())
      return Status::InvalidArgument("field 'comments[" + std::to_string(i) +
                                     "]' must be an object");
    Comment comment;
    if (Status s = OptionalString(c, "body", &comment.body, where); !s.ok()) return s;
    if (Status s = OptionalString(c, "author", &comment.author, where); !s.ok()) return s;
    std::string visibility(VisibilityName(Visibility::kInternal));
    if (Status s = OptionalString(c, "visibility", &visibility, where); !s.ok()) return s;
    const std::optional<Visibility> parsed = ParseVisibility(visibility);
    if (!parsed)
      return Status::InvalidArgument("field '" + where +
                                     "visibility' must be \"internal\" or \"public\"");
    comment.visibility = *parsed;
    out->push_back(std::move(comment));
  }
  return Status::Ok();
}

Status ParseFields(const json& body, std::map<std::string, std::string>* out) {
  auto it = body.find("fields");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return Status::InvalidArgument("field 'fields' must be an object");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string())
      return Status::InvalidArgument("field 'fields." + key + "' must be a string");
    (*out)[key] = value.get<std::string>();
  }
  return Status::Ok();
}

Result<json> ParseJson(std::string_view body) {
  // nlohmann reports syntax errors only by exception; this is the boundary where it becomes a
  // Status.
  try {
    return json::parse(body.begin(), body.end());
  } catch (const json::parse_error& e) {
    return Fail(Status::InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                                        e.what()));
  } catch (const std::exception& e) {
    return Fail(Status::InvalidArgument(std::string("malformed JSON: ") + e.what()));
  }
}

}  // namespace

Result<Ticket> ParseTicketRequest(std::string_view body) {
  // Checked before parsing so the message says what is wrong in terms a client can act on.
  if (const std::size_t bad = text::FindInvalidUtf8(body); bad != std::string_view::npos)
    return Fail(Status::InvalidArgument("body is not valid UTF-8 at byte " + std::to_string(bad)));
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  const json& j = *parsed;
  if (!j.is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));

  Ticket ticket;
  auto id = j.find("external_id");
  if (id == j.end() || id->is_null())
    return Fail(Status::InvalidArgument("field 'external_id' is required"));
  if (!id->is_string())
    return Fail(Status::InvalidArgument("field 'external_id' must be a string"));
  ticket.external_id = id->get<std::string>();
  if (ticket.external_id.empty())
    return Fail(Status::InvalidArgument("field 'external_id' must not be empty"));

  for (auto [name, out] :
       {std::pair{"title", &ticket.title}, std::pair{"description", &ticket.description},
        std::pair{"requester", &ticket.requester}, std::pair{"service", &ticket.service}})
    if (Status s = OptionalString(j, name, out); !s.ok()) return Fail(s);
  if (!j.contains("title") && !j.contains("description"))
    return Fail(Status::InvalidArgument("one of the fields 'title' and 'description' is required"));
  if (Status s = ParseComments(j, &ticket.comments); !s.ok()) return Fail(s);
  if (Status s = ParseFields(j, &ticket.fields); !s.ok()) return Fail(s);
  return ticket;
}

namespace {

// DecisionJson is on the path of every triaged ticket, so it writes its text directly rather
// than building a JSON document first; the output is the same JSON a document would dump.
void AppendValidString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

// Stored text is valid UTF-8 (checked on the way in); should that ever fail, the bad bytes become
// U+FFFD rather than invalid JSON.
void AppendString(std::string* out, std::string_view s) {
  if (text::IsValidUtf8(s)) return AppendValidString(out, s);
  AppendValidString(out, text::SanitizeUtf8(s));
}

void AppendNumber(std::string* out, double v) {
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, ec == std::errc() ? ptr : buf);
}

void AppendInt(std::string* out, std::int64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, ec == std::errc() ? ptr : buf);
}

void AppendSuggestion(std::string* out, const Suggestion& s) {
  out->append("{\"id\":");
  AppendString(out, s.source_id);
  out->append(",\"kind\":");
  AppendString(out, SourceKindName(s.kind));
  out->append(",\"link\":");
  AppendString(out, s.link);
  out->append(",\"score\":");
  AppendNumber(out, s.score);
  out->append(",\"steps\":");
  AppendString(out, s.steps);
  out->append(",\"title\":");
  AppendString(out, s.title);
  out->push_back('}');
}

}  // namespace

std::string DecisionJson(const Decision& decision) {
  std::string out;
  out.reserve(320 + 160 * decision.fields.size() + 256 * decision.suggestions.size());
  out += "{\"created_at_ms\":";
  AppendInt(&out, decision.created_at_ms);
  out += ",\"decision_id\":";
  AppendString(&out, decision.id);
  out += ",\"duplicates\":{\"items\":[";
  for (std::size_t i = 0; i < decision.duplicates.size(); ++i) {
    const DuplicateMatch& d = decision.duplicates[i];
    if (i > 0) out += ',';
    out += "{\"external_id\":";
    AppendString(&out, d.external_id);
    out += ",\"score\":";
    AppendNumber(&out, d.score);
    out += ",\"title\":";
    AppendString(&out, d.title);
    out += '}';
  }
  out += "],\"threshold\":";
  AppendNumber(&out, decision.duplicate_threshold);
  out += "},\"engine_micros\":";
  AppendInt(&out, decision.engine_micros);
  out += ",\"fields\":{";
  for (std::size_t i = 0; i < decision.fields.size(); ++i) {
    const FieldDecision& f = decision.fields[i];
    if (i > 0) out += ',';
    AppendString(&out, f.field);
    out += ":{\"abstained\":";
    out += f.abstained ? "true" : "false";
    out += ",\"confidence\":";
    AppendNumber(&out, f.confidence);
    out += ",\"label\":";
    AppendString(&out, f.label);
    out += ",\"mode\":";
    AppendString(&out, ModeName(f.mode));
    out += ",\"model_version\":";
    AppendString(&out, f.model_version);
    out += ",\"reasons\":[";
    for (std::size_t j = 0; j < f.reasons.size(); ++j) {
      if (j > 0) out += ',';
      AppendString(&out, f.reasons[j]);
    }
    out += "],\"top\":[";
    for (std::size_t j = 0; j < f.top.size(); ++j) {
      if (j > 0) out += ',';
      out += "{\"label\":";
      AppendString(&out, f.top[j].label);
      out += ",\"p\":";
      AppendNumber(&out, f.top[j].p);
      out += '}';
    }
    out += "]}";
  }
  out += "},\"input_hash\":";
  AppendString(&out, decision.input_hash);
  out += ",\"suggestions\":{\"items\":[";
  for (std::size_t i = 0; i < decision.suggestions.size(); ++i) {
    if (i > 0) out += ',';
    AppendSuggestion(&out, decision.suggestions[i]);
  }
  out += "],\"state\":";
  AppendString(&out, MatchStateName(decision.match));
  out += ",\"threshold\":";
  AppendNumber(&out, decision.match_threshold);
  out += "},\"summary\":";
  AppendString(&out, decision.summary);
  out += ",\"ticket_id\":";
  AppendString(&out, decision.ticket_id);
  out += '}';
  return out;
}

Result<std::vector<store::IncidentRecord>> ParseIncidentsRequest(std::string_view body) {
  if (const std::size_t bad = text::FindInvalidUtf8(body); bad != std::string_view::npos)
    return Fail(Status::InvalidArgument("body is not valid UTF-8 at byte " + std::to_string(bad)));
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  json& j = *parsed;
  std::vector<json> items;
  if (j.is_array()) {
    for (json& item : j) items.push_back(std::move(item));
  } else if (j.is_object()) {
    items.push_back(std::move(j));
  } else {
    return Fail(Status::InvalidArgument("body must be an incident object or an array of them"));
  }
  if (items.empty()) return Fail(Status::InvalidArgument("no incident in the body"));
  std::vector<store::IncidentRecord> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string where = "incidents[" + std::to_string(i) + "]";
    if (!items[i].is_object())
      return Fail(Status::InvalidArgument("field '" + where + "' must be an object"));
    auto id = items[i].find("id");
    if (id == items[i].end() || !id->is_string() || id->get<std::string>().empty())
      return Fail(Status::InvalidArgument("field '" + where + ".id' must be a non-empty string"));
    out.push_back({id->get<std::string>(), items[i].dump(), 0});
  }
  return out;
}

Result<std::vector<store::IncidentRecord>> ParseCheckedIncidents(std::string_view body,
                                                                 const triage::Triage* triage) {
  auto records = ParseIncidentsRequest(body);
  if (!records) return records;
  std::string list = "[";
  for (std::size_t i = 0; i < records->size(); ++i) {
    if (i > 0) list += ',';
    list += (*records)[i].json;
  }
  list += ']';
  auto incidents = triage::ParseIncidentsJson(list);
  if (!incidents) return Fail(Status::InvalidArgument(incidents.error().message()));
  if (triage == nullptr) return records;
  for (const triage::ActiveIncident& incident : *incidents) {
    // An unknown service is NotFound to the library; to a client it is a bad request.
    if (Status s = triage->ValidateIncident(incident); !s.ok())
      return Fail(Status::InvalidArgument(s.message()));
  }
  return records;
}

std::string IncidentsJson(const std::vector<store::IncidentRecord>& incidents) {
  // Each record is a JSON object the service wrote itself (ParseIncidentsRequest), so it is
  // spliced in as it is.
  std::string out = "{\"incidents\":[";
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    if (i > 0) out += ',';
    out += incidents[i].json;
  }
  out += "]}";
  return out;
}

std::string TicketJson(const store::StoredTicket& stored) {
  const Ticket& t = stored.ticket;
  json comments = json::array();
  for (const Comment& c : t.comments)
    comments.push_back(
        {{"author", c.author}, {"body", c.body}, {"visibility", VisibilityName(c.visibility)}});
  const json out = {{"id", stored.id},
                    {"external_id", t.external_id},
                    {"title", t.title},
                    {"description", t.description},
                    {"comments", std::move(comments)},
                    {"requester", t.requester},
                    {"service", t.service},
                    {"fields", t.fields},
                    {"updated_at_ms", stored.updated_at_ms}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<store::Feedback> ParseFeedbackRequest(std::string_view body) {
  if (const std::size_t bad = text::FindInvalidUtf8(body); bad != std::string_view::npos)
    return Fail(Status::InvalidArgument("body is not valid UTF-8 at byte " + std::to_string(bad)));
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  const json& j = *parsed;
  if (!j.is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));
  store::Feedback f;
  std::string verdict;
  for (auto [name, out] :
       {std::pair{"field", &f.field}, std::pair{"verdict", &verdict}, std::pair{"value", &f.value},
        std::pair{"reason", &f.reason}, std::pair{"actor", &f.actor}})
    if (Status s = OptionalString(j, name, out); !s.ok()) return Fail(s);
  if (f.field.empty()) return Fail(Status::InvalidArgument("field 'field' is required"));
  auto v = store::ParseVerdict(verdict);
  if (!v)
    return Fail(Status::InvalidArgument(
        "field 'verdict' must be \"accepted\", \"corrected\" or \"flagged\""));
  f.verdict = *v;
  if (f.verdict == store::Verdict::kCorrected && f.value.empty())
    return Fail(Status::InvalidArgument("field 'value' is required when the verdict is corrected"));
  if (f.actor.empty()) f.actor = "api";
  return f;
}

Result<store::FieldMode> ParseModeRequest(std::string_view body) {
  if (const std::size_t bad = text::FindInvalidUtf8(body); bad != std::string_view::npos)
    return Fail(Status::InvalidArgument("body is not valid UTF-8 at byte " + std::to_string(bad)));
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  const json& j = *parsed;
  if (!j.is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));
  store::FieldMode m;
  std::string mode;
  if (Status s = OptionalString(j, "mode", &mode); !s.ok()) return Fail(s);
  const std::optional<Mode> parsed_mode = ParseMode(mode);
  if (!parsed_mode)
    return Fail(
        Status::InvalidArgument("field 'mode' must be \"shadow\", \"suggest\" or \"auto\""));
  m.mode = *parsed_mode;
  if (auto it = j.find("auto_min_confidence"); it != j.end() && !it->is_null()) {
    if (!it->is_number())
      return Fail(Status::InvalidArgument("field 'auto_min_confidence' must be a number"));
    m.auto_min_confidence = it->get<double>();
    if (!(m.auto_min_confidence >= 0.0 && m.auto_min_confidence <= 1.0))
      return Fail(Status::InvalidArgument("field 'auto_min_confidence' must be between 0 and 1"));
  }
  return m;
}

Result<TrainRequest> ParseTrainRequest(std::string_view body) {
  TrainRequest r;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return r;
  if (const std::size_t bad = text::FindInvalidUtf8(body); bad != std::string_view::npos)
    return Fail(Status::InvalidArgument("body is not valid UTF-8 at byte " + std::to_string(bad)));
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  const json& j = *parsed;
  if (!j.is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));
  if (Status s = OptionalString(j, "field", &r.field); !s.ok()) return Fail(s);
  if (r.field.empty()) return Fail(Status::InvalidArgument("field 'field' must not be empty"));
  if (auto it = j.find("activate"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean())
      return Fail(Status::InvalidArgument("field 'activate' must be true or false"));
    r.activate = it->get<bool>();
  }
  return r;
}

namespace {

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json FeedbackObject(const store::Feedback& f) {
  return {{"id", f.id},       {"decision_id", f.decision_id},
          {"field", f.field}, {"verdict", store::VerdictName(f.verdict)},
          {"value", f.value}, {"reason", f.reason},
          {"actor", f.actor}, {"created_at_ms", f.created_at_ms}};
}

json ModelObject(const store::ModelVersion& m) {
  json metrics = json::parse(m.metrics_json, nullptr, false);
  if (metrics.is_discarded()) metrics = json::object();
  return {{"version", m.version},
          {"field", m.field},
          {"state", store::ModelStateName(m.state)},
          {"active", m.active},
          {"created_at_ms", m.created_at_ms},
          {"finished_at_ms", m.finished_at_ms},
          {"metrics", std::move(metrics)},
          {"error", m.error}};
}

}  // namespace

std::string DecisionListJson(const std::vector<Decision>& decisions, bool more) {
  json list = json::array();
  for (const Decision& d : decisions) list.push_back(json::parse(DecisionJson(d)));
  json next = nullptr;
  if (more && !decisions.empty()) next = decisions.back().id;
  return Dump({{"decisions", std::move(list)}, {"next_before", std::move(next)}});
}

std::string FeedbackJson(const store::Feedback& feedback) { return Dump(FeedbackObject(feedback)); }

std::string FeedbackListJson(const std::vector<store::Feedback>& feedback) {
  json list = json::array();
  for (const store::Feedback& f : feedback) list.push_back(FeedbackObject(f));
  return Dump({{"feedback", std::move(list)}});
}

std::string ModelJson(const store::ModelVersion& model) { return Dump(ModelObject(model)); }

std::string ModelListJson(const std::vector<store::ModelVersion>& models) {
  json list = json::array();
  for (const store::ModelVersion& m : models) list.push_back(ModelObject(m));
  return Dump({{"models", std::move(list)}});
}

std::string ModesJson(const std::vector<store::FieldMode>& modes) {
  json out = json::object();
  for (const store::FieldMode& m : modes)
    out[m.field] = {{"mode", ModeName(m.mode)},
                    {"auto_min_confidence", m.auto_min_confidence},
                    {"updated_at_ms", m.updated_at_ms}};
  return Dump({{"modes", std::move(out)}});
}

std::string ImportReportJson(const ingest::ImportReport& report, std::string_view field) {
  json skipped = json::array();
  for (const ingest::SkippedRow& row : report.skipped)
    skipped.push_back({{"line", row.line}, {"reason", row.reason}});
  return Dump({{"field", field},
               {"rows_seen", report.rows_seen},
               {"rows_accepted", report.rows_accepted},
               {"rows_skipped", report.rows_skipped},
               {"skipped", std::move(skipped)}});
}

Result<std::string> ArticleRequestToJsonl(std::string_view body, std::string_view path_id) {
  if (const std::size_t bad = text::FindInvalidUtf8(body); bad != std::string_view::npos)
    return Fail(Status::InvalidArgument("body is not valid UTF-8 at byte " + std::to_string(bad)));
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  json& j = *parsed;
  if (!j.is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));
  std::vector<json> articles;
  if (auto list = j.find("articles"); list != j.end() && path_id.empty()) {
    if (!list->is_array())
      return Fail(Status::InvalidArgument("field 'articles' must be an array of articles"));
    for (json& a : *list) articles.push_back(std::move(a));
  } else {
    if (!path_id.empty()) {
      auto id = j.find("id");
      if (id != j.end() && !id->is_null() &&
          (!id->is_string() || id->get<std::string>() != path_id))
        return Fail(Status::InvalidArgument("field 'id' must match the article id in the path"));
      j["id"] = std::string(path_id);
    }
    articles.push_back(std::move(j));
  }
  std::string out;
  for (const json& a : articles) {
    out += Dump(a);
    out += '\n';
  }
  return out;
}

std::string ArticleJson(const store::KbArticle& article, std::string_view resolution) {
  json sections = json::array();
  for (const store::KbSection& s : article.sections)
    sections.push_back({{"heading", s.heading}, {"text", s.text}});
  return Dump({{"id", article.id},
               {"title", article.title},
               {"link", article.link},
               {"sections", std::move(sections)},
               {"resolution", resolution},
               {"updated_at_ms", article.updated_at_ms}});
}

std::string ArticleListJson(const std::vector<store::KbArticle>& articles, bool more) {
  json list = json::array();
  for (const store::KbArticle& a : articles)
    list.push_back(
        {{"id", a.id}, {"title", a.title}, {"link", a.link}, {"updated_at_ms", a.updated_at_ms}});
  json next = nullptr;
  if (more && !articles.empty()) next = articles.back().id;
  return Dump({{"articles", std::move(list)}, {"next_after", std::move(next)}});
}

std::string ArticlePutJson(std::size_t received, std::size_t stored, std::size_t created,
                           const std::vector<std::string>& skipped,
                           const std::vector<std::string>& warnings) {
  return Dump({{"received", received},
               {"created", created},
               {"updated", stored - created},
               {"skipped", skipped},
               {"warnings", warnings}});
}

std::string SearchJson(std::string_view query, double threshold,
                       const std::vector<engine::KnowledgeHit>& hits) {
  json results = json::array();
  bool confident = false;
  for (const engine::KnowledgeHit& h : hits) {
    confident = confident || h.above_gate;
    results.push_back({{"kind", SourceKindName(h.source.kind)},
                       {"id", h.source.source_id},
                       {"title", h.source.title},
                       {"link", h.source.link},
                       {"steps", h.source.steps},
                       {"score", h.source.score},
                       {"lexical", h.lexical},
                       {"semantic", h.semantic},
                       {"above_gate", h.above_gate}});
  }
  return Dump({{"query", query},
               {"threshold", threshold},
               {"confident", confident},
               {"results", std::move(results)}});
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  const json out = {{"error", {{"code", code}, {"message", message}}}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::string> ParseSecretRequest(std::string_view body) {
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  auto secret = parsed->find("secret");
  if (!parsed->is_object() || secret == parsed->end() || !secret->is_string() ||
      secret->get_ref<const std::string&>().empty())
    return Fail(
        Status::InvalidArgument("body must be {\"secret\": \"...\"} with a non-empty secret"));
  return secret->get<std::string>();
}

std::string HookAcceptedJson(const store::InboxEnqueue& queued, std::string_view event,
                             std::string_view ticket) {
  return Dump({{"status", queued.duplicate ? "duplicate" : "accepted"},
               {"inbox_id", queued.id},
               {"event", event},
               {"ticket", ticket}});
}

std::string HookIgnoredJson(std::string_view reason) {
  return Dump({{"status", "ignored"}, {"reason", reason}});
}

std::string HooksJson(std::string_view tenant, const std::vector<std::string>& configured) {
  json hooks = json::array();
  for (const char* platform : {"jira", "servicenow"}) {
    const bool set = std::find(configured.begin(), configured.end(), platform) != configured.end();
    hooks.push_back({{"platform", platform},
                     {"secret_set", set},
                     {"path", "/v1/hooks/" + std::string(platform) + "/" + std::string(tenant)}});
  }
  return Dump({{"hooks", std::move(hooks)}});
}

std::string InboxJson(const std::vector<store::InboxItem>& items) {
  json list = json::array();
  for (const store::InboxItem& i : items)
    list.push_back({{"id", i.id},
                    {"platform", i.platform},
                    {"delivery_key", i.delivery_key},
                    {"received_at_ms", i.received_at_ms},
                    {"state", store::InboxStateName(i.state)},
                    {"attempts", i.attempts},
                    {"result", i.result},
                    {"processed_at_ms", i.processed_at_ms}});
  return Dump({{"items", std::move(list)}});
}

Result<store::Connection> ParseConnectionRequest(std::string_view body, std::string_view platform) {
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  if (!parsed->is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));
  store::Connection c;
  c.platform = std::string(platform);
  std::string token, password, bearer, client_id, client_secret;
  for (auto [name, out] :
       {std::pair{"base_url", &c.base_url}, std::pair{"user", &c.user}, std::pair{"token", &token},
        std::pair{"password", &password}, std::pair{"bearer", &bearer},
        std::pair{"client_id", &client_id}, std::pair{"client_secret", &client_secret},
        std::pair{"token_url", &c.token_url}})
    if (Status s = OptionalString(*parsed, name, out); !s.ok()) return Fail(s);
  for (const auto& [key, value] : parsed->items())
    if (key != "base_url" && key != "user" && key != "token" && key != "password" &&
        key != "bearer" && key != "client_id" && key != "client_secret" && key != "token_url")
      return Fail(Status::InvalidArgument("unknown field '" + key + "'"));
  if (c.base_url.empty()) return Fail(Status::InvalidArgument("field 'base_url' is required"));
  const int given = !token.empty() + !password.empty() + !bearer.empty() + !client_secret.empty();
  if (given != 1)
    return Fail(Status::InvalidArgument(
        "give exactly one of 'token' (Jira API token), 'password' (ServiceNow), 'bearer' or "
        "'client_secret' (OAuth client credentials, with 'client_id')"));
  if (!c.token_url.empty() && client_secret.empty())
    return Fail(Status::InvalidArgument("'token_url' goes with 'client_id' and 'client_secret'"));
  if (!client_secret.empty()) {
    if (client_id.empty() || !c.user.empty())
      return Fail(Status::InvalidArgument("OAuth client credentials take 'client_id', not 'user'"));
    c.auth = store::AuthKind::kOAuth;
    c.user = std::move(client_id);
    c.secret = std::move(client_secret);
    if (c.token_url.empty())
      c.token_url = connect::DefaultTokenUrl(
          platform == "jira" ? connect::Platform::kJira : connect::Platform::kServiceNow,
          c.base_url);
  } else if (!client_id.empty()) {
    return Fail(Status::InvalidArgument("'client_id' goes with 'client_secret'"));
  } else if (!bearer.empty()) {
    if (!c.user.empty()) return Fail(Status::InvalidArgument("a bearer token takes no 'user'"));
    c.auth = store::AuthKind::kBearer;
    c.secret = std::move(bearer);
  } else {
    if (c.user.empty())
      return Fail(Status::InvalidArgument("field 'user' is required with a token or password"));
    c.auth = store::AuthKind::kBasic;
    c.secret = token.empty() ? std::move(password) : std::move(token);
  }
  return c;
}

std::string ConnectionsJson(const std::vector<store::Connection>& connections) {
  json list = json::array();
  for (const store::Connection& c : connections) {
    json item = {{"platform", c.platform},
                 {"base_url", c.base_url},
                 {"auth", store::AuthKindName(c.auth)},
                 {"secret_set", true},
                 {"updated_at_ms", c.updated_at_ms}};
    if (c.auth == store::AuthKind::kBasic) item["user"] = c.user;
    if (c.auth == store::AuthKind::kOAuth) {
      item["client_id"] = c.user;
      item["token_url"] = c.token_url;
    }
    list.push_back(std::move(item));
  }
  return Dump({{"connections", std::move(list)}});
}

namespace {

json OutboxItemObject(const store::OutboxItem& i) {
  return {{"id", i.id},
          {"platform", i.platform},
          {"decision_id", i.decision_id},
          {"kind", store::OutboxKindName(i.kind)},
          {"field", i.field},
          {"ticket", i.ticket_key},
          {"text", i.text},
          {"state", store::OutboxStateName(i.state)},
          {"attempts", i.attempts},
          {"next_attempt_at_ms", i.next_attempt_at_ms},
          {"last_status", i.last_status},
          {"last_error", i.last_error},
          {"created_at_ms", i.created_at_ms},
          {"sent_at_ms", i.sent_at_ms},
          {"close_code", i.close_code}};
}

}  // namespace

std::string OutboxItemJson(const store::OutboxItem& item) { return Dump(OutboxItemObject(item)); }

std::string OutboxJson(const std::vector<store::OutboxItem>& items) {
  json list = json::array();
  for (const store::OutboxItem& i : items) list.push_back(OutboxItemObject(i));
  return Dump({{"items", std::move(list)}});
}

Result<std::pair<std::uint32_t, std::string>> ParsePollingRequest(std::string_view body) {
  auto parsed = ParseJson(body);
  if (!parsed) return Fail(parsed.error());
  if (!parsed->is_object()) return Fail(Status::InvalidArgument("body must be a JSON object"));
  for (const auto& [key, value] : parsed->items())
    if (key != "interval_seconds" && key != "since")
      return Fail(Status::InvalidArgument("unknown field '" + key + "'"));
  auto interval = parsed->find("interval_seconds");
  if (interval == parsed->end() || !interval->is_number_integer() || *interval < 0 ||
      *interval > 86400)
    return Fail(Status::InvalidArgument(
        "field 'interval_seconds' must be a whole number from 0 (off) to 86400"));
  std::string since;
  if (Status s = OptionalString(*parsed, "since", &since); !s.ok()) return Fail(s);
  // ServiceNow's own form, in UTC: "2026-12-04 09:15:02".
  static const std::regex kGlide(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})");
  if (!since.empty() && !std::regex_match(since, kGlide))
    return Fail(Status::InvalidArgument("field 'since' must look like 2026-12-04 09:15:02 (UTC)"));
  return std::pair{interval->get<std::uint32_t>(), since};
}

std::string PollingJson(const store::Polling& polling) {
  return Dump({{"platform", polling.platform},
               {"interval_seconds", polling.interval_s},
               {"watermark", polling.watermark},
               {"last_poll_ms", polling.last_poll_ms},
               {"last_error", polling.last_error}});
}

std::string MajorIncidentsJson(const std::vector<store::MajorIncidentRecord>& incidents) {
  json list = json::array();
  for (const store::MajorIncidentRecord& m : incidents)
    list.push_back({{"id", m.id},
                    {"service", m.service},
                    {"summary", m.summary},
                    {"first_seen_ms", m.first_seen_ms},
                    {"last_seen_ms", m.last_seen_ms},
                    {"tickets", m.ticket_ids}});
  return Dump({{"major_incidents", std::move(list)}});
}

std::string PingPongJson(std::uint32_t threshold, const std::vector<store::QueueHistory>& alerts) {
  json list = json::array();
  for (const store::QueueHistory& h : alerts)
    list.push_back({{"ticket", h.external_id},
                    {"reassignments", h.queues.empty() ? 0 : h.queues.size() - 1},
                    {"queues", h.queues},
                    {"last_corrected_at_ms", h.last_corrected_at_ms}});
  return Dump({{"threshold", threshold}, {"alerts", std::move(list)}});
}

}  // namespace ticketwise::server
