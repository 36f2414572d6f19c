// SqliteStoreImpl: platform connections and the outbox of writes to the platforms (see
// sqlite_store_impl.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

constexpr std::string_view kOutboxStates[] = {"pending", "sent", "dead"};
constexpr std::string_view kOutboxKinds[] = {"note", "set_field", "resolve", "reopen"};
constexpr std::string_view kAuthKinds[] = {"basic", "bearer", "oauth"};

constexpr char kOutboxColumns[] =
    "id, tenant_id, platform, decision_id, kind, field, ticket_key, target, text, state, "
    "attempts, next_attempt_at_ms, last_status, last_error, created_at_ms, sent_at_ms, close_code";

OutboxItem ReadOutboxRow(Stmt& s) {
  OutboxItem item;
  item.id = s.Int(0);
  item.tenant_id = s.Text(1);
  item.platform = s.Text(2);
  item.decision_id = s.Text(3);
  item.kind = ParseOutboxKind(s.Text(4)).value_or(OutboxKind::kNote);
  item.field = s.Text(5);
  item.ticket_key = s.Text(6);
  item.target = s.Text(7);
  item.text = s.Text(8);
  item.state = ParseOutboxState(s.Text(9)).value_or(OutboxState::kPending);
  item.attempts = static_cast<std::uint32_t>(s.Int(10));
  item.next_attempt_at_ms = s.Int(11);
  item.last_status = static_cast<int>(s.Int(12));
  item.last_error = s.Text(13);
  item.created_at_ms = s.Int(14);
  item.sent_at_ms = s.Int(15);
  item.close_code = s.Text(16);
  return item;
}

// Cuts at a UTF-8 character boundary so the kept answer stays valid text.
std::string_view CutUtf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string_view AuthKindName(AuthKind kind) { return kAuthKinds[static_cast<std::size_t>(kind)]; }

std::optional<AuthKind> ParseAuthKind(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kAuthKinds); ++i)
    if (kAuthKinds[i] == name) return static_cast<AuthKind>(i);
  return std::nullopt;
}

std::string_view OutboxStateName(OutboxState state) {
  return kOutboxStates[static_cast<std::size_t>(state)];
}

std::optional<OutboxState> ParseOutboxState(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kOutboxStates); ++i)
    if (kOutboxStates[i] == name) return static_cast<OutboxState>(i);
  return std::nullopt;
}

std::string_view OutboxKindName(OutboxKind kind) {
  return kOutboxKinds[static_cast<std::size_t>(kind)];
}

std::optional<OutboxKind> ParseOutboxKind(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kOutboxKinds); ++i)
    if (kOutboxKinds[i] == name) return static_cast<OutboxKind>(i);
  return std::nullopt;
}

Status SqliteStoreImpl::SetConnection(std::string_view tenant, const Connection& c,
                                      std::string_view actor) {
  if (c.platform != "jira" && c.platform != "servicenow")
    return Status::InvalidArgument("unknown platform '" + c.platform + "' (jira or servicenow)");
  if (!c.base_url.starts_with("https://") && !c.base_url.starts_with("http://"))
    return Status::InvalidArgument("the base URL must start with https://");
  if (c.base_url.size() <= std::string_view("https://").size() ||
      c.base_url.find_first_of(" \t\r\n") != std::string::npos)
    return Status::InvalidArgument("the base URL is not a URL");
  if (c.secret.empty()) return Status::InvalidArgument("the token or password must not be empty");
  if (c.auth == AuthKind::kBasic && c.user.empty())
    return Status::InvalidArgument("Basic auth needs a user");
  if (c.auth == AuthKind::kOAuth && (c.user.empty() || !(c.token_url.starts_with("https://") ||
                                                         c.token_url.starts_with("http://"))))
    return Status::InvalidArgument("OAuth client credentials need a client id and a token URL");
  std::string base = c.base_url;
  while (base.ends_with('/')) base.pop_back();
  return WriteSetting(tenant, "connection_set", c.platform, actor, [&](std::int64_t now) {
    auto stmt = db_->Prepare(
        "INSERT INTO connections (tenant_id, platform, base_url, auth, user, secret, updated_at_ms,"
        " token_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (tenant_id, platform)"
        " DO UPDATE SET base_url = excluded.base_url, auth = excluded.auth, user = excluded.user,"
        " secret = excluded.secret, updated_at_ms = excluded.updated_at_ms,"
        " token_url = excluded.token_url");
    if (!stmt) return stmt.error();
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    s.Bind(2, c.platform);
    s.Bind(3, base);
    s.Bind(4, AuthKindName(c.auth));
    s.Bind(5, c.auth == AuthKind::kBearer ? std::string_view() : std::string_view(c.user));
    s.Bind(6, c.secret);
    s.Bind(7, now);
    s.Bind(8, c.auth == AuthKind::kOAuth ? std::string_view(c.token_url) : std::string_view());
    return s.Run();
  });
}

Result<Connection> SqliteStoreImpl::GetConnection(std::string_view tenant,
                                                  std::string_view platform) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT base_url, auth, user, secret, updated_at_ms, token_url FROM connections"
      " WHERE tenant_id = ?1 AND platform = ?2");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, platform);
  Result<bool> row = s.Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no " + std::string(platform) + " connection"));
  Connection c;
  c.platform = std::string(platform);
  c.base_url = s.Text(0);
  c.auth = ParseAuthKind(s.Text(1)).value_or(AuthKind::kBasic);
  c.user = s.Text(2);
  c.secret = s.Text(3);
  c.updated_at_ms = s.Int(4);
  c.token_url = s.Text(5);
  return c;
}

Result<std::vector<Connection>> SqliteStoreImpl::ListConnections(std::string_view tenant) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT platform, base_url, auth, user, updated_at_ms, token_url FROM connections"
      " WHERE tenant_id = ?1 ORDER BY platform");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  std::vector<Connection> out;
  if (Status st = s.ForEachRow([&] {
        Connection c;
        c.platform = s.Text(0);
        c.base_url = s.Text(1);
        c.auth = ParseAuthKind(s.Text(2)).value_or(AuthKind::kBasic);
        c.user = s.Text(3);
        c.updated_at_ms = s.Int(4);
        c.token_url = s.Text(5);
        out.push_back(std::move(c));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Result<std::vector<std::int64_t>> SqliteStoreImpl::EnqueueOutbox(
    std::string_view tenant, const std::vector<OutboxItem>& items) {
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  if (Status s = TenantExistsLocked(tenant); !s.ok()) return Fail(s);
  std::vector<std::int64_t> ids;
  for (const OutboxItem& item : items) {
    if (item.decision_id.empty() || item.target.empty())
      return Fail(Status::InvalidArgument("an outbox item needs a decision and a target"));
    {
      auto insert = db_->Prepare(
          "INSERT INTO outbox (tenant_id, platform, decision_id, kind, field, ticket_key, target,"
          " text, next_attempt_at_ms, created_at_ms, close_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
          "?7,"
          " ?8, ?9, ?9, ?10) ON CONFLICT (tenant_id, decision_id, kind, field) DO NOTHING");
      if (!insert) return Fail(insert.error());
      Stmt& s = **insert;
      s.Bind(1, tenant);
      s.Bind(2, item.platform);
      s.Bind(3, item.decision_id);
      s.Bind(4, OutboxKindName(item.kind));
      s.Bind(5, item.field);
      s.Bind(6, item.ticket_key);
      s.Bind(7, item.target);
      s.Bind(8, item.text);
      s.Bind(9, now);
      s.Bind(10, item.close_code);
      if (Status st = s.Run(); !st.ok()) return Fail(st);
    }
    auto id = db_->Prepare(
        "SELECT id FROM outbox WHERE tenant_id = ?1 AND decision_id = ?2 AND kind = ?3 AND"
        " field = ?4");
    if (!id) return Fail(id.error());
    (*id)->Bind(1, tenant);
    (*id)->Bind(2, item.decision_id);
    (*id)->Bind(3, OutboxKindName(item.kind));
    (*id)->Bind(4, item.field);
    Result<bool> row = (*id)->Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::Internal("outbox item vanished during its insert"));
    ids.push_back((*id)->Int(0));
  }
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return ids;
}

Result<std::vector<OutboxItem>> SqliteStoreImpl::PendingOutbox(std::uint32_t limit) {
  std::lock_guard lock(mu_);
  const std::string sql = std::string("SELECT ") + kOutboxColumns +
                          " FROM outbox WHERE state = 'pending' ORDER BY next_attempt_at_ms, id"
                          " LIMIT ?1";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, static_cast<std::int64_t>(ClampLimit(limit)));
  std::vector<OutboxItem> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back(ReadOutboxRow(s));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Status SqliteStoreImpl::StartOutboxAttempt(std::int64_t id) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "UPDATE outbox SET attempts = attempts + (state = 'pending') WHERE id = ?1 RETURNING state");
  if (!stmt) return stmt.error();
  (*stmt)->Bind(1, id);
  Result<bool> row = (*stmt)->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound("no outbox item " + std::to_string(id));
  // The change is made by the first step; the statement is reset when it goes out of scope.
  const std::string state = (*stmt)->Text(0);
  if (state != "pending")
    return Status::FailedPrecondition("outbox item " + std::to_string(id) + " is " + state);
  return Status::Ok();
}

Result<std::int64_t> SqliteStoreImpl::WithdrawResolve(std::string_view tenant,
                                                      std::string_view decision_id,
                                                      std::string_view reason) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  const std::string sql = std::string("SELECT ") + kOutboxColumns +
                          " FROM outbox WHERE tenant_id = ?1 AND decision_id = ?2 AND"
                          " kind = 'resolve'";
  auto find = db_->Prepare(sql.c_str());
  if (!find) return Fail(find.error());
  (*find)->Bind(1, tenant);
  (*find)->Bind(2, decision_id);
  Result<bool> row = (*find)->Step();
  if (!row) return Fail(row.error());
  if (!*row)
    return Fail(Status::NotFound("decision " + std::string(decision_id) +
                                 " resolved nothing on a platform"));
  const OutboxItem resolve = ReadOutboxRow(**find);
  const std::string why = "withdrawn: " + std::string(reason);
  if (resolve.state == OutboxState::kPending) {
    auto stop = db_->Prepare("UPDATE outbox SET state = 'dead', last_error = ?2 WHERE id = ?1");
    if (!stop) return Fail(stop.error());
    (*stop)->Bind(1, resolve.id);
    (*stop)->Bind(2, CutUtf8(why, kMaxOutboxErrorBytes));
    if (Status s = (*stop)->Run(); !s.ok()) return Fail(s);
  }
  // Never attempted, or given up on: the ticket was not resolved by it.
  const bool may_have_arrived = resolve.state == OutboxState::kSent || resolve.attempts > 0;
  if (!may_have_arrived || resolve.state == OutboxState::kDead) {
    if (Status s = tx.Commit(); !s.ok()) return Fail(s);
    return std::int64_t{0};
  }
  const std::int64_t now = Now();
  auto insert = db_->Prepare(
      "INSERT INTO outbox (tenant_id, platform, decision_id, kind, field, ticket_key, target, text,"
      " next_attempt_at_ms, created_at_ms) VALUES (?1, ?2, ?3, 'reopen', 'resolution', ?4, ?5,"
      " ?6, ?7, ?7) ON CONFLICT (tenant_id, decision_id, kind, field) DO NOTHING");
  if (!insert) return Fail(insert.error());
  Stmt& s = **insert;
  s.Bind(1, tenant);
  s.Bind(2, resolve.platform);
  s.Bind(3, decision_id);
  s.Bind(4, resolve.ticket_key);
  s.Bind(5, resolve.target);
  s.Bind(6, std::string(reason));
  s.Bind(7, now);
  if (Status st = s.Run(); !st.ok()) return Fail(st);
  auto id = db_->Prepare(
      "SELECT id FROM outbox WHERE tenant_id = ?1 AND decision_id = ?2 AND kind = 'reopen'");
  if (!id) return Fail(id.error());
  (*id)->Bind(1, tenant);
  (*id)->Bind(2, decision_id);
  Result<bool> found = (*id)->Step();
  if (!found) return Fail(found.error());
  if (!*found) return Fail(Status::Internal("reopen write vanished during its insert"));
  const std::int64_t reopen = (*id)->Int(0);
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  return reopen;
}

Status SqliteStoreImpl::MarkOutboxSent(std::int64_t id, int http_status) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "UPDATE outbox SET state = 'sent', last_status = ?2, last_error = '', sent_at_ms = ?3"
      " WHERE id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->Bind(1, id);
  (*stmt)->Bind(2, static_cast<std::int64_t>(http_status));
  (*stmt)->Bind(3, Now());
  if (Status s = (*stmt)->Run(); !s.ok()) return s;
  if (db_->Changes() == 0) return Status::NotFound("no outbox item " + std::to_string(id));
  return Status::Ok();
}

Status SqliteStoreImpl::MarkOutboxFailed(std::int64_t id, int http_status, std::string_view error,
                                         bool dead, std::int64_t next_attempt_at_ms) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "UPDATE outbox SET state = ?2, last_status = ?3, last_error = ?4, next_attempt_at_ms = ?5"
      " WHERE id = ?1");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, id);
  s.Bind(2, dead ? "dead" : "pending");
  s.Bind(3, static_cast<std::int64_t>(http_status));
  s.Bind(4, CutUtf8(error, kMaxOutboxErrorBytes));
  s.Bind(5, next_attempt_at_ms);
  if (Status st = s.Run(); !st.ok()) return st;
  if (db_->Changes() == 0) return Status::NotFound("no outbox item " + std::to_string(id));
  return Status::Ok();
}

Result<std::vector<OutboxItem>> SqliteStoreImpl::ListOutbox(std::string_view tenant,
                                                            std::optional<OutboxState> state,
                                                            std::uint32_t limit) {
  std::lock_guard lock(mu_);
  const std::string sql = std::string("SELECT ") + kOutboxColumns +
                          " FROM outbox WHERE tenant_id = ?1 AND (?2 = '' OR state = ?2)"
                          " ORDER BY id DESC LIMIT ?3";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, state ? OutboxStateName(*state) : std::string_view());
  s.Bind(3, static_cast<std::int64_t>(ClampLimit(limit)));
  std::vector<OutboxItem> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back(ReadOutboxRow(s));
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

Result<OutboxItem> SqliteStoreImpl::RetryOutbox(std::string_view tenant, std::int64_t id,
                                                std::string_view actor) {
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  OutboxItem item;
  {
    const std::string sql =
        std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE tenant_id = ?1 AND id = ?2";
    auto stmt = db_->Prepare(sql.c_str());
    if (!stmt) return Fail(stmt.error());
    (*stmt)->Bind(1, tenant);
    (*stmt)->Bind(2, id);
    Result<bool> row = (*stmt)->Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::NotFound("no outbox item " + std::to_string(id)));
    item = ReadOutboxRow(**stmt);
  }
  if (item.state != OutboxState::kDead)
    return Fail(Status::FailedPrecondition("outbox item " + std::to_string(id) + " is " +
                                           std::string(OutboxStateName(item.state)) +
                                           ", not dead"));
  auto update =
      db_->Prepare("UPDATE outbox SET state = 'pending', next_attempt_at_ms = ?2 WHERE id = ?1");
  if (!update) return Fail(update.error());
  (*update)->Bind(1, id);
  (*update)->Bind(2, now);
  if (Status s = (*update)->Run(); !s.ok()) return Fail(s);
  AuditRecord audit{.tenant_id = std::string(tenant),
                    .at_ms = now,
                    .what = "outbox_retry",
                    .subject_id = item.decision_id,
                    .actor = std::string(actor)};
  if (Status s = AppendAuditLocked(audit); !s.ok()) return Fail(s);
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  item.state = OutboxState::kPending;
  item.next_attempt_at_ms = now;
  return item;
}

Result<std::array<std::int64_t, 3>> SqliteStoreImpl::CountOutbox() {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  std::array<std::int64_t, 3> out{};
  if (Status st = s.ForEachRow([&] {
        if (auto state = ParseOutboxState(s.Text(0)))
          out[static_cast<std::size_t>(*state)] = s.Int(1);
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

}  // namespace ticketwise::store
