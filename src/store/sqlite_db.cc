#include "store/sqlite_db.h"

#include <string>

namespace ticketwise::store {

Status SqliteError(int rc, sqlite3* db, std::string_view context) {
  std::string message(context);
  message += ": ";
  // sqlite3_errmsg describes the connection's most recent error, which is `rc` only if it came
  // from that connection; otherwise fall back to the generic text of the code.
  if (db != nullptr && sqlite3_extended_errcode(db) == rc) {
    message += sqlite3_errmsg(db);
  } else {
    message += sqlite3_errstr(rc);
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return Status::Unavailable(std::move(message));
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
      return Status::ResourceExhausted(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

void Stmt::Note(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Stmt::Bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT copies: the caller's string may not outlive the step. A default-constructed
  // view has no data pointer, which SQLite would bind as NULL; text is always text, if empty.
  Note(sqlite3_bind_text64(stmt_, index, text.data() != nullptr ? text.data() : "", text.size(),
                           SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Stmt::Bind(int index, std::int64_t value) { Note(sqlite3_bind_int64(stmt_, index, value)); }

void Stmt::Bind(int index, double value) { Note(sqlite3_bind_double(stmt_, index, value)); }

void Stmt::BindBlob(int index, const void* data, std::size_t size) {
  Note(sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT));
}

void Stmt::BindNull(int index) { Note(sqlite3_bind_null(stmt_, index)); }

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return Fail(SqliteError(bind_rc_, nullptr, "binding a parameter"));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const int code = sqlite3_extended_errcode(db_);
  return Fail(SqliteError(code != SQLITE_OK ? code : rc, db_, sqlite3_sql(stmt_)));
}

Status Stmt::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
  }
}

std::string Stmt::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Stmt::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* handle = nullptr;
  // NOMUTEX: the store serializes access itself, so SQLite's own per-connection mutex is redundant.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(rc, handle, "opening " + path);
    sqlite3_close(handle);  // SQLite allocates a handle even on failure; nullptr is fine too
    return Fail(std::move(status));
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  return std::unique_ptr<Db>(new Db(handle));
}

Db::~Db() {
  cache_.clear();  // statements must be finalized before the connection can close
  sqlite3_close(db_);
}

Status Db::Exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  Status status = SqliteError(sqlite3_extended_errcode(db_), db_, sql);
  sqlite3_free(error);
  return status;
}

Result<StmtLease> Db::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Fail(SqliteError(sqlite3_extended_errcode(db_), db_, sql));
    }
    it = cache_.emplace(sql, std::make_unique<Stmt>(db_, stmt)).first;
  }
  return StmtLease(it->second.get());
}

Transaction::~Transaction() {
  // A failed ROLLBACK means SQLite already rolled back (e.g. after an I/O error); nothing to add.
  if (open_) static_cast<void>(db_->Exec("ROLLBACK"));
}

Status Db::Run(const char* sql) {
  Result<StmtLease> stmt = Prepare(sql);
  if (!stmt) return stmt.error();
  return (*stmt)->Run();
}

Status Transaction::Begin() {
  Status status = db_->Run("BEGIN IMMEDIATE");
  open_ = status.ok();
  return status;
}

Status Transaction::BeginRead() {
  Status status = db_->Run("BEGIN");
  open_ = status.ok();
  return status;
}

Status Transaction::Commit() {
  Status status = db_->Run("COMMIT");
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace ticketwise::store
