// Handlers for the tenant's triage configurations: priority and routing with declared incidents
// (docs/decisions/0019-triage-in-decisions.md), and auto-resolution with its replies
// (docs/decisions/0022-auto-resolution.md).
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "policy/resolution.h"
#include "server/api_json.h"
#include "server/server_impl.h"
#include "store/secrets.h"
#include "text/utf8.h"
#include "triage/config_json.h"
#include "triage/triage.h"

namespace ticketwise::server {
namespace {

// Names the configuration on the decisions it makes; the same text gives the same name, also
// after a restart.
std::string ConfigVersion(store::ConfigKind kind, std::string_view json) {
  return std::string(store::ConfigKindName(kind)) + "@" + store::Sha256Hex(json).substr(0, 16);
}

// A configuration that does not parse or does not validate is the client's to fix: always 400,
// also when the check that failed was a lookup (an unknown queue or time zone).
void SendBadConfig(httplib::Response& res, const Status& status) {
  SendError(res, 400, "invalid_argument", status.message());
}

}  // namespace

Status Server::Impl::LoadTriageConfig(const store::ConfigRecord& record) {
  auto config = triage::ParseTriageConfigJson(record.json);
  if (!config)
    return config.error().WithContext("triage configuration of tenant " + record.tenant_id);
  auto built = triage::Triage::Create(std::move(*config));
  if (!built)
    return built.error().WithContext("triage configuration of tenant " + record.tenant_id);
  engine.SetTriage(record.tenant_id, std::make_shared<const triage::Triage>(std::move(*built)),
                   ConfigVersion(store::ConfigKind::kTriage, record.json));
  return Status::Ok();
}

Status Server::Impl::LoadIncidents(const std::string& tenant) {
  auto records = store->ListIncidents(tenant);
  if (!records) return records.error();
  std::string list = "[";
  for (std::size_t i = 0; i < records->size(); ++i) {
    if (i > 0) list += ',';
    list += (*records)[i].json;
  }
  list += ']';
  auto incidents = triage::ParseIncidentsJson(list);
  if (!incidents) return Status::Corruption("stored incidents: " + incidents.error().message());
  engine.SetIncidents(tenant, std::move(*incidents));
  return Status::Ok();
}

void Server::Impl::PutTriageConfig(const httplib::Request& req, httplib::Response& res,
                                   const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  if (const std::size_t bad = text::FindInvalidUtf8(req.body); bad != std::string::npos)
    return SendError(res, 400, "invalid_argument",
                     "body is not valid UTF-8 at byte " + std::to_string(bad));
  auto config = triage::ParseTriageConfigJson(req.body);
  if (!config) return SendBadConfig(res, config.error());
  auto built = triage::Triage::Create(std::move(*config));
  if (!built) return SendBadConfig(res, built.error());
  // A category no label of the tenant's model names would never route a ticket: most likely a
  // typo. Without a model there is nothing to check against yet.
  const std::vector<std::string> categories = engine.CategoryLabels(tenant);
  if (Status s = built->CheckHeads({}, categories); !s.ok()) return SendBadConfig(res, s);
  std::lock_guard lock(triage_mu);
  if (Status s = store->SetConfig(tenant, store::ConfigKind::kTriage, req.body, "api"); !s.ok())
    return SendStatus(res, s);
  engine.SetTriage(tenant, std::make_shared<const triage::Triage>(std::move(*built)),
                   ConfigVersion(store::ConfigKind::kTriage, req.body));
  res.status = 204;
}

void Server::Impl::GetTriageConfig(const httplib::Request&, httplib::Response& res,
                                   const std::string& tenant) {
  auto record = store->GetConfig(tenant, store::ConfigKind::kTriage);
  if (!record) return SendStatus(res, record.error());
  res.set_content(record->json, kJson);
}

void Server::Impl::PostIncidents(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  // Without a configuration there is no service catalog to check against; the shape is checked.
  const std::shared_ptr<const triage::Triage> config = engine.TriageOf(tenant);
  auto records = ParseCheckedIncidents(req.body, config.get());
  if (!records) return SendStatus(res, records.error());
  std::lock_guard lock(triage_mu);
  if (Status s = store->PutIncidents(tenant, *records, "api"); !s.ok()) return SendStatus(res, s);
  if (Status s = LoadIncidents(tenant); !s.ok()) return SendStatus(res, s);
  auto all = store->ListIncidents(tenant);
  if (!all) return SendStatus(res, all.error());
  res.set_content(IncidentsJson(*all), kJson);
}

void Server::Impl::ListIncidents(const httplib::Request&, httplib::Response& res,
                                 const std::string& tenant) {
  auto all = store->ListIncidents(tenant);
  if (!all) return SendStatus(res, all.error());
  res.set_content(IncidentsJson(*all), kJson);
}

Status Server::Impl::LoadResolutionConfig(const store::ConfigRecord& record) {
  auto config = policy::ParseResolutionConfig(record.json, record.tenant_id);
  if (!config)
    return config.error().WithContext("resolution configuration of tenant " + record.tenant_id);
  config->version = ConfigVersion(store::ConfigKind::kResolution, record.json);
  engine.SetResolution(record.tenant_id,
                       std::make_shared<const policy::ResolutionConfig>(std::move(*config)));
  return Status::Ok();
}

void Server::Impl::PutResolutionConfig(const httplib::Request& req, httplib::Response& res,
                                       const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  if (const std::size_t bad = text::FindInvalidUtf8(req.body); bad != std::string::npos)
    return SendError(res, 400, "invalid_argument",
                     "body is not valid UTF-8 at byte " + std::to_string(bad));
  auto config = policy::ParseResolutionConfig(req.body, tenant);
  if (!config) return SendBadConfig(res, config.error());
  // A category the tenant's model never decides would never resolve a ticket: most likely a typo.
  const std::vector<std::string> categories = engine.CategoryLabels(tenant);
  for (const policy::ResolutionRule& rule : config->rules) {
    if (rule.category.empty() || categories.empty() ||
        std::find(categories.begin(), categories.end(), rule.category) != categories.end())
      continue;
    return SendBadConfig(
        res, Status::InvalidArgument("rule '" + rule.name + "': the model has no category '" +
                                     rule.category + "'"));
  }
  config->version = ConfigVersion(store::ConfigKind::kResolution, req.body);
  std::lock_guard lock(triage_mu);
  if (Status s = store->SetConfig(tenant, store::ConfigKind::kResolution, req.body, "api"); !s.ok())
    return SendStatus(res, s);
  engine.SetResolution(tenant,
                       std::make_shared<const policy::ResolutionConfig>(std::move(*config)));
  res.status = 204;
}

void Server::Impl::GetResolutionConfig(const httplib::Request&, httplib::Response& res,
                                       const std::string& tenant) {
  auto record = store->GetConfig(tenant, store::ConfigKind::kResolution);
  if (!record) return SendStatus(res, record.error());
  res.set_content(record->json, kJson);
}

void Server::Impl::GetResolutionReport(const httplib::Request& req, httplib::Response& res,
                                       const std::string& tenant) {
  auto days = CountParam(req, "days", 30, 365);
  if (!days) return SendStatus(res, days.error());
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::int64_t since = now - std::int64_t{*days} * 24 * 3600 * 1000;
  auto report = store->ResolutionReport(tenant, since);
  if (!report) return SendStatus(res, report.error());
  nlohmann::json rules = nlohmann::json::array();
  for (const store::ResolutionRuleReport& r : *report)
    rules.push_back({{"rule", r.rule},
                     {"applied", r.applied},
                     {"held", r.held},
                     {"resolved", r.resolved},
                     {"flagged", r.flagged}});
  res.set_content(nlohmann::json{{"days", *days}, {"since_ms", since}, {"rules", rules}}.dump(),
                  kJson);
}

std::optional<safety::OutboundMessage> Server::Impl::ResolutionReply(
    const std::string& tenant, const Ticket& ticket, const Decision& decision) const {
  const FieldDecision* f = FindField(decision, "resolution");
  if (f == nullptr || f->mode == Mode::kShadow || f->abstained || f->label.empty())
    return std::nullopt;
  const std::shared_ptr<const policy::ResolutionConfig> config = engine.ResolutionOf(tenant);
  if (config == nullptr)
    return safety::OutboundMessage{
        false, "", {{safety::PolicyRule::kNotFromTemplate, "no resolution configuration"}}};
  return policy::RenderReply(*config, f->label, ticket, decision);
}

void Server::Impl::HoldUnsafeReply(const std::string& tenant, const Ticket& ticket,
                                   Decision* decision) const {
  const FieldDecision* resolution = FindField(*decision, "resolution");
  if (resolution == nullptr || resolution->mode != Mode::kAuto) return;
  const std::optional<safety::OutboundMessage> reply = ResolutionReply(tenant, ticket, *decision);
  if (!reply || reply->customer_visible) return;
  // The ticket is not resolved: the decision stays a suggestion, and says why.
  std::string why;
  for (const safety::PolicyViolation& v : reply->reasons) {
    if (!why.empty()) why += ", ";
    why += std::string(safety::PolicyRuleName(v.rule)) + " (" + v.detail + ")";
  }
  for (FieldDecision& f : decision->fields) {
    if (f.field != "resolution") continue;
    f.mode = Mode::kSuggest;
    f.reasons.push_back("held for a person: the reply failed the outbound text check: " + why);
  }
}

}  // namespace ticketwise::server
