// SqliteStoreImpl: decisions and feedback (see sqlite_store_impl.h).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "store/codec.h"
#include "store/secrets.h"
#include "store/sqlite_store_impl.h"

namespace ticketwise::store {

Result<std::int64_t> SqliteStoreImpl::InsertDecisionLocked(const Decision& d,
                                                           std::string_view content_hash,
                                                           std::string_view idempotency_key) {
  std::int64_t seq = 0;
  {
    auto stmt = db_->Prepare(
        "INSERT INTO decisions (id, tenant_id, ticket_id, input_hash, created_at_ms, engine_micros,"
        " content_hash, idempotency_key, match_state, match_threshold, duplicate_threshold,"
        " summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING seq");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, d.id);
    s.Bind(2, d.tenant);
    s.Bind(3, d.ticket_id);
    s.Bind(4, d.input_hash);
    s.Bind(5, d.created_at_ms);
    s.Bind(6, d.engine_micros);
    s.Bind(7, content_hash);
    if (idempotency_key.empty()) {
      s.BindNull(8);
    } else {
      s.Bind(8, idempotency_key);
    }
    s.Bind(9, MatchStateName(d.match));
    s.Bind(10, d.match_threshold);
    s.Bind(11, d.duplicate_threshold);
    s.Bind(12, d.summary);
    Result<bool> row = s.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::Internal("decision insert returned no seq"));
    seq = s.Int(0);
    if (Status st = s.Run(); !st.ok()) return Fail(st);
  }
  auto stmt = db_->Prepare(
      "INSERT INTO decision_fields (decision_seq, position, field, label, confidence, abstained,"
      " mode, model_version, alternatives, reasons)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  for (std::size_t i = 0; i < d.fields.size(); ++i) {
    const FieldDecision& f = d.fields[i];
    s.Bind(1, seq);
    s.Bind(2, static_cast<std::int64_t>(i));
    s.Bind(3, f.field);
    s.Bind(4, f.label);
    s.Bind(5, static_cast<double>(f.confidence));
    s.Bind(6, static_cast<std::int64_t>(f.abstained ? 1 : 0));
    s.Bind(7, ModeName(f.mode));
    s.Bind(8, f.model_version);
    s.Bind(9, EncodeAlternatives(f.top));
    s.Bind(10, EncodeReasons(f.reasons));
    if (Status st = s.Run(); !st.ok()) return Fail(st);
    s.Reset();
  }
  if (d.suggestions.empty() && d.duplicates.empty()) return seq;
  auto match = db_->Prepare(
      "INSERT INTO decision_matches (decision_seq, position, role, kind, source_id, title, link,"
      " steps, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!match) return Fail(match.error());
  Stmt& m = **match;
  std::int64_t position = 0;
  auto insert = [&](std::string_view role, const Suggestion& x) {
    m.Bind(1, seq);
    m.Bind(2, position++);
    m.Bind(3, role);
    m.Bind(4, SourceKindName(x.kind));
    m.Bind(5, x.source_id);
    m.Bind(6, x.title);
    m.Bind(7, x.link);
    m.Bind(8, x.steps);
    m.Bind(9, x.score);
    Status st = m.Run();
    m.Reset();
    return st;
  };
  for (const Suggestion& x : d.suggestions)
    if (Status st = insert("suggestion", x); !st.ok()) return Fail(st);
  for (const DuplicateMatch& x : d.duplicates) {
    Suggestion as_row;
    as_row.kind = SourceKind::kTicket;
    as_row.source_id = x.external_id;
    as_row.title = x.title;
    as_row.score = x.score;
    if (Status st = insert("duplicate", as_row); !st.ok()) return Fail(st);
  }
  return seq;
}

Result<std::int64_t> SqliteStoreImpl::DecisionSeqLocked(std::string_view tenant,
                                                        std::string_view decision_id) {
  auto stmt = db_->Prepare("SELECT seq FROM decisions WHERE id = ?1 AND tenant_id = ?2");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->Bind(1, decision_id);
  (*stmt)->Bind(2, tenant);
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no decision " + std::string(decision_id)));
  return (*stmt)->Int(0);
}

Result<Decision> SqliteStoreImpl::LoadDecisionLocked(std::string_view tenant,
                                                     std::string_view decision_id) {
  Decision d;
  std::int64_t seq = 0;
  {
    auto stmt = db_->Prepare(
        "SELECT seq, ticket_id, input_hash, created_at_ms, engine_micros, match_state,"
        " match_threshold, duplicate_threshold, summary FROM decisions"
        " WHERE id = ?1 AND tenant_id = ?2");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, decision_id);
    s.Bind(2, tenant);
    Result<bool> row = s.Step();
    if (!row) return Fail(row.error());
    if (!*row) return Fail(Status::NotFound("no decision " + std::string(decision_id)));
    seq = s.Int(0);
    d.id = std::string(decision_id);
    d.tenant = std::string(tenant);
    d.ticket_id = s.Text(1);
    d.input_hash = s.Text(2);
    d.created_at_ms = s.Int(3);
    d.engine_micros = s.Int(4);
    const std::optional<MatchState> match = ParseMatchState(s.Text(5));
    if (!match) return Fail(Status::Corruption("unknown match state " + s.Text(5)));
    d.match = *match;
    d.match_threshold = s.Double(6);
    d.duplicate_threshold = s.Double(7);
    d.summary = s.Text(8);
  }
  auto stmt = db_->Prepare(
      "SELECT field, label, confidence, abstained, mode, model_version, alternatives, reasons"
      " FROM decision_fields WHERE decision_seq = ?1 ORDER BY position");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, seq);
  Status status = s.ForEachRow([&] {
    FieldDecision f;
    f.field = s.Text(0);
    f.label = s.Text(1);
    f.confidence = static_cast<float>(s.Double(2));
    f.abstained = s.Int(3) != 0;
    Result<Mode> mode = DecodeMode(s.Text(4));
    if (!mode) return mode.error();
    f.mode = *mode;
    f.model_version = s.Text(5);
    Result<std::vector<Alternative>> top = DecodeAlternatives(s.Text(6));
    if (!top) return top.error();
    f.top = std::move(*top);
    Result<std::vector<std::string>> reasons = DecodeReasons(s.Text(7));
    if (!reasons) return reasons.error();
    f.reasons = std::move(*reasons);
    d.fields.push_back(std::move(f));
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  if (d.match == MatchState::kNotSearched) return d;
  auto matches = db_->Prepare(
      "SELECT role, kind, source_id, title, link, steps, score FROM decision_matches"
      " WHERE decision_seq = ?1 ORDER BY position");
  if (!matches) return Fail(matches.error());
  Stmt& m = **matches;
  m.Bind(1, seq);
  status = m.ForEachRow([&] {
    const std::optional<SourceKind> kind = ParseSourceKind(m.Text(1));
    if (!kind) return Status::Corruption("unknown source kind " + m.Text(1));
    if (m.Text(0) == "duplicate") {
      d.duplicates.push_back({m.Text(2), m.Text(3), m.Double(6)});
    } else {
      d.suggestions.push_back({*kind, m.Text(2), m.Text(3), m.Text(4), m.Text(5), m.Double(6)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  return d;
}

Result<Decision> SqliteStoreImpl::GetDecision(std::string_view tenant,
                                              std::string_view decision_id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  Result<Decision> d = LoadDecisionLocked(tenant, decision_id);
  if (!d) return d;
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return d;
}

Result<std::vector<Decision>> SqliteStoreImpl::ListDecisions(std::string_view tenant,
                                                             const DecisionQuery& query) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  // Unbounded from above unless a cursor is given; a cursor from another tenant is as unknown as
  // a made-up one.
  std::int64_t before = std::numeric_limits<std::int64_t>::max();
  if (!query.before_id.empty()) {
    Result<std::int64_t> seq = DecisionSeqLocked(tenant, query.before_id);
    if (!seq) {
      if (seq.error().code() != StatusCode::kNotFound) return Fail(seq.error());
      return Fail(Status::InvalidArgument("unknown cursor " + query.before_id));
    }
    before = *seq;
  }
  std::vector<std::string> ids;
  {
    auto stmt = db_->Prepare(
        "SELECT d.id FROM decisions d WHERE d.tenant_id = ?1 AND d.seq < ?2"
        " AND (?3 IS NULL AND ?4 IS NULL OR EXISTS (SELECT 1 FROM decision_fields f"
        " WHERE f.decision_seq = d.seq AND (?3 IS NULL OR f.field = ?3)"
        " AND (?4 IS NULL OR f.abstained = ?4)))"
        " ORDER BY d.seq DESC LIMIT ?5");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, tenant);
    s.Bind(2, before);
    if (query.field.empty()) {
      s.BindNull(3);
    } else {
      s.Bind(3, query.field);
    }
    if (query.abstained.has_value()) {
      s.Bind(4, static_cast<std::int64_t>(*query.abstained ? 1 : 0));
    } else {
      s.BindNull(4);
    }
    s.Bind(5, static_cast<std::int64_t>(ClampLimit(query.limit)));
    Status status = s.ForEachRow([&] {
      ids.push_back(s.Text(0));
      return Status::Ok();
    });
    if (!status.ok()) return Fail(status);
  }
  std::vector<Decision> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    Result<Decision> d = LoadDecisionLocked(tenant, id);
    if (!d) return Fail(d.error());
    out.push_back(std::move(*d));
  }
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return out;
}

Result<Feedback> SqliteStoreImpl::RecordFeedback(std::string_view tenant,
                                                 const Feedback& feedback) {
  if (feedback.field.empty()) return Fail(Status::InvalidArgument("feedback names no field"));
  if (feedback.verdict == Verdict::kCorrected && feedback.value.empty()) {
    return Fail(Status::InvalidArgument("a correction needs the right value"));
  }
  Feedback f = feedback;
  Result<std::string> id = OrderedId("f_", 6);
  if (!id) return Fail(id.error());
  f.id = std::move(*id);

  std::lock_guard lock(mu_);
  f.created_at_ms = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  Result<std::int64_t> seq = DecisionSeqLocked(tenant, f.decision_id);
  if (!seq) return Fail(seq.error());
  std::string model_version;
  std::string input_hash;
  {
    auto stmt = db_->Prepare(
        "SELECT f.model_version, d.input_hash FROM decision_fields f"
        " JOIN decisions d ON d.seq = f.decision_seq WHERE f.decision_seq = ?1 AND f.field = ?2");
    if (!stmt) return Fail(stmt.error());
    (*stmt)->Bind(1, *seq);
    (*stmt)->Bind(2, f.field);
    Result<bool> row = (*stmt)->Step();
    if (!row) return Fail(row.error());
    if (!*row) {
      return Fail(Status::InvalidArgument("decision " + f.decision_id + " did not decide '" +
                                          f.field + "'"));
    }
    model_version = (*stmt)->Text(0);
    input_hash = (*stmt)->Text(1);
  }
  {
    auto stmt = db_->Prepare(
        "INSERT INTO feedback (id, tenant_id, decision_seq, field, verdict, value, reason, actor,"
        " created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!stmt) return Fail(stmt.error());
    Stmt& s = **stmt;
    s.Bind(1, f.id);
    s.Bind(2, tenant);
    s.Bind(3, *seq);
    s.Bind(4, f.field);
    s.Bind(5, VerdictName(f.verdict));
    s.Bind(6, f.value);
    s.Bind(7, f.reason);
    s.Bind(8, f.actor);
    s.Bind(9, f.created_at_ms);
    if (Status st = s.Run(); !st.ok()) return Fail(st);
  }
  AuditRecord audit{.tenant_id = std::string(tenant),
                    .at_ms = f.created_at_ms,
                    .what = "feedback",
                    .subject_id = f.id,
                    .model_version = std::move(model_version),
                    .input_hash = std::move(input_hash),
                    .actor = f.actor};
  if (Status s = AppendAuditLocked(audit); !s.ok()) return Fail(s);
  if (Status s = tx.Commit(); !s.ok()) return Fail(s);
  return f;
}

Result<std::vector<Feedback>> SqliteStoreImpl::ListFeedback(std::string_view tenant,
                                                            std::string_view decision_id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  Result<std::int64_t> seq = DecisionSeqLocked(tenant, decision_id);
  if (!seq) return Fail(seq.error());
  auto stmt = db_->Prepare(
      "SELECT id, field, verdict, value, reason, actor, created_at_ms FROM feedback"
      " WHERE decision_seq = ?1 AND tenant_id = ?2 ORDER BY seq");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, *seq);
  s.Bind(2, tenant);
  std::vector<Feedback> out;
  Status status = s.ForEachRow([&] {
    Result<Verdict> verdict = ParseVerdict(s.Text(2));
    if (!verdict) return verdict.error();
    out.push_back({s.Text(0), std::string(decision_id), s.Text(1), *verdict, s.Text(3), s.Text(4),
                   s.Text(5), s.Int(6)});
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  return out;
}

Result<std::vector<ResolutionRuleReport>> SqliteStoreImpl::ResolutionReport(std::string_view tenant,
                                                                            std::int64_t since_ms) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT f.label, COUNT(*), SUM(f.abstained),"
      " SUM(EXISTS (SELECT 1 FROM outbox o WHERE o.tenant_id = d.tenant_id AND"
      "   o.decision_id = d.id AND o.kind = 'resolve' AND o.state = 'sent')),"
      " SUM(EXISTS (SELECT 1 FROM feedback b WHERE b.decision_seq = d.seq AND"
      "   b.field = 'resolution' AND b.verdict IN ('flagged', 'corrected')))"
      " FROM decisions d JOIN decision_fields f ON f.decision_seq = d.seq"
      " WHERE d.tenant_id = ?1 AND d.created_at_ms >= ?2 AND f.field = 'resolution' AND"
      " f.label != '' GROUP BY f.label ORDER BY f.label");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, since_ms);
  std::vector<ResolutionRuleReport> out;
  if (Status st = s.ForEachRow([&] {
        out.push_back({.rule = s.Text(0),
                       .applied = s.Int(1),
                       .held = s.Int(2),
                       .resolved = s.Int(3),
                       .flagged = s.Int(4)});
        return Status::Ok();
      });
      !st.ok())
    return Fail(st);
  return out;
}

}  // namespace ticketwise::store
