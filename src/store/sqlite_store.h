// SqliteStore: the embedded Store, one SQLite file in WAL mode.
//
// OpenSqliteStore opens or creates the file, switches it to WAL with synchronous=NORMAL (a commit
// survives a process crash; a power cut may lose the last transactions but never corrupts the
// file), turns foreign keys on and applies the schema migrations (schema.h). The returned Store
// owns its single connection. Thread-safety: every call takes one mutex around that connection, so
// the Store may be shared by any number of threads but calls run one at a time; several processes
// may open the same file, and SQLite's file locks (waited on for up to busy_timeout_ms) order their
// writes. SQLite and OpenSSL headers stay in the .cc files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "store/store.h"
#include "ticketwise/status.h"

namespace ticketwise::store {

struct SqliteStoreOptions {
  // How long a call waits for another process's lock before giving up with Unavailable.
  int busy_timeout_ms = 5000;
  // Milliseconds since the Unix epoch, stamped on tickets, decisions, feedback and audit rows.
  // Empty: the system clock. Tests inject a fixed clock.
  std::function<std::int64_t()> now_ms;
};

// Opens the database at `path` (created if missing; its directory must exist). Errors:
// Unavailable when the file cannot be opened or written, Corruption when it is not a database,
// FailedPrecondition when it is another application's database, Unsupported when its schema is
// newer than this build.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options = {});

}  // namespace ticketwise::store
