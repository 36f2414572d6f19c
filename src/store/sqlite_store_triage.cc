// SqliteStoreImpl: configuration documents (triage, resolution) and declared incidents (see
// sqlite_store_impl.h).
#include <string>
#include <utility>

#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

// Incident ids come from the tenant's own status page or monitoring; the same bound as articles'.
constexpr std::size_t kMaxIncidentIdBytes = kMaxArticleIdBytes;

}  // namespace

std::string_view ConfigKindName(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::kTriage:
      return "triage";
    case ConfigKind::kResolution:
      return "resolution";
    case ConfigKind::kJiraFields:
      return "jira_fields";
  }
  return "";
}

Status SqliteStoreImpl::SetConfig(std::string_view tenant, ConfigKind kind, std::string_view json,
                                  std::string_view actor) {
  const std::string what = std::string(ConfigKindName(kind)) + "_config_set";
  return WriteSetting(tenant, what, ConfigKindName(kind), actor, [&](std::int64_t now) {
    auto stmt = db_->Prepare(
        "INSERT INTO tenant_configs (tenant_id, kind, config_json, updated_at_ms)"
        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant_id, kind) DO UPDATE SET"
        " config_json = excluded.config_json, updated_at_ms = excluded.updated_at_ms");
    if (!stmt) return stmt.error();
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    s.Bind(2, ConfigKindName(kind));
    s.Bind(3, json);
    s.Bind(4, now);
    return s.Run();
  });
}

Result<ConfigRecord> SqliteStoreImpl::GetConfig(std::string_view tenant, ConfigKind kind) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT tenant_id, config_json, updated_at_ms FROM tenant_configs"
      " WHERE tenant_id = ?1 AND kind = ?2");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, ConfigKindName(kind));
  Result<bool> row = s.Step();
  if (!row) return Fail(row.error());
  if (!*row)
    return Fail(
        Status::NotFound("no " + std::string(ConfigKindName(kind)) + " configuration is set"));
  return ConfigRecord{s.Text(0), s.Text(1), s.Int(2)};
}

Result<std::vector<ConfigRecord>> SqliteStoreImpl::Configs(ConfigKind kind) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT tenant_id, config_json, updated_at_ms FROM tenant_configs WHERE kind = ?1"
      " ORDER BY tenant_id");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, ConfigKindName(kind));
  std::vector<ConfigRecord> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back({s.Text(0), s.Text(1), s.Int(2)});
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Status SqliteStoreImpl::PutIncidents(std::string_view tenant,
                                     const std::vector<IncidentRecord>& incidents,
                                     std::string_view actor) {
  for (const IncidentRecord& i : incidents) {
    if (i.id.empty() || i.id.size() > kMaxIncidentIdBytes)
      return Status::InvalidArgument("an incident id must have 1 to " +
                                     std::to_string(kMaxIncidentIdBytes) + " bytes");
  }
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return s;
  if (Status s = TenantExistsLocked(tenant); !s.ok()) return s;
  auto stmt = db_->Prepare(
      "INSERT INTO incidents (tenant_id, id, incident_json, updated_at_ms) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (tenant_id, id) DO UPDATE SET incident_json = excluded.incident_json,"
      " updated_at_ms = excluded.updated_at_ms");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  for (const IncidentRecord& i : incidents) {
    s.Bind(1, tenant);
    s.Bind(2, i.id);
    s.Bind(3, i.json);
    s.Bind(4, now);
    if (Status st = s.Run(); !st.ok()) return st;
    s.Reset();
    AuditRecord audit{.tenant_id = std::string(tenant),
                      .at_ms = now,
                      .what = "incident_declared",
                      .subject_id = i.id,
                      .actor = std::string(actor)};
    if (Status st = AppendAuditLocked(audit); !st.ok()) return st;
  }
  return tx.Commit();
}

Result<std::vector<IncidentRecord>> SqliteStoreImpl::ListIncidents(std::string_view tenant) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT id, incident_json, updated_at_ms FROM incidents WHERE tenant_id = ?1 ORDER BY id");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  std::vector<IncidentRecord> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back({s.Text(0), s.Text(1), s.Int(2)});
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

}  // namespace ticketwise::store
