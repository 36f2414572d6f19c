#include "store/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <utility>

#include "store/codec.h"
#include "store/schema.h"
#include "store/secrets.h"
#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

constexpr std::size_t kMaxTenantNameBytes = 200;
constexpr std::size_t kMaxIdempotencyKeyBytes = 255;

// Appends `value` with its length, so that no two different field lists encode alike.
void AppendField(std::string* out, std::string_view value) {
  *out += std::to_string(value.size());
  *out += ':';
  *out += value;
}

// SHA-256 over everything a client sends about a ticket except timestamps: what decides whether a
// repeated request is the same request.
std::string ContentHash(const Ticket& t) {
  std::string canonical;
  for (std::string_view v :
       {std::string_view(t.external_id), std::string_view(t.title), std::string_view(t.description),
        std::string_view(t.requester), std::string_view(t.service)})
    AppendField(&canonical, v);
  canonical += 'C';
  for (const Comment& c : t.comments) {
    AppendField(&canonical, c.author);
    AppendField(&canonical, c.body);
    AppendField(&canonical, VisibilityName(c.visibility));
  }
  canonical += 'F';
  for (const auto& [name, value] : t.fields) {
    AppendField(&canonical, name);
    AppendField(&canonical, value);
  }
  return Sha256Hex(canonical);
}

// Runs a PRAGMA that answers with one row and returns that row's first column as text.
Result<std::string> PragmaText(Db* db, const char* sql) {
  auto stmt = db->Prepare(sql);
  if (!stmt) return Fail(stmt.error());
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  return *row ? (*stmt)->Text(0) : std::string();
}

Status Configure(Db* db) {
  // Asking for WAL is also the first read of the file, so a file that is not a database fails here.
  Result<std::string> mode = PragmaText(db, "PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  // In-memory databases cannot use WAL and say "memory"; every file must.
  if (*mode != "wal" && *mode != "memory") {
    return Status::Unavailable("could not switch to WAL (journal_mode is " + *mode + ")");
  }
  if (Status s = db->Exec("PRAGMA synchronous = NORMAL"); !s.ok()) return s;
  // Deleted content (a processed delivery's body, text replaced by an update) is overwritten
  // with zeros instead of lingering in free pages of the file.
  if (Status s = db->Exec("PRAGMA secure_delete = ON"); !s.ok()) return s;
  return db->Exec("PRAGMA foreign_keys = ON");
}

}  // namespace

std::uint32_t ClampLimit(std::uint32_t limit) { return std::clamp(limit, 1u, kMaxListLimit); }

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options) {
  Result<std::unique_ptr<Db>> db = Db::Open(path, options.busy_timeout_ms);
  if (!db) return Fail(db.error());
  if (Status s = Configure(db->get()); !s.ok()) return Fail(s.WithContext(path));
  if (Status s = Migrate(db->get()); !s.ok()) return Fail(s.WithContext(path));
  std::unique_ptr<Db> checkpointer;
  if (path != ":memory:" && !path.empty()) {
    // Commits only append to the WAL; the background checkpointer folds it back (see
    // SqliteStoreImpl), so a request never pays for a checkpoint.
    Result<std::unique_ptr<Db>> second = Db::Open(path, options.busy_timeout_ms);
    if (second && (*db)->Exec("PRAGMA wal_autocheckpoint = 0").ok())
      checkpointer = std::move(*second);
  }
  return std::unique_ptr<Store>(
      new SqliteStoreImpl(std::move(*db), options, std::move(checkpointer)));
}

SqliteStoreImpl::SqliteStoreImpl(std::unique_ptr<Db> db, SqliteStoreOptions options,
                                 std::unique_ptr<Db> checkpointer)
    : checkpoint_db_(std::move(checkpointer)), db_(std::move(db)), options_(std::move(options)) {
  if (checkpoint_db_ != nullptr) checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

SqliteStoreImpl::~SqliteStoreImpl() {
  {
    std::lock_guard lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void SqliteStoreImpl::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mu_);
  while (!checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(200),
                                  [this] { return stopping_; })) {
    lock.unlock();
    // PASSIVE never waits for or blocks a writer; what it cannot copy now it copies next time. A
    // failure (a busy file) is retried on the next tick.
    static_cast<void>(checkpoint_db_->Exec("PRAGMA wal_checkpoint(PASSIVE)"));
    lock.lock();
  }
}

std::int64_t SqliteStoreImpl::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<NewTenant> SqliteStoreImpl::CreateTenant(std::string_view name) {
  if (name.empty() || name.size() > kMaxTenantNameBytes) {
    return Fail(Status::InvalidArgument("tenant name must be 1 to 200 bytes"));
  }
  Result<std::string> id = RandomId("tn_", 8);
  if (!id) return Fail(id.error());
  Result<std::string> key = NewApiKey();
  if (!key) return Fail(key.error());
  const Sha256Digest hash = Sha256(*key);

  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  {
    auto taken = db_->Prepare("SELECT 1 FROM tenants WHERE name = ?1");
    if (!taken) return Fail(taken.error());
    (*taken)->Bind(1, name);
    Result<bool> row = (*taken)->Step();
    if (!row) return Fail(row.error());
    if (*row) return Fail(Status::AlreadyExists("tenant '" + std::string(name) + "' exists"));
  }
  auto insert = db_->Prepare(
      "INSERT INTO tenants (id, name, key_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return Fail(insert.error());
  (*insert)->Bind(1, *id);
  (*insert)->Bind(2, name);
  (*insert)->BindBlob(3, hash.data(), hash.size());
  (*insert)->Bind(4, Now());
  if (Status s = (*insert)->Run(); !s.ok()) return Fail(s);
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return NewTenant{std::move(*id), std::move(*key)};
}

Result<std::string> SqliteStoreImpl::FindTenantByApiKey(std::string_view api_key) {
  if (api_key.empty()) return Fail(Status::NotFound("no API key"));
  const Sha256Digest hash = Sha256(api_key);
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare("SELECT id, key_hash FROM tenants WHERE key_hash = ?1");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->BindBlob(1, hash.data(), hash.size());
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("unknown API key"));
  // The index lookup already matched; the constant-time comparison guards against a lookup that
  // matched loosely (collation, type affinity) ever granting access.
  const std::string_view stored = (*stmt)->Blob(1);
  Sha256Digest stored_hash{};
  if (stored.size() != stored_hash.size()) return Fail(Status::NotFound("unknown API key"));
  std::copy(stored.begin(), stored.end(), stored_hash.begin());
  if (!DigestsEqual(hash, stored_hash)) return Fail(Status::NotFound("unknown API key"));
  return (*stmt)->Text(0);
}

Result<std::vector<Tenant>> SqliteStoreImpl::ListTenants() {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare("SELECT id, name, created_at_ms FROM tenants ORDER BY rowid");
  if (!stmt) return Fail(stmt.error());
  std::vector<Tenant> out;
  Stmt& s = **stmt;
  Status status = s.ForEachRow([&] {
    out.push_back({s.Text(0), s.Text(1), s.Int(2)});
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  return out;
}

Status SqliteStoreImpl::WriteSetting(std::string_view tenant, std::string_view what,
                                     std::string_view subject, std::string_view actor,
                                     const std::function<Status(std::int64_t now)>& write) {
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return s;
  if (Status s = TenantExistsLocked(tenant); !s.ok()) return s;
  if (Status s = write(now); !s.ok()) return s;
  AuditRecord audit{.tenant_id = std::string(tenant),
                    .at_ms = now,
                    .what = std::string(what),
                    .subject_id = std::string(subject),
                    .actor = std::string(actor)};
  if (Status s = AppendAuditLocked(audit); !s.ok()) return s;
  return tx.Commit();
}

Status SqliteStoreImpl::TenantExistsLocked(std::string_view tenant) {
  auto stmt = db_->Prepare("SELECT 1 FROM tenants WHERE id = ?1");
  if (!stmt) return stmt.error();
  (*stmt)->Bind(1, tenant);
  Result<bool> row = (*stmt)->Step();
  if (!row) return row.error();
  return *row ? Status::Ok() : Status::NotFound("unknown tenant");
}

Result<std::string> SqliteStoreImpl::UpsertTicketLocked(std::string_view tenant,
                                                        const Ticket& ticket, std::int64_t now) {
  Result<std::string> fresh_id = OrderedId("t_", 6);
  if (!fresh_id) return Fail(fresh_id.error());
  std::string id;
  {
    // On conflict the row keeps its id, which RETURNING hands back either way.
    auto upsert = db_->Prepare(
        "INSERT INTO tickets (id, tenant_id, external_id, title, description, requester, service,"
        " created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        " ON CONFLICT (tenant_id, external_id) DO UPDATE SET title = excluded.title,"
        " description = excluded.description, requester = excluded.requester,"
        " service = excluded.service, created_at_ms = excluded.created_at_ms,"
        " updated_at_ms = excluded.updated_at_ms RETURNING id");
    if (!upsert) return Fail(upsert.error());
    Stmt& s = **upsert;
    s.Bind(1, *fresh_id);
    s.Bind(2, tenant);
    s.Bind(3, ticket.external_id);
    s.Bind(4, ticket.title);
    s.Bind(5, ticket.description);
    s.Bind(6, ticket.requester);
    s.Bind(7, ticket.service);
    s.Bind(8, ticket.created_at_ms);
    s.Bind(9, now);
    Result<bool> row = s.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::Internal("ticket upsert returned no id"));
    id = s.Text(0);
    if (Status st = s.Run(); !st.ok()) return Fail(st);
  }
  for (const char* sql : {"DELETE FROM ticket_comments WHERE ticket_id = ?1",
                          "DELETE FROM ticket_fields WHERE ticket_id = ?1"}) {
    auto del = db_->Prepare(sql);
    if (!del) return Fail(del.error());
    (*del)->Bind(1, id);
    if (Status s = (*del)->Run(); !s.ok()) return Fail(s);
  }
  auto comment = db_->Prepare(
      "INSERT INTO ticket_comments (ticket_id, position, author, body, visibility, created_at_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!comment) return Fail(comment.error());
  for (std::size_t i = 0; i < ticket.comments.size(); ++i) {
    const Comment& c = ticket.comments[i];
    (*comment)->Bind(1, id);
    (*comment)->Bind(2, static_cast<std::int64_t>(i));
    (*comment)->Bind(3, c.author);
    (*comment)->Bind(4, c.body);
    (*comment)->Bind(5, VisibilityName(c.visibility));
    (*comment)->Bind(6, c.created_at_ms);
    if (Status s = (*comment)->Run(); !s.ok()) return Fail(s);
    (*comment)->Reset();
  }
  auto field =
      db_->Prepare("INSERT INTO ticket_fields (ticket_id, name, value) VALUES (?1, ?2, ?3)");
  if (!field) return Fail(field.error());
  for (const auto& [name, value] : ticket.fields) {
    (*field)->Bind(1, id);
    (*field)->Bind(2, name);
    (*field)->Bind(3, value);
    if (Status s = (*field)->Run(); !s.ok()) return Fail(s);
    (*field)->Reset();
  }
  return id;
}

Status SqliteStoreImpl::RecordTriage(std::string_view tenant, const Ticket& ticket,
                                     Decision* decision, std::string_view idempotency_key,
                                     TriageOutcome* outcome) {
  if (decision == nullptr) return Status::InvalidArgument("no decision to record");
  if (ticket.external_id.empty()) return Status::InvalidArgument("ticket has no external id");
  if (!ticket.tenant.empty() && ticket.tenant != tenant) {
    return Status::InvalidArgument("ticket belongs to another tenant");
  }
  if (idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return Status::InvalidArgument("idempotency key longer than " +
                                   std::to_string(kMaxIdempotencyKeyBytes) + " bytes");
  }
  std::set<std::string_view> names;
  for (const FieldDecision& f : decision->fields) {
    if (f.field.empty()) return Status::InvalidArgument("decision field without a name");
    if (!names.insert(f.field).second) {
      return Status::InvalidArgument("field '" + f.field + "' decided twice");
    }
  }
  // Work on a copy so the caller's decision changes only when everything is committed.
  Decision d = *decision;
  Result<std::string> id = OrderedId("d_", 6);
  if (!id) return id.error();
  d.id = std::move(*id);
  d.tenant = std::string(tenant);
  if (d.input_hash.empty()) d.input_hash = Sha256Hex(ModelText(ticket));
  const std::string content_hash = ContentHash(ticket);

  PendingTriage item{tenant, &ticket, std::move(d), idempotency_key, content_hash};
  if (Status s = CommitInGroup([&] { return RecordTriageLocked(&item); }); !s.ok()) return s;
  *decision = std::move(item.decision);
  if (outcome != nullptr) outcome->replayed = item.replayed;
  return Status::Ok();
}

Status SqliteStoreImpl::CommitInGroup(const std::function<Status()>& write) {
  PendingWrite item{&write};
  std::unique_lock queue_lock(queue_mu_);
  queue_.push_back(&item);
  // A caller that finds a leader at work waits: the leader commits its item with the next batch.
  // Otherwise it leads, committing batches until the queue is empty.
  queue_cv_.wait(queue_lock, [&] { return item.done || !leader_active_; });
  if (item.done) return item.status;
  leader_active_ = true;
  while (!queue_.empty()) {
    std::vector<PendingWrite*> batch;
    batch.swap(queue_);
    queue_lock.unlock();
    CommitBatch(batch);
    queue_lock.lock();
    for (PendingWrite* p : batch) p->done = true;
    queue_cv_.notify_all();
  }
  leader_active_ = false;
  queue_cv_.notify_all();
  return item.status;
}

void SqliteStoreImpl::CommitBatch(const std::vector<PendingWrite*>& batch) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  Status begun = tx.Begin();
  if (!begun.ok()) {
    for (PendingWrite* p : batch) p->status = begun;
    return;
  }
  if (batch.size() == 1) {
    // Alone, the transaction itself is all or nothing.
    batch[0]->status = (*batch[0]->write)();
    if (!batch[0]->status.ok()) return;  // rolled back by ~Transaction
  } else {
    for (PendingWrite* p : batch) {
      if (Status s = db_->Run("SAVEPOINT write"); !s.ok()) {
        p->status = s;
        continue;
      }
      p->status = (*p->write)();
      if (!p->status.ok()) {
        if (Status s = db_->Run("ROLLBACK TO write"); !s.ok()) p->status = s;
      }
      if (Status s = db_->Run("RELEASE write"); !s.ok() && p->status.ok()) p->status = s;
    }
  }
  if (Status s = tx.Commit(); !s.ok()) {
    for (PendingWrite* p : batch) p->status = s;
  }
}

Status SqliteStoreImpl::RecordTriageLocked(PendingTriage* p) {
  Decision& d = p->decision;
  d.created_at_ms = Now();
  if (Status s = TenantExistsLocked(p->tenant); !s.ok()) return s;
  Result<std::string> replay =
      ReplayedDecisionLocked(p->tenant, p->ticket->external_id, p->content_hash, p->key);
  if (!replay) return replay.error();
  if (!replay->empty()) {
    Result<Decision> earlier = LoadDecisionLocked(p->tenant, *replay);
    if (!earlier) return earlier.error();
    d = std::move(*earlier);
    p->replayed = true;
    return Status::Ok();
  }
  Result<std::string> ticket_id = UpsertTicketLocked(p->tenant, *p->ticket, d.created_at_ms);
  if (!ticket_id) return ticket_id.error();
  d.ticket_id = std::move(*ticket_id);
  Result<std::int64_t> seq = InsertDecisionLocked(d, p->content_hash, p->key);
  if (!seq) return seq.error();

  std::string versions;
  std::set<std::string_view> seen;
  for (const FieldDecision& f : d.fields) {
    if (f.model_version.empty() || !seen.insert(f.model_version).second) continue;
    if (!versions.empty()) versions += ',';
    versions += f.model_version;
  }
  AuditRecord audit{.tenant_id = d.tenant,
                    .at_ms = d.created_at_ms,
                    .what = "triage",
                    .subject_id = d.id,
                    .model_version = std::move(versions),
                    .input_hash = d.input_hash,
                    .actor = "engine"};
  return AppendAuditLocked(audit);
}

Result<std::string> SqliteStoreImpl::ReplayedDecisionLocked(std::string_view tenant,
                                                            std::string_view external_id,
                                                            std::string_view content_hash,
                                                            std::string_view idempotency_key) {
  if (!idempotency_key.empty()) {
    auto stmt = db_->Prepare(
        "SELECT id, content_hash FROM decisions WHERE tenant_id = ?1 AND idempotency_key = ?2");
    if (!stmt) return Fail(stmt.error());
    (*stmt)->Bind(1, tenant);
    (*stmt)->Bind(2, idempotency_key);
    Result<bool> row = (*stmt)->Step();
    if (!row) return Fail(row.error());
    if (*row) {
      if ((*stmt)->Text(1) != content_hash) {
        return Fail(Status::AlreadyExists(
            "the Idempotency-Key was already used for a request with different content"));
      }
      return (*stmt)->Text(0);
    }
    return std::string();
  }
  // The latest decision on this ticket, replayed when the content is unchanged.
  std::string latest_hash;
  auto latest = LatestDecisionIdLocked(tenant, external_id, &latest_hash);
  if (!latest) return latest;
  return !latest->empty() && latest_hash == content_hash ? *latest : std::string();
}

Result<std::string> SqliteStoreImpl::LatestDecisionIdLocked(std::string_view tenant,
                                                            std::string_view external_id,
                                                            std::string* content_hash) {
  auto stmt = db_->Prepare(
      "SELECT d.id, d.content_hash FROM decisions d JOIN tickets t ON t.id = d.ticket_id"
      " WHERE t.tenant_id = ?1 AND t.external_id = ?2 ORDER BY d.seq DESC LIMIT 1");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->Bind(1, tenant);
  (*stmt)->Bind(2, external_id);
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return std::string();
  if (content_hash != nullptr) *content_hash = (*stmt)->Text(1);
  return (*stmt)->Text(0);
}

Result<StoredTicket> SqliteStoreImpl::LoadTicketLocked(std::string_view tenant,
                                                       std::string_view ticket_id) {
  StoredTicket out;
  {
    auto stmt = db_->Prepare(
        "SELECT external_id, title, description, requester, service, created_at_ms, updated_at_ms"
        " FROM tickets WHERE id = ?1 AND tenant_id = ?2");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, ticket_id);
    s.Bind(2, tenant);
    Result<bool> row = s.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::NotFound("no ticket " + std::string(ticket_id)));
    out.id = std::string(ticket_id);
    out.ticket.tenant = std::string(tenant);
    out.ticket.external_id = s.Text(0);
    out.ticket.title = s.Text(1);
    out.ticket.description = s.Text(2);
    out.ticket.requester = s.Text(3);
    out.ticket.service = s.Text(4);
    out.ticket.created_at_ms = s.Int(5);
    out.updated_at_ms = s.Int(6);
  }
  {
    auto stmt = db_->Prepare(
        "SELECT author, body, visibility, created_at_ms FROM ticket_comments WHERE ticket_id = ?1"
        " ORDER BY position");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, ticket_id);
    Status status = s.ForEachRow([&] {
      Result<Visibility> visibility = DecodeVisibility(s.Text(2));
      if (!visibility) return visibility.error();
      out.ticket.comments.push_back({s.Text(0), s.Text(1), *visibility, s.Int(3)});
      return Status::Ok();
    });
    if (!status.ok()) return Fail(status);
  }
  {
    auto stmt = db_->Prepare("SELECT name, value FROM ticket_fields WHERE ticket_id = ?1");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, ticket_id);
    Status status = s.ForEachRow([&] {
      out.ticket.fields.emplace(s.Text(0), s.Text(1));
      return Status::Ok();
    });
    if (!status.ok()) return Fail(status);
  }
  return out;
}

Result<StoredTicket> SqliteStoreImpl::GetTicket(std::string_view tenant,
                                                std::string_view ticket_id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  Result<StoredTicket> out = LoadTicketLocked(tenant, ticket_id);
  if (!out) return out;
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return out;
}

Status SqliteStoreImpl::ForEachTicket(
    std::string_view tenant,
    const std::function<Status(const StoredTicket&, bool triaged)>& on_ticket) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return s;
  std::vector<std::pair<std::string, bool>> ids;
  {
    auto stmt = db_->Prepare(
        "SELECT t.id, EXISTS (SELECT 1 FROM decisions d WHERE d.ticket_id = t.id) FROM tickets t"
        " WHERE t.tenant_id = ?1 ORDER BY t.rowid");
    if (!stmt) return stmt.error();
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    Status status = s.ForEachRow([&] {
      ids.emplace_back(s.Text(0), s.Int(1) != 0);
      return Status::Ok();
    });
    if (!status.ok()) return status;
  }
  for (const auto& [id, triaged] : ids) {
    Result<StoredTicket> t = LoadTicketLocked(tenant, id);
    if (!t) return t.error();
    if (Status s = on_ticket(*t, triaged); !s.ok()) return s;
  }
  return tx.Commit();
}

}  // namespace ticketwise::store
