// What of a ticket the service keeps: its text redacted by default, as it came when the tenant
// chooses (PUT /v1/privacy). docs/decisions/0021-stored-text-is-redacted.md tells why.
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>

#include "connect/signature.h"
#include "safety/redactor.h"
#include "server/server_impl.h"

namespace ticketwise::server {

bool Server::Impl::StoresRawText(const std::string& tenant) const {
  std::shared_lock lock(privacy_mu);
  return raw_text_tenants.contains(tenant);
}

Status Server::Impl::LoadPrivacy() {
  auto secret = store->InstallationSecret();
  if (!secret) return secret.error();
  installation_secret = std::move(*secret);
  auto raw = store->RawTextTenants();
  if (!raw) return raw.error();
  std::unique_lock lock(privacy_mu);
  raw_text_tenants = {raw->begin(), raw->end()};
  return Status::Ok();
}

std::string Server::Impl::RequesterKey(const std::string& tenant,
                                       std::string_view requester) const {
  if (requester.empty() || StoresRawText(tenant)) return std::string(requester);
  std::string message = tenant;
  message += '\0';
  message += requester;
  return "rq_" + connect::HmacSha256Hex(installation_secret, message).substr(0, 24);
}

Ticket Server::Impl::WithRequesterKey(const std::string& tenant, Ticket ticket) const {
  ticket.requester = RequesterKey(tenant, ticket.requester);
  return ticket;
}

void Server::Impl::ForStorage(const std::string& tenant, Ticket* ticket, Decision* decision) const {
  if (StoresRawText(tenant)) return;
  ticket->requester = RequesterKey(tenant, ticket->requester);
  // One session for the ticket and what its decision says about it: "[EMAIL_1]" is one address
  // in the title, the comments and the thread summary alike.
  safety::Redactor session;
  auto redact = [&session](std::string* text) {
    if (!text->empty()) *text = session.Redact(*text).text;
  };
  redact(&ticket->title);
  redact(&ticket->description);
  for (Comment& c : ticket->comments) redact(&c.body);
  for (auto& [name, value] : ticket->fields) redact(&value);
  if (decision == nullptr) return;
  redact(&decision->summary);
  // Resolved tickets and open duplicates are other people's tickets; articles are the tenant's
  // own documents and are kept as written.
  for (Suggestion& s : decision->suggestions) {
    if (s.kind != SourceKind::kTicket) continue;
    redact(&s.title);
    redact(&s.steps);
  }
  for (DuplicateMatch& d : decision->duplicates) redact(&d.title);
}

void Server::Impl::GetPrivacy(const httplib::Request&, httplib::Response& res,
                              const std::string& tenant) {
  res.set_content(nlohmann::json{{"store_raw_text", StoresRawText(tenant)}}.dump(), kJson);
}

void Server::Impl::PutPrivacy(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return SendError(res, 400, "invalid_argument", "body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "store_raw_text")
      return SendError(res, 400, "invalid_argument", "unknown field '" + key + "'");
  if (!body.contains("store_raw_text") || !body["store_raw_text"].is_boolean())
    return SendError(res, 400, "invalid_argument", "field 'store_raw_text' must be true or false");
  const bool raw = body["store_raw_text"].get<bool>();
  const std::string actor =
      req.get_param_value("actor").empty() ? std::string("api") : req.get_param_value("actor");
  // The store and the cache change together, so the cache ends up with what the store holds.
  std::unique_lock lock(privacy_mu);
  if (Status s = store->SetStoreRawText(tenant, raw, actor); !s.ok()) return SendStatus(res, s);
  if (raw) {
    raw_text_tenants.insert(tenant);
  } else {
    raw_text_tenants.erase(tenant);
  }
  res.set_content(nlohmann::json{{"store_raw_text", raw}}.dump(), kJson);
}

}  // namespace ticketwise::server
