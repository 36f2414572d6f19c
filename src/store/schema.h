// Schema: the store's versioned migrations and the code that applies them when a file is opened.
//
// Migrations are an ordered list; migration i (1-based) brings the schema from version i-1 to i.
// Each runs in its own transaction together with the bump of schema_version, so a crash leaves the
// file at a known version. Opening is idempotent, and a file whose version is newer than this build
// knows is refused rather than guessed at. Call with the Db's single user (see sqlite_db.h).
#pragma once

#include <cstdint>

#include "store/sqlite_db.h"
#include "ticketwise/status.h"

namespace ticketwise::store {

// "TWK1": PRAGMA application_id of a ticketwise database, so other SQLite files are refused.
inline constexpr std::int32_t kApplicationId = 0x54574b31;

// The schema version this build writes and reads.
int LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(). Unsupported when it is newer;
// FailedPrecondition when the file belongs to another application.
Status Migrate(Db* db);

}  // namespace ticketwise::store
