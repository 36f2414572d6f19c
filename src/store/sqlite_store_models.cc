// SqliteStoreImpl: imported tickets, training examples, field modes and model versions (see
// sqlite_store_impl.h).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>

#include "store/codec.h"
#include "store/sqlite_store_impl.h"

namespace ticketwise::store {
namespace {

constexpr std::size_t kMaxFieldNameBytes = 100;

std::string VersionName(std::int64_t number) { return "v" + std::to_string(number); }

// "v12" -> 12; NotFound for anything else, so a malformed version reads like an unknown one.
Result<std::int64_t> VersionNumber(std::string_view version) {
  std::int64_t number = 0;
  if (version.size() < 2 || version.front() != 'v')
    return Fail(Status::NotFound("no model version '" + std::string(version) + "'"));
  auto [ptr, ec] = std::from_chars(version.data() + 1, version.data() + version.size(), number);
  if (ec != std::errc() || ptr != version.data() + version.size() || number <= 0)
    return Fail(Status::NotFound("no model version '" + std::string(version) + "'"));
  return number;
}

Status CheckFieldName(std::string_view field) {
  if (field.empty() || field.size() > kMaxFieldNameBytes)
    return Status::InvalidArgument("field name must be 1 to 100 bytes");
  return Status::Ok();
}

constexpr char kModelColumns[] =
    "SELECT m.number, m.field, m.state, m.created_at_ms, m.finished_at_ms, m.metrics, m.error,"
    " a.number IS NOT NULL, m.tenant_id FROM models m LEFT JOIN active_models a ON a.tenant_id = "
    "m.tenant_id"
    " AND a.field = m.field AND a.number = m.number";

Result<ModelVersion> ReadModelRow(Stmt& s) {
  ModelVersion m;
  m.version = VersionName(s.Int(0));
  m.field = s.Text(1);
  Result<ModelState> state = DecodeModelState(s.Text(2));
  if (!state) return Fail(state.error());
  m.state = *state;
  m.created_at_ms = s.Int(3);
  m.finished_at_ms = s.Int(4);
  m.metrics_json = s.Text(5);
  m.error = s.Text(6);
  m.active = s.Int(7) != 0;
  return m;
}

}  // namespace

Status SqliteStoreImpl::ImportTickets(std::string_view tenant, const std::vector<Ticket>& tickets) {
  for (const Ticket& t : tickets) {
    if (t.external_id.empty()) return Status::InvalidArgument("ticket has no external id");
  }
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return s;
  if (Status s = TenantExistsLocked(tenant); !s.ok()) return s;
  for (const Ticket& t : tickets) {
    Result<std::string> id = UpsertTicketLocked(tenant, t, now);
    if (!id) return id.error();
  }
  return tx.Commit();
}

Result<std::vector<TrainingExample>> SqliteStoreImpl::TrainingExamples(std::string_view tenant,
                                                                       std::string_view field,
                                                                       std::size_t limit) {
  if (Status s = CheckFieldName(field); !s.ok()) return Fail(s);
  std::lock_guard lock(mu_);
  Transaction tx(db_.get());
  if (Status s = tx.BeginRead(); !s.ok()) return Fail(s);
  // A correction given as feedback is the ground truth; otherwise the ticket's own field value.
  auto stmt = db_->Prepare(
      "SELECT title, description, label FROM (SELECT t.rowid AS r, t.title, t.description,"
      " COALESCE((SELECT fb.value FROM feedback fb JOIN decisions d ON d.seq = fb.decision_seq"
      "   WHERE d.ticket_id = t.id AND fb.field = ?2 AND fb.verdict = 'corrected'"
      "   ORDER BY fb.seq DESC LIMIT 1),"
      "  (SELECT tf.value FROM ticket_fields tf WHERE tf.ticket_id = t.id AND tf.name = ?2))"
      "  AS label FROM tickets t WHERE t.tenant_id = ?1)"
      " WHERE label IS NOT NULL AND label <> '' ORDER BY r LIMIT ?3");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, field);
  s.Bind(3, static_cast<std::int64_t>(std::min<std::size_t>(limit, std::size_t{INT64_MAX})));
  std::vector<TrainingExample> out;
  Status status = s.ForEachRow([&] {
    Ticket t;
    t.title = s.Text(0);
    t.description = s.Text(1);
    out.push_back({ModelText(t), s.Text(2)});
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  return out;
}

Status SqliteStoreImpl::SetFieldMode(std::string_view tenant, const FieldMode& mode,
                                     std::string_view actor) {
  if (Status s = CheckFieldName(mode.field); !s.ok()) return s;
  if (!(mode.auto_min_confidence >= 0.0 && mode.auto_min_confidence <= 1.0))
    return Status::InvalidArgument("auto_min_confidence must be between 0 and 1");
  return WriteSetting(
      tenant, "mode", mode.field + "=" + std::string(ModeName(mode.mode)), actor,
      [&](std::int64_t now) {
        auto stmt = db_->Prepare(
            "INSERT INTO field_modes (tenant_id, field, mode, auto_min_confidence, updated_at_ms)"
            " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tenant_id, field) DO UPDATE SET"
            " mode = excluded.mode, auto_min_confidence = excluded.auto_min_confidence,"
            " updated_at_ms = excluded.updated_at_ms");
        if (!stmt) return stmt.error();
        Stmt& s = **stmt;
        s.Bind(1, tenant);
        s.Bind(2, mode.field);
        s.Bind(3, ModeName(mode.mode));
        s.Bind(4, mode.auto_min_confidence);
        s.Bind(5, now);
        return s.Run();
      });
}

Result<std::vector<FieldMode>> SqliteStoreImpl::ListFieldModes(std::string_view tenant) {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT field, mode, auto_min_confidence, updated_at_ms FROM field_modes"
      " WHERE tenant_id = ?1 ORDER BY field");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  std::vector<FieldMode> out;
  Status status = s.ForEachRow([&] {
    Result<Mode> mode = DecodeMode(s.Text(1));
    if (!mode) return mode.error();
    out.push_back({s.Text(0), *mode, s.Double(2), s.Int(3)});
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  return out;
}

Result<ModelVersion> SqliteStoreImpl::BeginModel(std::string_view tenant, std::string_view field) {
  if (Status s = CheckFieldName(field); !s.ok()) return Fail(s);
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  if (Status s = TenantExistsLocked(tenant); !s.ok()) return Fail(s);
  auto stmt = db_->Prepare(
      "INSERT INTO models (tenant_id, number, field, state, created_at_ms) VALUES (?1,"
      " (SELECT COALESCE(MAX(number), 0) + 1 FROM models WHERE tenant_id = ?1), ?2, 'training',"
      " ?3) RETURNING number");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, field);
  s.Bind(3, now);
  Result<bool> row = s.Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::Internal("model insert returned no number"));
  ModelVersion m{.version = VersionName(s.Int(0)),
                 .field = std::string(field),
                 .state = ModelState::kTraining,
                 .created_at_ms = now,
                 .metrics_json = "{}"};
  if (Status st = s.Run(); !st.ok()) return Fail(st);
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  return m;
}

Status SqliteStoreImpl::FinishModel(std::string_view tenant, std::string_view version,
                                    std::string_view model_bytes, std::string_view metrics_json) {
  Result<std::int64_t> number = VersionNumber(version);
  if (!number) return number.error();
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return s;
  Result<ModelVersion> m = LoadModelLocked(tenant, version);
  if (!m) return m.error();
  if (m->state != ModelState::kTraining)
    return Status::FailedPrecondition("model " + std::string(version) + " is not training");
  auto stmt = db_->Prepare(
      "UPDATE models SET state = 'ready', finished_at_ms = ?3, metrics = ?4, bytes = ?5"
      " WHERE tenant_id = ?1 AND number = ?2");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, *number);
  s.Bind(3, now);
  s.Bind(4, metrics_json);
  s.BindBlob(5, model_bytes.data(), model_bytes.size());
  if (Status st = s.Run(); !st.ok()) return st;
  AuditRecord audit{.tenant_id = std::string(tenant),
                    .at_ms = now,
                    .what = "model_trained",
                    .subject_id = std::string(version),
                    .model_version = std::string(version),
                    .actor = "engine"};
  if (Status st = AppendAuditLocked(audit); !st.ok()) return st;
  return tx.Commit();
}

Status SqliteStoreImpl::FailModel(std::string_view tenant, std::string_view version,
                                  std::string_view error) {
  Result<std::int64_t> number = VersionNumber(version);
  if (!number) return number.error();
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "UPDATE models SET state = 'failed', finished_at_ms = ?3, error = ?4"
      " WHERE tenant_id = ?1 AND number = ?2 AND state = 'training'");
  if (!stmt) return stmt.error();
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, *number);
  s.Bind(3, Now());
  s.Bind(4, error);
  return s.Run();
}

Result<ModelVersion> SqliteStoreImpl::LoadModelLocked(std::string_view tenant,
                                                      std::string_view version) {
  Result<std::int64_t> number = VersionNumber(version);
  if (!number) return Fail(number.error());
  static const std::string sql =
      std::string(kModelColumns) + " WHERE m.tenant_id = ?1 AND m.number = ?2";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, *number);
  Result<bool> row = s.Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no model version '" + std::string(version) + "'"));
  return ReadModelRow(s);
}

Result<std::vector<ModelVersion>> SqliteStoreImpl::ListModels(std::string_view tenant) {
  std::lock_guard lock(mu_);
  static const std::string sql =
      std::string(kModelColumns) + " WHERE m.tenant_id = ?1 ORDER BY m.number DESC";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  std::vector<ModelVersion> out;
  Status status = s.ForEachRow([&] {
    Result<ModelVersion> m = ReadModelRow(s);
    if (!m) return m.error();
    out.push_back(std::move(*m));
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  return out;
}

Result<ModelVersion> SqliteStoreImpl::ActivateModel(std::string_view tenant,
                                                    std::string_view version,
                                                    std::string_view actor) {
  std::lock_guard lock(mu_);
  const std::int64_t now = Now();
  Transaction tx(db_.get());
  if (Status s = tx.Begin(); !s.ok()) return Fail(s);
  Result<ModelVersion> m = LoadModelLocked(tenant, version);
  if (!m) return m;
  if (m->state != ModelState::kReady)
    return Fail(Status::FailedPrecondition("model " + m->version + " is not ready"));
  auto stmt = db_->Prepare(
      "INSERT INTO active_models (tenant_id, field, number, activated_at_ms) VALUES (?1, ?2, ?3,"
      " ?4) ON CONFLICT (tenant_id, field) DO UPDATE SET number = excluded.number,"
      " activated_at_ms = excluded.activated_at_ms");
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  s.Bind(1, tenant);
  s.Bind(2, m->field);
  s.Bind(3, *VersionNumber(m->version));
  s.Bind(4, now);
  if (Status st = s.Run(); !st.ok()) return Fail(st);
  AuditRecord audit{.tenant_id = std::string(tenant),
                    .at_ms = now,
                    .what = "model_activated",
                    .subject_id = m->version,
                    .model_version = m->version,
                    .actor = std::string(actor)};
  if (Status st = AppendAuditLocked(audit); !st.ok()) return Fail(st);
  if (Status st = tx.Commit(); !st.ok()) return Fail(st);
  m->active = true;
  return m;
}

Result<std::string> SqliteStoreImpl::ModelBytes(std::string_view tenant, std::string_view version) {
  Result<std::int64_t> number = VersionNumber(version);
  if (!number) return Fail(number.error());
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "SELECT bytes FROM models WHERE tenant_id = ?1 AND number = ?2 AND state = 'ready'");
  if (!stmt) return Fail(stmt.error());
  (*stmt)->Bind(1, tenant);
  (*stmt)->Bind(2, *number);
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return Fail(Status::NotFound("no ready model version '" + std::string(version) + "'"));
  return std::string((*stmt)->Blob(0));
}

Result<std::vector<std::pair<std::string, ModelVersion>>> SqliteStoreImpl::ActiveModels() {
  std::lock_guard lock(mu_);
  static const std::string sql =
      std::string(kModelColumns) + " WHERE a.number IS NOT NULL ORDER BY m.tenant_id";
  auto stmt = db_->Prepare(sql.c_str());
  if (!stmt) return Fail(stmt.error());
  Stmt& s = **stmt;
  std::vector<std::pair<std::string, ModelVersion>> out;
  Status status = s.ForEachRow([&] {
    Result<ModelVersion> m = ReadModelRow(s);
    if (!m) return m.error();
    out.emplace_back(s.Text(8), std::move(*m));
    return Status::Ok();
  });
  if (!status.ok()) return Fail(status);
  return out;
}

Status SqliteStoreImpl::FailAbandonedModels() {
  std::lock_guard lock(mu_);
  auto stmt = db_->Prepare(
      "UPDATE models SET state = 'failed', finished_at_ms = ?1,"
      " error = 'the service stopped while training' WHERE state = 'training'");
  if (!stmt) return stmt.error();
  (*stmt)->Bind(1, Now());
  return (*stmt)->Run();
}

}  // namespace ticketwise::store
