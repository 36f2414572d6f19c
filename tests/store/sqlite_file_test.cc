// What the SQLite store does with the file itself: persistence, migrations, the append-only audit
// table, rollback, and files that are missing, foreign or damaged. A second, raw connection plays
// the operator (or the crash) that inspects or breaks the file.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "store/schema.h"
#include "store/sqlite_store.h"
#include "store_test_util.h"

namespace ticketwise::store {
namespace {

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // SQLITE_OK or the error; the message of the last failure lands in error().
  int Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    error_ = message != nullptr ? message : "";
    sqlite3_free(message);
    return rc;
  }
  std::int64_t Count(const std::string& table) {
    sqlite3_stmt* stmt = nullptr;
    std::int64_t n = -1;
    if (sqlite3_prepare_v2(db_, ("SELECT COUNT(*) FROM " + table).c_str(), -1, &stmt, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return n;
  }
  const std::string& error() const { return error_; }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::unique_ptr<Store> MustOpen(const std::string& path) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  EXPECT_TRUE(store) << store.error().ToString();
  return store ? std::move(*store) : nullptr;
}

TEST(SqliteFileTest, ApiKeyIsNotStoredInPlainText) {
  const std::string path = FreshDbPath();
  std::string key;
  {
    std::unique_ptr<Store> store = MustOpen(path);
    ASSERT_TRUE(store);
    Result<NewTenant> t = store->CreateTenant("acme");
    ASSERT_TRUE(t);
    key = t->api_key;
    // Look while the store is open, too: the key must not sit in the WAL either.
    const std::string bytes = ReadAll(path) + ReadAll(path + "-wal");
    EXPECT_NE(bytes.find("acme"), std::string::npos);  // the reading works
    EXPECT_EQ(bytes.find(key), std::string::npos);
    EXPECT_EQ(bytes.find(key.substr(3)), std::string::npos);
  }
  const std::string bytes = ReadAll(path) + ReadAll(path + "-wal");
  EXPECT_NE(bytes.find("acme"), std::string::npos);
  EXPECT_EQ(bytes.find(key.substr(3)), std::string::npos);
  // And the key still works after a re-open, so the hash is what was stored.
  std::unique_ptr<Store> store = MustOpen(path);
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->FindTenantByApiKey(key));
}

TEST(SqliteFileTest, ReopenKeepsDataAndMigratesOnlyOnce) {
  const std::string path = FreshDbPath();
  std::string tenant;
  Decision d = SampleDecision();
  {
    std::unique_ptr<Store> store = MustOpen(path);
    ASSERT_TRUE(store);
    tenant = store->CreateTenant("acme")->tenant_id;
    ASSERT_TRUE(store->RecordTriage(tenant, SampleTicket("ITSM-1"), &d).ok());
  }
  for (int i = 0; i < 2; ++i) {
    std::unique_ptr<Store> store = MustOpen(path);
    ASSERT_TRUE(store);
    Result<Decision> back = store->GetDecision(tenant, d.id);
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_EQ(back->fields.size(), 2u);
    EXPECT_EQ(store->GetTicket(tenant, d.ticket_id)->ticket.title, SampleTicket("").title);
  }
  RawDb raw(path);
  EXPECT_EQ(raw.Count("schema_version"), LatestSchemaVersion());
  EXPECT_EQ(raw.Count("tenants"), 1);
  EXPECT_EQ(raw.Count("decisions"), 1);
}

TEST(SqliteFileTest, AProcessedDeliveryKeepsNoBodyAndAFailedOneKeepsItsBody) {
  const std::string path = FreshDbPath();
  {
    std::unique_ptr<Store> store = MustOpen(path);
    ASSERT_TRUE(store);
    const std::string tenant = store->CreateTenant("acme")->tenant_id;
    // Large enough to take overflow pages of its own, which go to the free list when emptied.
    const std::string body =
        R"({"email":"jane@example.com","text":")" + std::string(6000, 'x') + R"("})";
    auto done = store->EnqueueInbox(tenant, "jira", "d-1", body);
    auto failed = store->EnqueueInbox(tenant, "jira", "d-2", R"({"email":"joe@example.com"})");
    auto pending = store->EnqueueInbox(tenant, "jira", "d-3", R"({"email":"ann@example.com"})");
    ASSERT_TRUE(done && failed && pending);
    ASSERT_TRUE(store->FinishInbox(done->id, true, "decided", false).ok());
    ASSERT_TRUE(store->FinishInbox(failed->id, false, "does not parse", false).ok());
    ASSERT_TRUE(store->FinishInbox(pending->id, false, "store busy", true).ok());
  }
  {
    RawDb raw(path);
    EXPECT_EQ(raw.Count("inbox WHERE length(body) = 0 AND state = 'done'"), 1);
    EXPECT_EQ(raw.Count("inbox WHERE length(body) > 0"), 2);
  }
  // Nor does the file: the freed bytes were overwritten, not left in free space.
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("jane@example.com"), std::string::npos);
  EXPECT_NE(bytes.find("joe@example.com"), std::string::npos);
}

TEST(SqliteFileTest, TheInstallationSecretIsMadeOnceAndKept) {
  const std::string path = FreshDbPath();
  std::string first;
  {
    std::unique_ptr<Store> store = MustOpen(path);
    ASSERT_TRUE(store);
    auto secret = store->InstallationSecret();
    ASSERT_TRUE(secret) << secret.error().ToString();
    first = *secret;
  }
  EXPECT_EQ(first.size(), 32u);
  std::unique_ptr<Store> again = MustOpen(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->InstallationSecret(), first);
  // Another database, another secret.
  std::unique_ptr<Store> other = MustOpen(FreshDbPath());
  ASSERT_TRUE(other);
  EXPECT_NE(*other->InstallationSecret(), first);
}

TEST(SqliteFileTest, NewerSchemaVersionIsRefused) {
  const std::string path = FreshDbPath();
  ASSERT_TRUE(MustOpen(path));
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("INSERT INTO schema_version (version) VALUES (999)"), SQLITE_OK);
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), StatusCode::kUnsupported);
  EXPECT_NE(store.error().message().find("999"), std::string::npos) << store.error().ToString();
}

TEST(SqliteFileTest, AnotherApplicationsDatabaseIsRefused) {
  const std::string path = FreshDbPath();
  {
    RawDb raw(path);
    ASSERT_EQ(raw.Exec("PRAGMA application_id = 7; CREATE TABLE tenants (x)"), SQLITE_OK);
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), StatusCode::kFailedPrecondition);
}

TEST(SqliteFileTest, AuditTableRejectsUpdateAndDelete) {
  const std::string path = FreshDbPath();
  std::unique_ptr<Store> store = MustOpen(path);
  ASSERT_TRUE(store);
  const std::string tenant = store->CreateTenant("acme")->tenant_id;
  Decision d = SampleDecision();
  ASSERT_TRUE(store->RecordTriage(tenant, SampleTicket("ITSM-1"), &d).ok());
  ASSERT_TRUE(store->RecordFeedback(tenant, {.decision_id = d.id, .field = "category"}));

  RawDb raw(path);
  ASSERT_EQ(raw.Count("audit"), 2);
  EXPECT_NE(raw.Exec("UPDATE audit SET actor = 'someone else'"), SQLITE_OK);
  EXPECT_NE(raw.error().find("append-only"), std::string::npos) << raw.error();
  EXPECT_NE(raw.Exec("DELETE FROM audit"), SQLITE_OK);
  EXPECT_NE(raw.error().find("append-only"), std::string::npos) << raw.error();
  EXPECT_EQ(raw.Count("audit"), 2);
  Result<std::vector<AuditRecord>> audit = store->ListAudit(tenant, 10);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[1].actor, "engine");
}

// The audit insert is the last write of RecordTriage, after the ticket, its comments and fields,
// the decision and its fields; a trigger that fails it proves all of those are rolled back.
TEST(SqliteFileTest, FailureInsideRecordTriageLeavesNoPartialRows) {
  const std::string path = FreshDbPath();
  std::unique_ptr<Store> store = MustOpen(path);
  ASSERT_TRUE(store);
  const std::string tenant = store->CreateTenant("acme")->tenant_id;
  RawDb raw(path);
  ASSERT_EQ(raw.Exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit "
                     "BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END"),
            SQLITE_OK);

  Decision d = SampleDecision();
  Status s = store->RecordTriage(tenant, SampleTicket("ITSM-1"), &d);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("injected audit failure"), std::string::npos) << s.ToString();
  EXPECT_TRUE(d.id.empty());
  for (const char* table :
       {"tickets", "ticket_comments", "ticket_fields", "decisions", "decision_fields", "audit"}) {
    EXPECT_EQ(raw.Count(table), 0) << table;
  }

  // An update of an existing ticket is rolled back as well.
  ASSERT_EQ(raw.Exec("DROP TRIGGER fail_audit"), SQLITE_OK);
  Decision first = SampleDecision();
  ASSERT_TRUE(store->RecordTriage(tenant, SampleTicket("ITSM-1"), &first).ok());
  ASSERT_EQ(raw.Exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit "
                     "BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END"),
            SQLITE_OK);
  Ticket changed = SampleTicket("ITSM-1");
  changed.title = "changed";
  changed.comments.clear();
  changed.fields.clear();
  Decision second = SampleDecision();
  EXPECT_FALSE(store->RecordTriage(tenant, changed, &second).ok());
  Result<StoredTicket> got = store->GetTicket(tenant, first.ticket_id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->ticket.title, SampleTicket("").title);
  EXPECT_EQ(got->ticket.comments.size(), 2u);
  EXPECT_EQ(got->ticket.fields.size(), 2u);
  EXPECT_EQ(store->ListDecisions(tenant, {})->size(), 1u);
  EXPECT_EQ(raw.Count("decision_fields"), 2);
  EXPECT_EQ(raw.Count("audit"), 1);

  // The store is still usable afterwards.
  ASSERT_EQ(raw.Exec("DROP TRIGGER fail_audit"), SQLITE_OK);
  EXPECT_TRUE(store->RecordTriage(tenant, changed, &second).ok());
  EXPECT_EQ(store->GetTicket(tenant, first.ticket_id)->ticket.title, "changed");
}

TEST(SqliteFileTest, GarbageFileIsCorruption) {
  const std::string path = FreshDbPath();
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not a database, just some text. ";
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
  EXPECT_NE(store.error().message().find(path), std::string::npos);
}

TEST(SqliteFileTest, DatabaseReplacedByGarbageIsCorruptionOnReopen) {
  const std::string path = FreshDbPath();
  {
    std::unique_ptr<Store> store = MustOpen(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->CreateTenant("acme"));
  }
  std::filesystem::remove(path);
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 7919) % 251));
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << store.error().ToString();
}

// An operator (or a broken disk) overwrites the files under a running store: calls fail with
// Corruption, they do not crash or hand back garbage.
TEST(SqliteFileTest, DatabaseOverwrittenWhileOpenIsCorruption) {
  const std::string path = FreshDbPath();
  std::unique_ptr<Store> store = MustOpen(path);
  ASSERT_TRUE(store);
  const std::string tenant = store->CreateTenant("acme")->tenant_id;
  Decision d = SampleDecision();
  ASSERT_TRUE(store->RecordTriage(tenant, SampleTicket("ITSM-1"), &d).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::fstream out(path + suffix, std::ios::binary | std::ios::in | std::ios::out);
    ASSERT_TRUE(out) << suffix;
    for (int i = 0; i < 65536; ++i) out.put(static_cast<char>((i * 7919) % 251));
  }
  Result<StoredTicket> ticket = store->GetTicket(tenant, d.ticket_id);
  ASSERT_FALSE(ticket);
  EXPECT_EQ(ticket.error().code(), StatusCode::kCorruption) << ticket.error().ToString();
  Decision again = SampleDecision();
  Status s = store->RecordTriage(tenant, SampleTicket("ITSM-2"), &again);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_TRUE(again.id.empty());
}

TEST(SqliteFileTest, PathInMissingDirectoryIsUnavailable) {
  const std::string path = testing::TempDir() + "/tw_no_such_dir/deeper/ticketwise.db";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), StatusCode::kUnavailable) << store.error().ToString();
  EXPECT_NE(store.error().message().find(path), std::string::npos);
}

// A trail of five records from two tenants, for the tampering tests.
std::string AuditedDb(std::string* tenant) {
  const std::string path = FreshDbPath();
  std::unique_ptr<Store> store = MustOpen(path);
  *tenant = store->CreateTenant("acme")->tenant_id;
  const std::string other = store->CreateTenant("globex")->tenant_id;
  for (int i = 0; i < 4; ++i) {
    Decision d = SampleDecision();
    EXPECT_TRUE(
        store->RecordTriage(i % 2 ? other : *tenant, SampleTicket("A-" + std::to_string(i)), &d)
            .ok());
  }
  EXPECT_TRUE(store->SetFieldMode(*tenant, {.field = "category"}, "ops@example.com").ok());
  return path;
}

TEST(SqliteFileTest, IntactAuditTrailVerifiesAndExportsInOrder) {
  std::string tenant;
  const std::string path = AuditedDb(&tenant);
  std::unique_ptr<Store> store = MustOpen(path);
  Result<AuditCheck> check = store->VerifyAudit();
  ASSERT_TRUE(check) << check.error().ToString();
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->records, 5u);
  EXPECT_EQ(check->chained, 5u);
  EXPECT_EQ(check->head_hash.size(), 64u);
  std::vector<std::int64_t> seqs;
  ASSERT_TRUE(store
                  ->ForEachAudit(tenant,
                                 [&](const AuditRecord& r) {
                                   seqs.push_back(r.seq);
                                   return Status::Ok();
                                 })
                  .ok());
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 3, 5}));
}

TEST(SqliteFileTest, ChangedRemovedOrReorderedAuditRecordsAreNamed) {
  struct Case {
    const char* tamper;
    std::int64_t bad_seq;
    const char* says;
  };
  // The append-only triggers stop the application; an attacker with the file drops them first.
  const Case cases[] = {
      {"UPDATE audit SET actor = 'someone else' WHERE seq = 3", 3, "record 3 was changed"},
      {"DELETE FROM audit WHERE seq = 2", 3, "records 2 to 2 were removed"},
      {"UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
       " UPDATE audit SET seq = 3 WHERE seq = 100",
       2, "record 2 does not follow record 1"},
      {"UPDATE audit SET hash = '', prev_hash = '' WHERE seq = 4", 4, "record 4 lost its hash"},
  };
  for (const Case& c : cases) {
    std::string tenant;
    const std::string path = AuditedDb(&tenant);
    {
      RawDb raw(path);
      ASSERT_EQ(raw.Exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"), SQLITE_OK);
      ASSERT_EQ(raw.Exec(c.tamper), SQLITE_OK) << raw.error();
    }
    std::unique_ptr<Store> store = MustOpen(path);
    Result<AuditCheck> check = store->VerifyAudit();
    ASSERT_TRUE(check) << check.error().ToString();
    EXPECT_FALSE(check->ok) << c.tamper;
    EXPECT_EQ(check->bad_seq, c.bad_seq) << c.tamper;
    EXPECT_NE(check->problem.find(c.says), std::string::npos) << check->problem;
  }
}

}  // namespace
}  // namespace ticketwise::store
