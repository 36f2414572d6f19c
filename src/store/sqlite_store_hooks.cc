// SqliteStoreImpl: webhook secrets and the inbox of webhook deliveries (see sqlite_store_impl.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

constexpr std::string_view kInboxStates[] = {"pending", "done", "failed"};

Status CheckPlatform(std::string_view platform) {
  if (platform == "jira" || platform == "servicenow") return Status::Ok();
  return Status::InvalidArgument("unknown platform '" + std::string(platform) +
                                 "' (jira or servicenow)");
}

}  // namespace

std::string_view InboxStateName(InboxState state) {
  return kInboxStates[static_cast<std::size_t>(state)];
}

std::optional<InboxState> ParseInboxState(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kInboxStates); ++i)
    if (kInboxStates[i] == name) return static_cast<InboxState>(i);
  return std::nullopt;
}

Status SqliteStoreImpl::SetWebhookSecret(std::string_view tenant, std::string_view platform,
                                         std::string_view secret, std::string_view actor) {
  if (Status s = CheckPlatform(platform); !s.ok()) return s;
  if (secret.empty()) return Status::InvalidArgument("the webhook secret must not be empty");
  return WriteSetting(tenant, "webhook_secret_set", platform, actor, [&](std::int64_t now) {
    auto stmt = db_->Prepare(
        "INSERT INTO webhook_secrets (tenant_id, platform, secret, updated_at_ms)"
        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant_id, platform) DO UPDATE SET"
        " secret = excluded.secret, updated_at_ms = excluded.updated_at_ms");
    if (!stmt) return stmt.error();
    (*stmt)->Bind(1, tenant);
    (*stmt)->Bind(2, platform);
    (*stmt)->Bind(3, secret);
    (*stmt)->Bind(4, now);
    return (*stmt)->Run();
  });
}

Result<std::string> SqliteStoreImpl::WebhookSecret(std::string_view tenant,
                                                   std::string_view platform) {
  std::lock_guard lock(mu_);
  auto stmt =
      db_->Prepare("SELECT secret FROM webhook_secrets WHERE tenant_id = ?1 AND platform = ?2");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->Bind(1, tenant);
  (*stmt)->Bind(2, platform);
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no " + std::string(platform) + " webhook secret"));
  return (*stmt)->Text(0);
}

Result<std::vector<std::string>> SqliteStoreImpl::WebhookPlatforms(std::string_view tenant) {
  std::lock_guard lock(mu_);
  auto stmt =
      db_->Prepare("SELECT platform FROM webhook_secrets WHERE tenant_id = ?1 ORDER BY platform");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  std::vector<std::string> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back(s.Text(0));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Result<InboxEnqueue> SqliteStoreImpl::EnqueueInbox(std::string_view tenant,
                                                   std::string_view platform,
                                                   std::string_view delivery_key,
                                                   std::string_view body) {
  if (delivery_key.empty() || delivery_key.size() > kMaxDeliveryKeyBytes)
    return Fail(Status::InvalidArgument("a delivery key must have 1 to " +
                                        std::to_string(kMaxDeliveryKeyBytes) + " bytes"));
  // Committed with the deliveries other threads acknowledge at the same moment (group commit).
  InboxEnqueue out;
  const Status written = CommitInGroup([&]() -> Status {
    out = {};
    auto insert = db_->Prepare(
        "INSERT INTO inbox (tenant_id, platform, delivery_key, body, received_at_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tenant_id, platform, delivery_key) DO NOTHING"
        " RETURNING id");
    if (!insert) return insert.error();
    Stmt& s = **insert;
    s.Bind(1, tenant);
    s.Bind(2, platform);
    s.Bind(3, delivery_key);
    s.BindBlob(4, body.data(), body.size());
    s.Bind(5, Now());
    Result<bool> row = s.Step();
    if (!row) return row.error();
    if (*row) {
      out.id = s.Int(0);
      return Status::Ok();
    }
    auto existing = db_->Prepare(
        "SELECT id FROM inbox WHERE tenant_id = ?1 AND platform = ?2 AND delivery_key = ?3");
    if (!existing) return existing.error();
    (*existing)->Bind(1, tenant);
    (*existing)->Bind(2, platform);
    (*existing)->Bind(3, delivery_key);
    Result<bool> found = (*existing)->Step();
    if (!found) return found.error();
    if (!*found) return Status::Internal("inbox item vanished during its insert");
    out.id = (*existing)->Int(0);
    out.duplicate = true;
    return Status::Ok();
  });
  if (!written.ok()) return Fail(written);
  return out;
}

Result<std::vector<InboxItem>> SqliteStoreImpl::PendingInbox(std::int64_t after_id,
                                                             std::uint32_t limit) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT id, tenant_id, platform, delivery_key, body, received_at_ms, attempts FROM inbox"
      " WHERE state = 'pending' AND id > ?1 ORDER BY id LIMIT ?2");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, after_id);
  s.Bind(2, static_cast<std::int64_t>(std::clamp<std::uint32_t>(limit, 1, kMaxListLimit)));
  std::vector<InboxItem> out;
  if (Status st = s.ForEachRow([&] {
        InboxItem item;
        item.id = s.Int(0);
        item.tenant_id = s.Text(1);
        item.platform = s.Text(2);
        item.delivery_key = s.Text(3);
        item.body = std::string(s.Blob(4));
        item.received_at_ms = s.Int(5);
        item.attempts = static_cast<std::uint32_t>(s.Int(6));
        out.push_back(std::move(item));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Status SqliteStoreImpl::FinishInbox(std::int64_t id, bool ok, std::string_view result, bool retry) {
  std::lock_guard lock(mu_);
  // A processed delivery's body (the platform's payload, personal data and all) is not kept: the
  // ticket it carried is stored in its own form, and a done row is never processed again. Failed
  // and pending rows keep theirs, to be processed or looked into.
  auto stmt = db_->Prepare(
      "UPDATE inbox SET state = ?2, attempts = attempts + ?3, result = ?4, processed_at_ms = ?5,"
      " body = CASE WHEN ?2 = 'done' THEN zeroblob(0) ELSE body END WHERE id = ?1");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, id);
  s.Bind(2, ok ? "done" : (retry ? "pending" : "failed"));
  s.Bind(3, static_cast<std::int64_t>(ok ? 0 : 1));
  s.Bind(4, result);
  s.Bind(5, Now());
  if (Status st = s.Run(); !st.ok()) return st;
  if (db_->Changes() == 0) return Status::NotFound("no inbox item " + std::to_string(id));
  return Status::Ok();
}

Result<std::vector<InboxItem>> SqliteStoreImpl::ListInbox(std::string_view tenant,
                                                          std::optional<InboxState> state,
                                                          std::uint32_t limit) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT id, platform, delivery_key, received_at_ms, state, attempts, result, processed_at_ms"
      " FROM inbox WHERE tenant_id = ?1 AND (?2 = '' OR state = ?2) ORDER BY id DESC LIMIT ?3");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, state ? InboxStateName(*state) : std::string_view());
  s.Bind(3, static_cast<std::int64_t>(std::clamp<std::uint32_t>(limit, 1, kMaxListLimit)));
  std::vector<InboxItem> out;
  if (Status st = s.ForEachRow([&] {
        InboxItem item;
        item.id = s.Int(0);
        item.tenant_id = std::string(tenant);
        item.platform = s.Text(1);
        item.delivery_key = s.Text(2);
        item.received_at_ms = s.Int(3);
        item.state = ParseInboxState(s.Text(4)).value_or(InboxState::kPending);
        item.attempts = static_cast<std::uint32_t>(s.Int(5));
        item.result = s.Text(6);
        item.processed_at_ms = s.Int(7);
        out.push_back(std::move(item));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Result<InboxCounts> SqliteStoreImpl::CountInbox() {
  std::lock_guard lock(mu_);
  // Each count reads its partial index only, however many done items the inbox holds.
  auto stmt = db_->Prepare(
      "SELECT (SELECT COUNT(*) FROM inbox WHERE state = 'pending'),"
      " (SELECT COUNT(*) FROM inbox WHERE state = 'failed')");
  if (!stmt) return Fail(stmt.error());
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  return InboxCounts{(*stmt)->Int(0), (*stmt)->Int(1)};
}

Result<std::int64_t> SqliteStoreImpl::PruneInbox(std::int64_t before_ms) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare("DELETE FROM inbox WHERE state = 'done' AND processed_at_ms < ?1");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->Bind(1, before_ms);
  if (Status s = (*stmt)->Run(); !s.ok()) return Fail(s);
  return db_->Changes();
}

Result<Decision> SqliteStoreImpl::LatestDecision(std::string_view tenant,
                                                 std::string_view external_id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  auto id = LatestDecisionIdLocked(tenant, external_id, nullptr);
  if (!id) return Fail(id.error());
  if (id->empty())
    return Fail(Status::NotFound("no decision on ticket " + std::string(external_id)));
  Result<Decision> d = LoadDecisionLocked(tenant, *id);
  if (!d) return d;
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return d;
}

}  // namespace ticketwise::store
