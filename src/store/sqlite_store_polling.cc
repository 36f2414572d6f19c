// SqliteStoreImpl: polling of platforms that cannot send events (see sqlite_store_impl.h).
#include <string>
#include <utility>

#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

// A row of the two SELECTs below, in their column order.
Polling ReadPolling(const Stmt& s) {
  Polling p;
  p.tenant_id = s.Text(0);
  p.platform = s.Text(1);
  p.interval_s = static_cast<std::uint32_t>(s.Int(2));
  p.watermark = s.Text(3);
  p.last_poll_ms = s.Int(4);
  p.last_error = s.Text(5);
  p.updated_at_ms = s.Int(6);
  return p;
}

}  // namespace

Status SqliteStoreImpl::SetPolling(std::string_view tenant, std::string_view platform,
                                   std::uint32_t interval_s, std::string_view watermark,
                                   std::string_view actor) {
  if (platform != "servicenow")
    return Status::InvalidArgument("only servicenow is polled (jira sends webhooks)");
  return WriteSetting(tenant, "polling_set", platform, actor, [&](std::int64_t now) {
    auto stmt = db_->Prepare(
        "INSERT INTO polling (tenant_id, platform, interval_s, watermark, updated_at_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tenant_id, platform) DO UPDATE SET"
        " interval_s = excluded.interval_s, updated_at_ms = excluded.updated_at_ms,"
        " watermark = CASE WHEN excluded.watermark = ''"
        " THEN watermark ELSE excluded.watermark END");
    if (!stmt) return stmt.error();
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    s.Bind(2, platform);
    s.Bind(3, static_cast<std::int64_t>(interval_s));
    s.Bind(4, watermark);
    s.Bind(5, now);
    return s.Run();
  });
}

Result<Polling> SqliteStoreImpl::GetPolling(std::string_view tenant, std::string_view platform) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT tenant_id, platform, interval_s, watermark, last_poll_ms, last_error, updated_at_ms"
      " FROM polling WHERE tenant_id = ?1 AND platform = ?2");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->Bind(1, tenant);
  (*stmt)->Bind(2, platform);
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no polling of " + std::string(platform) + " is set"));
  return ReadPolling(**stmt);
}

Result<std::vector<Polling>> SqliteStoreImpl::ActivePolling() {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT tenant_id, platform, interval_s, watermark, last_poll_ms, last_error, updated_at_ms"
      " FROM polling WHERE interval_s > 0 ORDER BY tenant_id, platform");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  std::vector<Polling> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back(ReadPolling(s));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Status SqliteStoreImpl::RecordPoll(std::string_view tenant, std::string_view platform,
                                   std::string_view watermark, std::int64_t at_ms,
                                   std::string_view error) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "UPDATE polling SET watermark = ?3, last_poll_ms = ?4, last_error = ?5"
      " WHERE tenant_id = ?1 AND platform = ?2");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, platform);
  s.Bind(3, watermark);
  s.Bind(4, at_ms);
  s.Bind(5, error);
  if (Status st = s.Run(); !st.ok()) return st;
  if (db_->Changes() == 0) return Status::NotFound("no polling of " + std::string(platform));
  return Status::Ok();
}

}  // namespace ticketwise::store
