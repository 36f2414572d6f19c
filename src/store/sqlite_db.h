// SQLite plumbing for the store: owning wrappers for a connection and its prepared statements, a
// scoped transaction, and the mapping of SQLite result codes to Status.
//
// This header includes sqlite3.h and is private to src/store. A Db owns one sqlite3 connection and
// a cache of prepared statements (owned by the Db, finalized before the connection closes). A Db
// and everything obtained from it must be used by one thread at a time; SqliteStore serializes
// access with a mutex. Statements are leased: a StmtLease resets and unbinds its statement when it
// goes out of scope, so a failed call never leaves a statement half-stepped holding a read lock.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ticketwise/status.h"

namespace ticketwise::store {

// Unavailable for "the database cannot be reached or written right now" (BUSY, LOCKED, IOERR,
// CANTOPEN, READONLY, PERM, PROTOCOL), ResourceExhausted for FULL/TOOBIG, Corruption for
// CORRUPT/NOTADB, Internal for everything else (constraint violations are our bugs or the
// caller's, and callers that expect one check for it first). The message names `context` and
// carries SQLite's own message.
Status SqliteError(int rc, sqlite3* db, std::string_view context);

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  // Parameters are 1-based, as in SQLite. A failed bind is remembered and reported by Step.
  void Bind(int index, std::string_view text);
  void Bind(int index, std::int64_t value);
  void Bind(int index, double value);
  void BindBlob(int index, const void* data, std::size_t size);
  void BindNull(int index);

  // true: a row is available; false: the statement is done.
  Result<bool> Step();
  // Steps to completion, ignoring rows. For INSERT/UPDATE/DELETE.
  Status Run();
  // Calls `on_row()` (returning Status) for every row; stops at the first failure, SQLite's or
  // on_row's.
  template <class F>
  Status ForEachRow(F&& on_row) {
    for (;;) {
      Result<bool> row = Step();
      if (!row) return row.error();
      if (!*row) return Status::Ok();
      if (Status s = on_row(); !s.ok()) return s;
    }
  }

  // Columns are 0-based, as in SQLite.
  std::string Text(int column) const;
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string_view Blob(int column) const;

  void Reset();

 private:
  void Note(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// Resets the leased statement on scope exit.
class StmtLease {
 public:
  explicit StmtLease(Stmt* stmt) : stmt_(stmt) {}
  StmtLease(StmtLease&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  StmtLease(const StmtLease&) = delete;
  StmtLease& operator=(const StmtLease&) = delete;
  StmtLease& operator=(StmtLease&&) = delete;
  ~StmtLease() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Stmt* operator->() const { return stmt_; }
  Stmt& operator*() const { return *stmt_; }

 private:
  Stmt* stmt_;
};

class Db {
 public:
  // Opens (creating if needed) the database file at `path`. Does not touch its contents.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, int busy_timeout_ms);

  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements without results.
  Status Exec(const char* sql);
  // A cached prepared statement for `sql`. `sql` must be a single statement.
  Result<StmtLease> Prepare(const char* sql);
  // Runs one statement without parameters or results through the cache (BEGIN, COMMIT, SAVEPOINT):
  // cheaper than Exec, which compiles the text every time.
  Status Run(const char* sql);

  sqlite3* handle() const { return db_; }
  // Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
  std::int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  explicit Db(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// BEGIN IMMEDIATE on Begin: taking the write lock up front avoids the deadlock of two readers both
// trying to upgrade. Rolls back on destruction unless Commit succeeded.
class Transaction {
 public:
  explicit Transaction(Db* db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // A write transaction: BEGIN IMMEDIATE.
  Status Begin();
  // A read transaction (BEGIN DEFERRED): a consistent snapshot across several SELECTs.
  Status BeginRead();
  Status Commit();

 private:
  Db* db_;
  bool open_ = false;
};

}  // namespace ticketwise::store
