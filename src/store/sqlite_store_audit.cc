// SqliteStoreImpl: the append-only, hash-chained audit trail (see sqlite_store_impl.h and
// AuditRecord in store.h).
#include <string>
#include <utility>

#include "store/secrets.h"
#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

// Length-prefixed, so that no two different records hash the same text.
void Append(std::string* out, std::string_view value) {
  *out += std::to_string(value.size());
  *out += ':';
  *out += value;
}

std::string ChainHash(const AuditRecord& r) {
  std::string text;
  Append(&text, r.prev_hash);
  Append(&text, std::to_string(r.seq));
  Append(&text, r.tenant_id);
  Append(&text, std::to_string(r.at_ms));
  Append(&text, r.what);
  Append(&text, r.subject_id);
  Append(&text, r.model_version);
  Append(&text, r.input_hash);
  Append(&text, r.actor);
  return Sha256Hex(text);
}

constexpr char kColumns[] =
    "SELECT seq, tenant_id, at_ms, what, subject_id, model_version, input_hash, actor, prev_hash,"
    " hash FROM audit";

AuditRecord ReadRecord(Stmt& s) {
  return {s.Int(0),  s.Text(1), s.Int(2),  s.Text(3), s.Text(4),
          s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9)};
}

}  // namespace

Status SqliteStoreImpl::AppendAuditLocked(const AuditRecord& record) {
  AuditRecord r = record;
  {
    auto last = db_->Prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!last) return last.error();
    Result<bool> row = (*last)->Step();
    if (!row) return row.error();
    r.seq = *row ? (*last)->Int(0) + 1 : 1;
    r.prev_hash = *row ? (*last)->Text(1) : std::string();
  }
  r.hash = ChainHash(r);
  auto stmt = db_->Prepare(
      "INSERT INTO audit (seq, tenant_id, at_ms, what, subject_id, model_version, input_hash,"
      " actor, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, r.seq);
  s.Bind(2, r.tenant_id);
  s.Bind(3, r.at_ms);
  s.Bind(4, r.what);
  s.Bind(5, r.subject_id);
  s.Bind(6, r.model_version);
  s.Bind(7, r.input_hash);
  s.Bind(8, r.actor);
  s.Bind(9, r.prev_hash);
  s.Bind(10, r.hash);
  return s.Run();
}

Result<std::vector<AuditRecord>> SqliteStoreImpl::ListAudit(std::string_view tenant,
                                                            std::uint32_t limit) {
  std::lock_guard lock(mu_);
  static const std::string sql =
      std::string(kColumns) + " WHERE tenant_id = ?1 ORDER BY seq DESC LIMIT ?2";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, static_cast<std::int64_t>(ClampLimit(limit)));
  std::vector<AuditRecord> out;
  Status status = s.ForEachRow([&] {
    out.push_back(ReadRecord(s));
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  return out;
}

Status SqliteStoreImpl::ForEachAudit(std::string_view tenant,
                                     const std::function<Status(const AuditRecord&)>& on_record) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return s;
  static const std::string sql =
      std::string(kColumns) + " WHERE ?1 = '' OR tenant_id = ?1 ORDER BY seq";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  if (Status st = s.ForEachRow([&] { return on_record(ReadRecord(s)); }); !st.ok()) return st;
  return tx.Commit();
}

Result<AuditCheck> SqliteStoreImpl::VerifyAudit() {
  AuditCheck check;
  bool have_previous = false;
  AuditRecord previous;
  auto fail = [&check](std::int64_t seq, std::string problem) {
    check.ok = false;
    check.bad_seq = seq;
    check.problem = std::move(problem);
    // Stop at the first break: what follows it cannot be judged against a broken link.
    return Status::Corruption("audit chain broken");
  };
  Status walked = ForEachAudit("", [&](const AuditRecord& r) {
    ++check.records;
    const std::string where = "record " + std::to_string(r.seq);
    if (have_previous && r.seq != previous.seq + 1) {
      if (r.seq <= previous.seq)
        return fail(r.seq,
                    where + " is out of order (after record " + std::to_string(previous.seq) + ")");
      return fail(r.seq, "records " + std::to_string(previous.seq + 1) + " to " +
                             std::to_string(r.seq - 1) + " were removed (found " + where +
                             " after record " + std::to_string(previous.seq) + ")");
    }
    if (r.hash.empty()) {
      if (check.chained > 0) return fail(r.seq, where + " lost its hash");
    } else {
      ++check.chained;
      if (r.prev_hash != (have_previous ? previous.hash : std::string()))
        return fail(r.seq, where + " does not follow record " +
                               (have_previous ? std::to_string(previous.seq) : "(none)") +
                               ": a record before it was changed, removed or reordered");
      if (ChainHash(r) != r.hash) return fail(r.seq, where + " was changed");
      check.head_hash = r.hash;
    }
    previous = r;
    have_previous = true;
    return Status::Ok();
  });
  if (!walked.ok() && check.ok) return Fail(walked);
  return check;
}

}  // namespace ticketwise::store
