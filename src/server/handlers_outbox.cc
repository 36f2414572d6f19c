// Handlers for write-back: the tenant's platform connections and the outbox of writes to them.
#include <charconv>
#include <chrono>
#include <ctime>

#include "server/api_json.h"
#include "server/server_impl.h"

namespace ticketwise::server {

void Server::Impl::ListConnections(const httplib::Request&, httplib::Response& res,
                                   const std::string& tenant) {
  auto connections = store->ListConnections(tenant);
  if (!connections) return SendStatus(res, connections.error());
  res.set_content(ConnectionsJson(*connections), kJson);
}

void Server::Impl::SetConnection(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  auto connection = ParseConnectionRequest(req.body, req.matches[1].str());
  if (!connection) return SendStatus(res, connection.error());
  if (Status s = store->SetConnection(tenant, *connection, "api"); !s.ok())
    return SendStatus(res, s);
  res.status = 204;
}

void Server::Impl::ListOutbox(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  std::optional<store::OutboxState> state;
  if (req.has_param("state")) {
    state = store::ParseOutboxState(req.get_param_value("state"));
    if (!state)
      return SendError(res, 400, "invalid_argument", "state must be pending, sent or dead");
  }
  auto limit = CountParam(req, "limit", 50, store::kMaxListLimit);
  if (!limit) return SendStatus(res, limit.error());
  auto items = store->ListOutbox(tenant, state, *limit);
  if (!items) return SendStatus(res, items.error());
  res.set_content(OutboxJson(*items), kJson);
}

void Server::Impl::RetryOutbox(const httplib::Request& req, httplib::Response& res,
                               const std::string& tenant) {
  const std::string text = req.matches[1].str();
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size())
    return SendError(res, 404, "not_found", "no outbox item " + text);
  auto item = store->RetryOutbox(tenant, id, "api");
  if (!item && item.error().code() == StatusCode::kFailedPrecondition)
    return SendError(res, 409, "not_dead", item.error().message());
  if (!item) return SendStatus(res, item.error());
  outbox->Notify();
  res.set_content(OutboxItemJson(*item), kJson);
}

void Server::Impl::SetPolling(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  auto request = ParsePollingRequest(req.body);
  if (!request) return SendStatus(res, request.error());
  auto [interval, since] = *request;
  // A first setting without `since` starts from now: only what changes from here on is read.
  if (since.empty() && !store->GetPolling(tenant, "servicenow")) {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    since.assign(text, std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc));
  }
  if (Status s = store->SetPolling(tenant, "servicenow", interval, since, "api"); !s.ok())
    return SendStatus(res, s);
  res.status = 204;
}

void Server::Impl::GetPolling(const httplib::Request&, httplib::Response& res,
                              const std::string& tenant) {
  auto polling = store->GetPolling(tenant, "servicenow");
  if (!polling) return SendStatus(res, polling.error());
  res.set_content(PollingJson(*polling), kJson);
}

connect::JiraFieldMap Server::Impl::JiraFieldsOf(const std::string& tenant) const {
  std::shared_lock lock(jira_fields_mu);
  auto it = jira_fields.find(tenant);
  return it == jira_fields.end() ? connect::JiraFieldMap{} : it->second;
}

Status Server::Impl::LoadJiraFields() {
  auto records = store->Configs(store::ConfigKind::kJiraFields);
  if (!records) return records.error();
  std::unique_lock lock(jira_fields_mu);
  for (const store::ConfigRecord& r : *records) {
    auto map = connect::ParseJiraFieldMap(r.json);
    if (!map) return map.error().WithContext("Jira field map of tenant " + r.tenant_id);
    jira_fields[r.tenant_id] = std::move(*map);
  }
  return Status::Ok();
}

void Server::Impl::PutJiraFields(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  auto map = connect::ParseJiraFieldMap(req.body);
  if (!map) return SendStatus(res, map.error());
  // Kept whole, defaults spelled out: what GET answers is what webhooks are read with.
  const std::string json = connect::JiraFieldMapJson(*map);
  std::unique_lock lock(jira_fields_mu);
  if (Status s = store->SetConfig(tenant, store::ConfigKind::kJiraFields, json, "api"); !s.ok())
    return SendStatus(res, s);
  jira_fields[tenant] = std::move(*map);
  res.set_content(json, kJson);
}

void Server::Impl::GetJiraFields(const httplib::Request&, httplib::Response& res,
                                 const std::string& tenant) {
  res.set_content(connect::JiraFieldMapJson(JiraFieldsOf(tenant)), kJson);
}

}  // namespace ticketwise::server
