#include "store/schema.h"

#include <array>
#include <string>

namespace ticketwise::store {
namespace {

// Never edit a migration that has shipped; append a new one.
constexpr std::array<const char*, 13> kMigrations = {
    // 1: tenants, tickets, decisions, feedback, audit.
    R"sql(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  key_hash BLOB NOT NULL UNIQUE,  -- SHA-256 of the API key; the key itself is never stored
  created_at_ms INTEGER NOT NULL
);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  external_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  requester TEXT NOT NULL,
  service TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (tenant_id, external_id)
);

CREATE TABLE ticket_comments (
  ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'public')),
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, position)
);

CREATE TABLE ticket_fields (
  ticket_id TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (ticket_id, name)
);

CREATE TABLE decisions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- insertion order, for paging
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  input_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  engine_micros INTEGER NOT NULL
);
CREATE INDEX decisions_by_tenant ON decisions (tenant_id, seq);
CREATE INDEX decisions_by_ticket ON decisions (ticket_id);

CREATE TABLE decision_fields (
  decision_seq INTEGER NOT NULL REFERENCES decisions(seq),
  position INTEGER NOT NULL,
  field TEXT NOT NULL,
  label TEXT NOT NULL,
  confidence REAL NOT NULL,
  abstained INTEGER NOT NULL CHECK (abstained IN (0, 1)),
  mode TEXT NOT NULL CHECK (mode IN ('shadow', 'suggest', 'auto')),
  model_version TEXT NOT NULL,
  alternatives TEXT NOT NULL,  -- "label\tp\n" per alternative, best first (see codec.h)
  PRIMARY KEY (decision_seq, field)
);

CREATE TABLE feedback (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  decision_seq INTEGER NOT NULL REFERENCES decisions(seq),
  field TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'corrected', 'flagged')),
  value TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX feedback_by_decision ON feedback (decision_seq);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,  -- no foreign key: the trail must outlive anything it mentions
  at_ms INTEGER NOT NULL,
  what TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  model_version TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX audit_by_tenant ON audit (tenant_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
)sql",
    // 2: idempotency, per-field modes, model versions, content hashes of decisions.
    R"sql(
ALTER TABLE decisions ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX decisions_by_idempotency_key ON decisions (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE field_modes (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  field TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('shadow', 'suggest', 'auto')),
  auto_min_confidence REAL NOT NULL CHECK (auto_min_confidence BETWEEN 0 AND 1),
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, field)
);

CREATE TABLE models (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  number INTEGER NOT NULL,  -- the version is "v" || number
  field TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('training', 'ready', 'failed')),
  created_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER NOT NULL DEFAULT 0,
  metrics TEXT NOT NULL DEFAULT '{}',
  error TEXT NOT NULL DEFAULT '',
  bytes BLOB,
  PRIMARY KEY (tenant_id, number)
);

CREATE TABLE active_models (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  field TEXT NOT NULL,
  number INTEGER NOT NULL,
  activated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, field),
  FOREIGN KEY (tenant_id, number) REFERENCES models (tenant_id, number)
);
)sql",
    // 3: the audit trail becomes a hash chain (see AuditRecord::hash).
    R"sql(
ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
)sql",
    // 4: knowledge-base articles; suggestions, duplicates and summaries of decisions.
    R"sql(
CREATE TABLE kb_articles (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  link TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE kb_sections (
  tenant_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  heading TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (tenant_id, article_id, position),
  FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE decisions ADD COLUMN match_state TEXT NOT NULL DEFAULT 'not_searched'
  CHECK (match_state IN ('not_searched', 'no_confident_match', 'matched'));
ALTER TABLE decisions ADD COLUMN match_threshold REAL NOT NULL DEFAULT 0;
ALTER TABLE decisions ADD COLUMN duplicate_threshold REAL NOT NULL DEFAULT 0;
ALTER TABLE decisions ADD COLUMN summary TEXT NOT NULL DEFAULT '';

-- What a decision offered, as it was offered: the source may change or go away later.
CREATE TABLE decision_matches (
  decision_seq INTEGER NOT NULL REFERENCES decisions(seq),
  position INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('suggestion', 'duplicate')),
  kind TEXT NOT NULL CHECK (kind IN ('article', 'ticket')),
  source_id TEXT NOT NULL,
  title TEXT NOT NULL,
  link TEXT NOT NULL,
  steps TEXT NOT NULL,
  score REAL NOT NULL,
  PRIMARY KEY (decision_seq, position)
);
)sql",
    // 5: webhook secrets and the inbox of webhook deliveries.
    R"sql(
CREATE TABLE webhook_secrets (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL CHECK (platform IN ('jira', 'servicenow')),
  secret TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, platform)
);

CREATE TABLE inbox (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL,
  delivery_key TEXT NOT NULL,
  body BLOB NOT NULL,
  received_at_ms INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  processed_at_ms INTEGER NOT NULL DEFAULT 0,
  UNIQUE (tenant_id, platform, delivery_key)
);
CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_failed ON inbox (id) WHERE state = 'failed';
CREATE INDEX inbox_done ON inbox (processed_at_ms) WHERE state = 'done';
CREATE INDEX inbox_by_tenant ON inbox (tenant_id, id);
)sql",
    // 6: how to reach each tenant's platforms, and the outbox of writes to them.
    R"sql(
CREATE TABLE connections (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL,
  base_url TEXT NOT NULL,
  auth TEXT NOT NULL CHECK (auth IN ('basic', 'bearer')),
  user TEXT NOT NULL,
  secret TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, platform)
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('note', 'set_field')),
  field TEXT NOT NULL,
  ticket_key TEXT NOT NULL,
  target TEXT NOT NULL,
  text TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  sent_at_ms INTEGER NOT NULL DEFAULT 0,
  UNIQUE (tenant_id, decision_id, kind, field)
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at_ms, id) WHERE state = 'pending';
CREATE INDEX outbox_by_tenant ON outbox (tenant_id, id);
)sql",
    // 7: polling of platforms that cannot send events (the ServiceNow Table API).
    R"sql(
CREATE TABLE polling (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL,
  interval_s INTEGER NOT NULL CHECK (interval_s >= 0),
  watermark TEXT NOT NULL,
  last_poll_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, platform)
);
)sql",
    // 8: priority and routing: each tenant's triage configuration (the JSON as given), its declared
    // incidents, and the reasons of every decided field.
    R"sql(
CREATE TABLE triage_configs (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
  config_json TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
);

CREATE TABLE incidents (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  id TEXT NOT NULL,
  incident_json TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

ALTER TABLE decision_fields ADD COLUMN reasons TEXT NOT NULL DEFAULT '';  -- "reason\n" each
)sql",
    // 9: triage context from the store (a requester's recent tickets) and the probable major
    // incidents raised by bursts of similar tickets.
    R"sql(
CREATE INDEX tickets_by_requester ON tickets (tenant_id, requester) WHERE requester != '';

CREATE TABLE major_incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  service TEXT NOT NULL,
  summary TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  ticket_ids TEXT NOT NULL  -- external ids, one per line, in arrival order
);
CREATE INDEX major_incidents_by_tenant ON major_incidents (tenant_id, id);
)sql",
    // 10: OAuth client credentials for platform connections (a new auth kind and its token URL;
    // SQLite cannot change a CHECK, so the table is rebuilt).
    R"sql(
CREATE TABLE connections_v10 (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL,
  base_url TEXT NOT NULL,
  auth TEXT NOT NULL CHECK (auth IN ('basic', 'bearer', 'oauth')),
  user TEXT NOT NULL,
  secret TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  token_url TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, platform)
);
INSERT INTO connections_v10 (tenant_id, platform, base_url, auth, user, secret, updated_at_ms)
  SELECT tenant_id, platform, base_url, auth, user, secret, updated_at_ms FROM connections;
DROP TABLE connections;
ALTER TABLE connections_v10 RENAME TO connections;
)sql",
    // 11: whether a tenant keeps ticket text as it came (by default it is stored redacted).
    R"sql(
CREATE TABLE privacy (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
  store_raw_text INTEGER NOT NULL CHECK (store_raw_text IN (0, 1)),
  updated_at_ms INTEGER NOT NULL
);
)sql",
    // 12: auto-resolution. A tenant's configuration documents share one table (triage, resolution,
    // the Jira site's field map); the outbox gains the resolving write and the close code it
    // carries
    // (the table is rebuilt for its CHECK).
    R"sql(
CREATE TABLE tenant_configs (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  kind TEXT NOT NULL CHECK (kind IN ('triage', 'resolution', 'jira_fields')),
  config_json TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);
INSERT INTO tenant_configs (tenant_id, kind, config_json, updated_at_ms)
  SELECT tenant_id, 'triage', config_json, updated_at_ms FROM triage_configs;
DROP TABLE triage_configs;

CREATE TABLE outbox_v12 (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  platform TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('note', 'set_field', 'resolve', 'reopen')),
  field TEXT NOT NULL,
  ticket_key TEXT NOT NULL,
  target TEXT NOT NULL,
  text TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  sent_at_ms INTEGER NOT NULL DEFAULT 0,
  close_code TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant_id, decision_id, kind, field)
);
INSERT INTO outbox_v12 (id, tenant_id, platform, decision_id, kind, field, ticket_key, target, text,
                        state, attempts, next_attempt_at_ms, last_status, last_error, created_at_ms,
                        sent_at_ms)
  SELECT id, tenant_id, platform, decision_id, kind, field, ticket_key, target, text, state,
         attempts, next_attempt_at_ms, last_status, last_error, created_at_ms, sent_at_ms
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v12 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt_at_ms, id) WHERE state = 'pending';
CREATE INDEX outbox_by_tenant ON outbox (tenant_id, id);
)sql",
    // 13: the installation's secret, made once from SQLite's CSPRNG; requester identities of
    // tenants that store redacted text are kept as keyed digests under it.
    R"sql(
CREATE TABLE installation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret BLOB NOT NULL CHECK (length(secret) = 32)
);
INSERT INTO installation (id, secret) VALUES (1, randomblob(32));
)sql",
};

Result<int> CurrentVersion(Db* db) {
  auto stmt = db->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!stmt) return Fail(stmt.error());
  Result<bool> row = (*stmt)->Step();
  if (!row) return Fail(row.error());
  if (!*row) return 0;
  return static_cast<int>((*stmt)->Int(0));
}

Status CheckApplicationId(Db* db) {
  auto stmt = db->Prepare("PRAGMA application_id");
  if (!stmt) return stmt.error();
  Result<bool> row = (*stmt)->Step();
  if (!row) return row.error();
  const std::int64_t id = *row ? (*stmt)->Int(0) : 0;
  if (id != 0 && id != kApplicationId) {
    return Status::FailedPrecondition("not a ticketwise database (application_id " +
                                      std::to_string(id) + ")");
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status Migrate(Db* db) {
  if (Status s = CheckApplicationId(db); !s.ok()) return s;
  for (;;) {
    // Each step re-reads the version under the write lock, so two processes opening the same new
    // file at once apply every migration exactly once.
    Transaction tx(db);
    if (Status s = tx.Begin(); !s.ok()) return s.WithContext("migrating");
    if (Status s = db->Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        !s.ok()) {
      return s;
    }
    Result<int> current = CurrentVersion(db);
    if (!current) return current.error();
    if (*current > LatestSchemaVersion()) {
      return Status::Unsupported("database schema version " + std::to_string(*current) +
                                 " is newer than this build knows (" +
                                 std::to_string(LatestSchemaVersion()) + ")");
    }
    if (*current == LatestSchemaVersion()) return tx.Commit();
    const int target = *current + 1;
    if (Status s = db->Exec(kMigrations[static_cast<std::size_t>(target - 1)]); !s.ok()) {
      return s.WithContext("schema migration " + std::to_string(target));
    }
    if (target == 1) {
      if (Status s = db->Exec("PRAGMA application_id = 1415007025"); !s.ok()) return s;
    }
    auto bump = db->Prepare("INSERT INTO schema_version (version) VALUES (?1)");
    if (!bump) return bump.error();
    (*bump)->Bind(1, static_cast<std::int64_t>(target));
    if (Status s = (*bump)->Run(); !s.ok()) return s;
    if (Status s = tx.Commit(); !s.ok()) return s;
  }
}

}  // namespace ticketwise::store
