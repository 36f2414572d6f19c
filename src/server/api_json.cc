#include "server/api_json.h"

#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "text/utf8.h"

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

std::string DecisionJson(const Decision& decision) {
  json fields = json::object();
  for (const FieldDecision& f : decision.fields) {
    json top = json::array();
    for (const Alternative& a : f.top) top.push_back({{"label", a.label}, {"p", a.p}});
    fields[f.field] = {{"label", f.label},         {"confidence", f.confidence},
                       {"abstained", f.abstained}, {"top", std::move(top)},
                       {"mode", ModeName(f.mode)}, {"model_version", f.model_version}};
  }
  const json out = {{"decision_id", decision.id},
                    {"ticket_id", decision.ticket_id},
                    {"created_at_ms", decision.created_at_ms},
                    {"input_hash", decision.input_hash},
                    {"fields", std::move(fields)},
                    {"engine_micros", decision.engine_micros}};
  // Stored text is valid UTF-8 (checked on the way in); replace rather than throw if not.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
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

std::string ErrorJson(std::string_view code, std::string_view message) {
  const json out = {{"error", {{"code", code}, {"message", message}}}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ticketwise::server
