// Behaviour of the Store contract, run against the SQLite store on a real file.
#include "store/store.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"
#include "store_test_util.h"

namespace ticketwise::store {
namespace {

class StoreTest : public testing::Test {
 protected:
  void SetUp() override {
    SqliteStoreOptions options;
    options.now_ms = [this] { return ++now_; };
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(FreshDbPath(), options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  std::string NewTenantId(const std::string& name) {
    Result<NewTenant> t = store_->CreateTenant(name);
    EXPECT_TRUE(t) << t.error().ToString();
    return t ? t->tenant_id : std::string();
  }

  Decision Triage(const std::string& tenant, const Ticket& ticket) {
    Decision d = SampleDecision();
    Status s = store_->RecordTriage(tenant, ticket, &d);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return d;
  }

  std::int64_t now_ = 1'000'000;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, CreatedTenantIsFoundByItsKeyOnly) {
  Result<NewTenant> a = store_->CreateTenant("acme");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->api_key.rfind("tw_", 0), 0u);
  EXPECT_EQ(a->api_key.size(), 3u + 64u);
  EXPECT_EQ(a->tenant_id.rfind("tn_", 0), 0u);

  Result<std::string> found = store_->FindTenantByApiKey(a->api_key);
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(*found, a->tenant_id);

  std::string wrong = a->api_key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& key : {wrong, std::string(), a->api_key + "x", a->tenant_id}) {
    Result<std::string> r = store_->FindTenantByApiKey(key);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  }
}

TEST_F(StoreTest, TenantNamesAreUniqueAndKeysDiffer) {
  Result<NewTenant> a = store_->CreateTenant("acme");
  Result<NewTenant> b = store_->CreateTenant("globex");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->api_key, b->api_key);
  EXPECT_NE(a->tenant_id, b->tenant_id);
  EXPECT_EQ(store_->FindTenantByApiKey(b->api_key).value(), b->tenant_id);

  Result<NewTenant> again = store_->CreateTenant("acme");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateTenant("").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateTenant(std::string(201, 'x')).error().code(),
            StatusCode::kInvalidArgument);

  Result<std::vector<Tenant>> all = store_->ListTenants();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "acme");
  EXPECT_EQ((*all)[1].name, "globex");
  EXPECT_EQ((*all)[1].id, b->tenant_id);
}

TEST_F(StoreTest, RecordTriageRoundTripsEveryField) {
  const std::string tenant = NewTenantId("acme");
  const Ticket ticket = SampleTicket("ITSM-1");
  Decision d = SampleDecision();
  ASSERT_TRUE(store_->RecordTriage(tenant, ticket, &d).ok());
  EXPECT_EQ(d.id.rfind("d_", 0), 0u);
  EXPECT_EQ(d.ticket_id.rfind("t_", 0), 0u);
  EXPECT_EQ(d.tenant, tenant);
  EXPECT_GT(d.created_at_ms, 1'000'000);

  Result<StoredTicket> got = store_->GetTicket(tenant, d.ticket_id);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->id, d.ticket_id);
  EXPECT_EQ(got->ticket.tenant, tenant);
  EXPECT_EQ(got->ticket.external_id, ticket.external_id);
  EXPECT_EQ(got->ticket.title, ticket.title);
  EXPECT_EQ(got->ticket.description, ticket.description);
  EXPECT_EQ(got->ticket.requester, ticket.requester);
  EXPECT_EQ(got->ticket.service, ticket.service);
  EXPECT_EQ(got->ticket.created_at_ms, ticket.created_at_ms);
  EXPECT_EQ(got->ticket.fields, ticket.fields);
  ASSERT_EQ(got->ticket.comments.size(), ticket.comments.size());
  for (std::size_t i = 0; i < ticket.comments.size(); ++i) {
    EXPECT_EQ(got->ticket.comments[i].author, ticket.comments[i].author);
    EXPECT_EQ(got->ticket.comments[i].body, ticket.comments[i].body);
    EXPECT_EQ(got->ticket.comments[i].visibility, ticket.comments[i].visibility);
    EXPECT_EQ(got->ticket.comments[i].created_at_ms, ticket.comments[i].created_at_ms);
  }

  Result<Decision> back = store_->GetDecision(tenant, d.id);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->id, d.id);
  EXPECT_EQ(back->tenant, tenant);
  EXPECT_EQ(back->ticket_id, d.ticket_id);
  EXPECT_EQ(back->input_hash, "abc123");
  EXPECT_EQ(back->created_at_ms, d.created_at_ms);
  EXPECT_EQ(back->engine_micros, 420);
  const Decision sample = SampleDecision();
  ASSERT_EQ(back->fields.size(), sample.fields.size());
  for (std::size_t i = 0; i < sample.fields.size(); ++i) {
    const FieldDecision& want = sample.fields[i];
    const FieldDecision& have = back->fields[i];
    EXPECT_EQ(have.field, want.field);
    EXPECT_EQ(have.label, want.label);
    EXPECT_EQ(have.confidence, want.confidence);
    EXPECT_EQ(have.abstained, want.abstained);
    EXPECT_EQ(have.mode, want.mode);
    EXPECT_EQ(have.model_version, want.model_version);
    ASSERT_EQ(have.top.size(), want.top.size());
    for (std::size_t j = 0; j < want.top.size(); ++j) {
      EXPECT_EQ(have.top[j].label, want.top[j].label);
      EXPECT_EQ(have.top[j].p, want.top[j].p);
    }
  }
}

TEST_F(StoreTest, MissingInputHashIsFilledFromTicketText) {
  const std::string tenant = NewTenantId("acme");
  Decision d = SampleDecision();
  d.input_hash.clear();
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &d).ok());
  EXPECT_EQ(d.input_hash.size(), 64u);
  Decision other = SampleDecision();
  other.input_hash.clear();
  Ticket changed = SampleTicket("ITSM-1");
  changed.title += "!";
  ASSERT_TRUE(store_->RecordTriage(tenant, changed, &other).ok());
  EXPECT_NE(other.input_hash, d.input_hash);
}

TEST_F(StoreTest, SameExternalIdUpdatesTicketAndAddsDecision) {
  const std::string tenant = NewTenantId("acme");
  const Decision first = Triage(tenant, SampleTicket("ITSM-1"));
  Ticket changed = SampleTicket("ITSM-1");
  changed.title = "VPN fixed, now printer";
  changed.comments.resize(1);
  changed.fields = {{"queue", "desk"}};
  const Decision second = Triage(tenant, changed);

  EXPECT_EQ(second.ticket_id, first.ticket_id);
  EXPECT_NE(second.id, first.id);
  Result<StoredTicket> got = store_->GetTicket(tenant, first.ticket_id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->ticket.title, "VPN fixed, now printer");
  EXPECT_EQ(got->ticket.comments.size(), 1u);
  EXPECT_EQ(got->ticket.fields, changed.fields);
  Result<std::vector<Decision>> list = store_->ListDecisions(tenant, {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, second.id);  // newest first
  EXPECT_EQ((*list)[1].id, first.id);
}

TEST_F(StoreTest, TenantCannotReachAnotherTenantsRows) {
  const std::string a = NewTenantId("acme");
  const std::string b = NewTenantId("globex");
  const Decision da = Triage(a, SampleTicket("ITSM-1"));
  ASSERT_TRUE(store_->RecordFeedback(a, {.decision_id = da.id, .field = "category"}));

  EXPECT_EQ(store_->GetTicket(b, da.ticket_id).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDecision(b, da.id).error().code(), StatusCode::kNotFound);
  Result<std::vector<Decision>> list = store_->ListDecisions(b, {});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(store_->ListDecisions(b, {.before_id = da.id}).error().code(),
            StatusCode::kInvalidArgument);
  Result<Feedback> fb = store_->RecordFeedback(b, {.decision_id = da.id, .field = "category"});
  ASSERT_FALSE(fb);
  EXPECT_EQ(fb.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListFeedback(b, da.id).error().code(), StatusCode::kNotFound);
  Result<std::vector<AuditRecord>> audit = store_->ListAudit(b, 100);
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->empty());

  // The same external id under B is B's own ticket and leaves A's alone.
  Ticket theirs = SampleTicket("ITSM-1");
  theirs.title = "globex ticket";
  const Decision db = Triage(b, theirs);
  EXPECT_NE(db.ticket_id, da.ticket_id);
  EXPECT_EQ(store_->GetTicket(a, da.ticket_id)->ticket.title, SampleTicket("ITSM-1").title);
  EXPECT_EQ(store_->GetTicket(a, db.ticket_id).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListDecisions(a, {})->size(), 1u);
  EXPECT_EQ(store_->ListFeedback(a, da.id)->size(), 1u);
}

TEST_F(StoreTest, RecordTriageRejectsBadInputAndLeavesDecisionAlone) {
  const std::string tenant = NewTenantId("acme");
  Decision d = SampleDecision();
  EXPECT_EQ(store_->RecordTriage(tenant, SampleTicket(""), &d).code(),
            StatusCode::kInvalidArgument);
  Ticket foreign = SampleTicket("ITSM-1");
  foreign.tenant = "tn_someoneelse";
  EXPECT_EQ(store_->RecordTriage(tenant, foreign, &d).code(), StatusCode::kInvalidArgument);
  Decision twice = SampleDecision();
  twice.fields[1].field = "category";
  EXPECT_EQ(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &twice).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RecordTriage("tn_nobody", SampleTicket("ITSM-1"), &d).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), nullptr).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(d.id.empty());
  EXPECT_TRUE(d.ticket_id.empty());
  EXPECT_TRUE(store_->ListDecisions(tenant, {})->empty());
}

TEST_F(StoreTest, ListDecisionsPagesNewestFirstAndFilters) {
  const std::string tenant = NewTenantId("acme");
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 5; ++i) {
    Decision d = SampleDecision();
    d.fields[0].abstained = (i % 2 == 0);  // 0, 2, 4 abstain on category
    if (i == 3) d.fields.pop_back();       // 3 decides no priority
    ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("T-" + std::to_string(i)), &d).ok());
    ids.push_back(d.id);
  }
  auto ids_of = [](const Result<std::vector<Decision>>& r) {
    std::vector<std::string> out;
    if (r) {
      for (const Decision& d : *r) out.push_back(d.id);
    }
    return out;
  };
  EXPECT_EQ(ids_of(store_->ListDecisions(tenant, {.limit = 2})),
            (std::vector<std::string>{ids[4], ids[3]}));
  EXPECT_EQ(ids_of(store_->ListDecisions(tenant, {.limit = 2, .before_id = ids[3]})),
            (std::vector<std::string>{ids[2], ids[1]}));
  EXPECT_EQ(ids_of(store_->ListDecisions(tenant, {.limit = 2, .before_id = ids[1]})),
            (std::vector<std::string>{ids[0]}));
  EXPECT_EQ(ids_of(store_->ListDecisions(tenant, {.field = "priority"})),
            (std::vector<std::string>{ids[4], ids[2], ids[1], ids[0]}));
  EXPECT_EQ(ids_of(store_->ListDecisions(tenant, {.field = "category", .abstained = false})),
            (std::vector<std::string>{ids[3], ids[1]}));
  // Without a field, "abstained" means any field abstained; priority always does here.
  EXPECT_EQ(ids_of(store_->ListDecisions(tenant, {.abstained = true})),
            (std::vector<std::string>{ids[4], ids[2], ids[1], ids[0]}));
  EXPECT_TRUE(store_->ListDecisions(tenant, {.field = "queue"})->empty());
  EXPECT_EQ(store_->ListDecisions(tenant, {.limit = 0})->size(), 1u);
  EXPECT_EQ(store_->ListDecisions(tenant, {.before_id = "d_made_up"}).error().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, FeedbackIsStoredAndValidated) {
  const std::string tenant = NewTenantId("acme");
  const Decision d = Triage(tenant, SampleTicket("ITSM-1"));
  Result<Feedback> fb = store_->RecordFeedback(tenant, {.decision_id = d.id,
                                                        .field = "category",
                                                        .verdict = Verdict::kCorrected,
                                                        .value = "access",
                                                        .reason = "it was a password reset",
                                                        .actor = "agent7"});
  ASSERT_TRUE(fb) << fb.error().ToString();
  EXPECT_EQ(fb->id.rfind("f_", 0), 0u);
  Result<std::vector<Feedback>> all = store_->ListFeedback(tenant, d.id);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  const Feedback& got = (*all)[0];
  EXPECT_EQ(got.id, fb->id);
  EXPECT_EQ(got.decision_id, d.id);
  EXPECT_EQ(got.field, "category");
  EXPECT_EQ(got.verdict, Verdict::kCorrected);
  EXPECT_EQ(got.value, "access");
  EXPECT_EQ(got.reason, "it was a password reset");
  EXPECT_EQ(got.actor, "agent7");
  EXPECT_EQ(got.created_at_ms, fb->created_at_ms);

  EXPECT_EQ(
      store_
          ->RecordFeedback(
              tenant, {.decision_id = d.id, .field = "category", .verdict = Verdict::kCorrected})
          .error()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RecordFeedback(tenant, {.decision_id = d.id, .field = "queue"}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RecordFeedback(tenant, {.decision_id = d.id}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      store_->RecordFeedback(tenant, {.decision_id = "d_nope", .field = "category"}).error().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(store_->ListFeedback(tenant, d.id)->size(), 1u);
}

TEST_F(StoreTest, AuditRecordsTriageAndFeedbackNewestFirst) {
  const std::string tenant = NewTenantId("acme");
  const Decision d = Triage(tenant, SampleTicket("ITSM-1"));
  Result<Feedback> fb = store_->RecordFeedback(
      tenant,
      {.decision_id = d.id, .field = "priority", .verdict = Verdict::kFlagged, .actor = "agent7"});
  ASSERT_TRUE(fb);
  Result<std::vector<AuditRecord>> audit = store_->ListAudit(tenant, 10);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  const AuditRecord& feedback = (*audit)[0];
  const AuditRecord& triage = (*audit)[1];
  EXPECT_GT(feedback.seq, triage.seq);
  EXPECT_EQ(triage.what, "triage");
  EXPECT_EQ(triage.subject_id, d.id);
  EXPECT_EQ(triage.tenant_id, tenant);
  EXPECT_EQ(triage.model_version, "cat-2026-12-01,prio-7");
  EXPECT_EQ(triage.input_hash, "abc123");
  EXPECT_EQ(triage.actor, "engine");
  EXPECT_EQ(triage.at_ms, d.created_at_ms);
  EXPECT_EQ(feedback.what, "feedback");
  EXPECT_EQ(feedback.subject_id, fb->id);
  EXPECT_EQ(feedback.model_version, "prio-7");
  EXPECT_EQ(feedback.input_hash, "abc123");
  EXPECT_EQ(feedback.actor, "agent7");
  EXPECT_EQ(store_->ListAudit(tenant, 1)->size(), 1u);
}

TEST_F(StoreTest, ConcurrentCallsFromManyThreadsAreAllRecorded) {
  const std::string tenant = NewTenantId("acme");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &tenant, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Decision d = SampleDecision();
        Status s = store_->RecordTriage(
            tenant,
            SampleTicket("T-" + std::to_string(t) + "-" + std::to_string(i % 5),
                         "attempt " + std::to_string(i)),
            &d);
        EXPECT_TRUE(s.ok()) << s.ToString();
        EXPECT_TRUE(store_->GetDecision(tenant, d.id));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(store_->ListDecisions(tenant, {.limit = 1000})->size(),
            static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(store_->ListAudit(tenant, 1000)->size(),
            static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_F(StoreTest, SameIdempotencyKeyReplaysTheFirstDecision) {
  const std::string tenant = NewTenantId("acme");
  Decision first = SampleDecision();
  TriageOutcome outcome;
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &first, "key-1", &outcome).ok());
  EXPECT_FALSE(outcome.replayed);
  Decision again = SampleDecision();
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &again, "key-1", &outcome).ok());
  EXPECT_TRUE(outcome.replayed);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(store_->ListDecisions(tenant, {})->size(), 1u);

  Decision other = SampleDecision();
  EXPECT_EQ(store_->RecordTriage(tenant, SampleTicket("ITSM-1", "changed"), &other, "key-1").code(),
            StatusCode::kAlreadyExists);
  // The same key belongs to nobody else: another tenant may use it freely.
  const std::string beta = NewTenantId("beta");
  Decision theirs = SampleDecision();
  ASSERT_TRUE(store_->RecordTriage(beta, SampleTicket("ITSM-1"), &theirs, "key-1", &outcome).ok());
  EXPECT_FALSE(outcome.replayed);
}

TEST_F(StoreTest, UnchangedTicketWithoutKeyReplaysAndAChangedOneIsDecidedAgain) {
  const std::string tenant = NewTenantId("acme");
  const Decision first = Triage(tenant, SampleTicket("ITSM-1"));
  TriageOutcome outcome;
  Decision same = SampleDecision();
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &same, {}, &outcome).ok());
  EXPECT_TRUE(outcome.replayed);
  EXPECT_EQ(same.id, first.id);
  Decision changed = SampleDecision();
  ASSERT_TRUE(
      store_->RecordTriage(tenant, SampleTicket("ITSM-1", "other"), &changed, {}, &outcome).ok());
  EXPECT_FALSE(outcome.replayed);
  EXPECT_NE(changed.id, first.id);
  EXPECT_EQ(store_->ListAudit(tenant, 10)->size(), 2u);
}

TEST_F(StoreTest, TrainingExamplesPreferCorrectionsOverStoredFields) {
  const std::string tenant = NewTenantId("acme");
  Ticket a = SampleTicket("A-1", "printer jam");
  a.fields = {{"category", "hardware"}};
  Ticket b = SampleTicket("A-2", "no label");
  b.fields.clear();
  ASSERT_TRUE(store_->ImportTickets(tenant, {a, b}).ok());
  const Decision d = Triage(tenant, SampleTicket("A-3", "vpn"));  // fields: category=network
  Feedback fb{.decision_id = d.id,
              .field = "category",
              .verdict = Verdict::kCorrected,
              .value = "access",
              .actor = "agent7"};
  ASSERT_TRUE(store_->RecordFeedback(tenant, fb));
  auto examples = store_->TrainingExamples(tenant, "category", 100);
  ASSERT_TRUE(examples);
  ASSERT_EQ(examples->size(), 2u);
  EXPECT_EQ((*examples)[0].label, "hardware");
  EXPECT_NE((*examples)[0].text.find("printer jam"), std::string::npos);
  EXPECT_EQ((*examples)[1].label, "access");
  EXPECT_TRUE(store_->TrainingExamples(NewTenantId("beta"), "category", 100)->empty());
}

TEST_F(StoreTest, ModelVersionsMoveFromTrainingToReadyAndActivateOneAtATime) {
  const std::string tenant = NewTenantId("acme");
  auto v1 = store_->BeginModel(tenant, "category");
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->version, "v1");
  EXPECT_EQ(store_->ActivateModel(tenant, "v1", "ops").error().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->FinishModel(tenant, "v1", "model-one", R"({"accuracy":0.9})").ok());
  auto v2 = store_->BeginModel(tenant, "category");
  ASSERT_TRUE(v2);
  ASSERT_TRUE(store_->FinishModel(tenant, "v2", "model-two", "{}").ok());
  ASSERT_TRUE(store_->ActivateModel(tenant, "v2", "ops"));
  ASSERT_TRUE(store_->ActivateModel(tenant, "v1", "ops"));
  auto models = store_->ListModels(tenant);
  ASSERT_TRUE(models);
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].version, "v2");
  EXPECT_FALSE((*models)[0].active);
  EXPECT_TRUE((*models)[1].active);
  EXPECT_EQ((*models)[1].metrics_json, R"({"accuracy":0.9})");
  EXPECT_EQ(*store_->ModelBytes(tenant, "v1"), "model-one");
  auto active = store_->ActiveModels();
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].first, tenant);
  EXPECT_EQ((*active)[0].second.version, "v1");

  // Another tenant sees none of it.
  const std::string beta = NewTenantId("beta");
  EXPECT_TRUE(store_->ListModels(beta)->empty());
  EXPECT_EQ(store_->ModelBytes(beta, "v1").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ActivateModel(beta, "v1", "ops").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ModelBytes(tenant, "x1").error().code(), StatusCode::kNotFound);

  auto v3 = store_->BeginModel(tenant, "category");
  ASSERT_TRUE(v3);
  ASSERT_TRUE(store_->FailAbandonedModels().ok());
  EXPECT_EQ(store_->ListModels(tenant)->front().state, ModelState::kFailed);
}

TEST_F(StoreTest, FieldModesAreSetPerTenantAndAudited) {
  const std::string tenant = NewTenantId("acme");
  ASSERT_TRUE(
      store_
          ->SetFieldMode(tenant,
                         {.field = "category", .mode = Mode::kAuto, .auto_min_confidence = 0.97},
                         "ops")
          .ok());
  EXPECT_EQ(
      store_->SetFieldMode(tenant, {.field = "category", .auto_min_confidence = 1.5}, "ops").code(),
      StatusCode::kInvalidArgument);
  auto modes = store_->ListFieldModes(tenant);
  ASSERT_TRUE(modes);
  ASSERT_EQ(modes->size(), 1u);
  EXPECT_EQ((*modes)[0].mode, Mode::kAuto);
  EXPECT_DOUBLE_EQ((*modes)[0].auto_min_confidence, 0.97);
  EXPECT_TRUE(store_->ListFieldModes(NewTenantId("beta"))->empty());
  EXPECT_EQ(store_->ListAudit(tenant, 10)->front().what, "mode");
}

TEST_F(StoreTest, DecisionSuggestionsDuplicatesAndSummaryRoundTrip) {
  const std::string tenant = NewTenantId("acme");
  Decision d = SampleDecision();
  d.match = MatchState::kMatched;
  d.match_threshold = 0.75;
  d.duplicate_threshold = 0.55;
  d.summary = "Problem: VPN drops. Tried: restarted.";
  d.suggestions = {
      {SourceKind::kArticle, "KB-1", "VPN fix", "https://kb/1", "Resolution\nreset", 0.91},
      {SourceKind::kTicket, "INC-7", "Same VPN", "", "reinstalled client", 0.8}};
  d.duplicates = {{"INC-9", "VPN drops \"again\"", 0.6}};
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &d).ok());
  Result<Decision> back = store_->GetDecision(tenant, d.id);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->match, MatchState::kMatched);
  EXPECT_DOUBLE_EQ(back->match_threshold, 0.75);
  EXPECT_DOUBLE_EQ(back->duplicate_threshold, 0.55);
  EXPECT_EQ(back->summary, d.summary);
  ASSERT_EQ(back->suggestions.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back->suggestions[i].kind, d.suggestions[i].kind);
    EXPECT_EQ(back->suggestions[i].source_id, d.suggestions[i].source_id);
    EXPECT_EQ(back->suggestions[i].title, d.suggestions[i].title);
    EXPECT_EQ(back->suggestions[i].link, d.suggestions[i].link);
    EXPECT_EQ(back->suggestions[i].steps, d.suggestions[i].steps);
    EXPECT_DOUBLE_EQ(back->suggestions[i].score, d.suggestions[i].score);
  }
  ASSERT_EQ(back->duplicates.size(), 1u);
  EXPECT_EQ(back->duplicates[0].external_id, "INC-9");
  EXPECT_EQ(back->duplicates[0].title, "VPN drops \"again\"");
  EXPECT_DOUBLE_EQ(back->duplicates[0].score, 0.6);

  // A decision without a search keeps saying so.
  Decision plain = SampleDecision();
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-2"), &plain).ok());
  back = store_->GetDecision(tenant, plain.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->match, MatchState::kNotSearched);
  EXPECT_TRUE(back->suggestions.empty());
  EXPECT_TRUE(back->duplicates.empty());
  EXPECT_EQ(back->summary, "");
}

KbArticle Article(std::string id, std::string title) {
  KbArticle a;
  a.id = std::move(id);
  a.title = std::move(title);
  a.link = "https://kb.example.com/" + a.id;
  a.sections = {{"", "intro"}, {"Resolution", "restart the service"}};
  return a;
}

TEST_F(StoreTest, ArticlesArePutReplacedListedInIdOrderAndDeletedWithAudit) {
  const std::string tenant = NewTenantId("acme");
  auto created = store_->PutArticles(tenant, {Article("b", "B"), Article("a", "A")}, "importer");
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(*created, 2u);
  KbArticle changed = Article("a", "A, second edition");
  changed.sections = {{"Fix", "reinstall"}};
  created = store_->PutArticles(tenant, {changed, Article("c", "C")}, "api");
  ASSERT_TRUE(created);
  EXPECT_EQ(*created, 1u);

  auto a = store_->GetArticle(tenant, "a");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->title, "A, second edition");
  EXPECT_EQ(a->link, "https://kb.example.com/a");
  ASSERT_EQ(a->sections.size(), 1u);
  EXPECT_EQ(a->sections[0].heading, "Fix");
  EXPECT_EQ(a->sections[0].text, "reinstall");
  EXPECT_GT(a->updated_at_ms, 0);

  auto page = store_->ListArticles(tenant, "", 2, false);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, "a");
  EXPECT_EQ((*page)[1].id, "b");
  EXPECT_TRUE((*page)[0].sections.empty()) << "listed without sections";
  page = store_->ListArticles(tenant, "b", 2, true);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, "c");
  EXPECT_EQ((*page)[0].sections.size(), 2u);

  ASSERT_TRUE(store_->DeleteArticle(tenant, "b", "ops").ok());
  EXPECT_EQ(store_->GetArticle(tenant, "b").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteArticle(tenant, "b", "ops").code(), StatusCode::kNotFound);
  auto audit = store_->ListAudit(tenant, 10);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 5u);
  EXPECT_EQ(audit->front().what, "kb_article_deleted");
  EXPECT_EQ(audit->front().subject_id, "b");
  EXPECT_EQ(audit->front().actor, "ops");
  EXPECT_EQ((*audit)[1].what, "kb_article_put");
  EXPECT_TRUE(store_->VerifyAudit()->ok);
}

TEST_F(StoreTest, ArticlesAreTenantScopedAndBadIdsWriteNothing) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  ASSERT_TRUE(store_->PutArticles(acme, {Article("a", "A")}, "api"));
  EXPECT_EQ(store_->GetArticle(beta, "a").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteArticle(beta, "a", "api").code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListArticles(beta, "", 10, false)->empty());
  EXPECT_TRUE(store_->GetArticle(acme, "a"));

  auto bad = store_->PutArticles(beta, {Article("x", "X"), Article("", "no id")}, "api");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  bad =
      store_->PutArticles(beta, {Article(std::string(kMaxArticleIdBytes + 1, 'k'), "long")}, "api");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListArticles(beta, "", 10, false)->empty()) << "nothing of a refused batch";
  EXPECT_EQ(store_->PutArticles("no-such-tenant", {Article("a", "A")}, "api").error().code(),
            StatusCode::kNotFound);
}

TEST_F(StoreTest, ForEachTicketTellsTriagedFromImportedTickets) {
  const std::string tenant = NewTenantId("acme");
  Triage(tenant, SampleTicket("ITSM-1"));
  ASSERT_TRUE(store_->ImportTickets(tenant, {SampleTicket("HIST-1"), SampleTicket("HIST-2")}).ok());
  Triage(NewTenantId("beta"), SampleTicket("OTHER"));
  std::map<std::string, bool> seen;
  ASSERT_TRUE(store_
                  ->ForEachTicket(tenant,
                                  [&](const StoredTicket& t, bool triaged) {
                                    seen[t.ticket.external_id] = triaged;
                                    EXPECT_EQ(t.ticket.comments.size(), 2u);
                                    return Status::Ok();
                                  })
                  .ok());
  EXPECT_EQ(seen,
            (std::map<std::string, bool>{{"HIST-1", false}, {"HIST-2", false}, {"ITSM-1", true}}));
  // A callback's error stops the walk and is returned.
  int calls = 0;
  Status s = store_->ForEachTicket(tenant, [&](const StoredTicket&, bool) {
    ++calls;
    return Status::Internal("stop");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 1);
}

TEST_F(StoreTest, WebhookSecretsArePerTenantAndPlatformAndAuditedWithoutTheirValue) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  EXPECT_EQ(store_->WebhookSecret(acme, "jira").error().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetWebhookSecret(acme, "jira", "one", "ops").ok());
  ASSERT_TRUE(store_->SetWebhookSecret(acme, "jira", "two", "ops").ok());
  EXPECT_EQ(*store_->WebhookSecret(acme, "jira"), "two");
  EXPECT_EQ(store_->WebhookSecret(acme, "servicenow").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->WebhookSecret(beta, "jira").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->WebhookPlatforms(acme), std::vector<std::string>{"jira"});
  EXPECT_EQ(store_->SetWebhookSecret(acme, "slack", "x", "ops").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetWebhookSecret(acme, "jira", "", "ops").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetWebhookSecret("nobody", "jira", "x", "ops").code(), StatusCode::kNotFound);
  auto audit = store_->ListAudit(acme, 10);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->front().what, "webhook_secret_set");
  EXPECT_EQ(audit->front().subject_id, "jira");
  for (const AuditRecord& r : *audit)
    for (const std::string& v : {r.subject_id, r.actor, r.model_version, r.input_hash})
      EXPECT_EQ(v.find("two"), std::string::npos);
}

TEST_F(StoreTest, InboxKeepsEachDeliveryOnceInOrderAndRecordsOutcomes) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  auto a = store_->EnqueueInbox(acme, "jira", "k1", "{\"a\":1}");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_FALSE(a->duplicate);
  auto again = store_->EnqueueInbox(acme, "jira", "k1", "{\"other\":2}");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->id, a->id);
  auto b = store_->EnqueueInbox(beta, "jira", "k1", "{\"b\":1}");  // another tenant's key space
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->duplicate);
  auto c = store_->EnqueueInbox(acme, "servicenow", "k1", "{\"c\":1}");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->duplicate);
  EXPECT_EQ(store_->EnqueueInbox(acme, "jira", "", "{}").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->EnqueueInbox(acme, "jira", std::string(kMaxDeliveryKeyBytes + 1, 'k'), "{}")
                .error()
                .code(),
            StatusCode::kInvalidArgument);

  auto pending = store_->PendingInbox(0, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].id, a->id);
  EXPECT_EQ((*pending)[0].body, "{\"a\":1}") << "the first delivery's body is kept";
  EXPECT_EQ((*pending)[1].tenant_id, beta);
  EXPECT_EQ(store_->PendingInbox(a->id, 10)->size(), 2u);

  ASSERT_TRUE(store_->FinishInbox(a->id, true, "decided d_1", false).ok());
  ASSERT_TRUE(store_->FinishInbox(b->id, false, "database busy", true).ok());
  ASSERT_TRUE(store_->FinishInbox(c->id, false, "does not parse", false).ok());
  EXPECT_EQ(store_->FinishInbox(9999, true, "", false).code(), StatusCode::kNotFound);
  pending = store_->PendingInbox(0, 10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, b->id);
  EXPECT_EQ((*pending)[0].attempts, 1u);

  auto listed = store_->ListInbox(acme, std::nullopt, 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, c->id) << "newest first";
  EXPECT_EQ((*listed)[0].state, InboxState::kFailed);
  EXPECT_EQ((*listed)[0].result, "does not parse");
  EXPECT_TRUE((*listed)[0].body.empty());
  EXPECT_EQ((*listed)[1].state, InboxState::kDone);
  EXPECT_EQ(store_->ListInbox(acme, InboxState::kDone, 10)->size(), 1u);
  auto counts = store_->CountInbox();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 1);
  EXPECT_EQ(counts->failed, 1);

  // Pruning removes done items processed before the cut-off only; a repeat of a pruned delivery
  // is new again.
  auto pruned = store_->PruneInbox(0);
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 0);
  pruned = store_->PruneInbox(std::numeric_limits<std::int64_t>::max());
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(store_->ListInbox(acme, std::nullopt, 10)->size(), 1u);
  EXPECT_FALSE(store_->EnqueueInbox(acme, "jira", "k1", "{}")->duplicate);
}

TEST_F(StoreTest, LatestDecisionIsFoundByExternalIdWithinTheTenant) {
  const std::string acme = NewTenantId("acme");
  EXPECT_EQ(store_->LatestDecision(acme, "ITSM-1").error().code(), StatusCode::kNotFound);
  Triage(acme, SampleTicket("ITSM-1"));
  const Decision second = Triage(acme, SampleTicket("ITSM-1", "changed title"));
  auto latest = store_->LatestDecision(acme, "ITSM-1");
  ASSERT_TRUE(latest) << latest.error().ToString();
  EXPECT_EQ(latest->id, second.id);
  EXPECT_EQ(latest->fields.size(), 2u);
  EXPECT_EQ(store_->LatestDecision(NewTenantId("beta"), "ITSM-1").error().code(),
            StatusCode::kNotFound);
}

TEST_F(StoreTest, ConnectionsArePerTenantAndPlatformListedWithoutSecretsAndAudited) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  EXPECT_EQ(store_->GetConnection(acme, "jira").error().code(), StatusCode::kNotFound);
  Connection jira{.platform = "jira",
                  .base_url = "https://acme.atlassian.net/",
                  .auth = AuthKind::kBasic,
                  .user = "bot@acme.example",
                  .secret = "tok-1"};
  ASSERT_TRUE(store_->SetConnection(acme, jira, "ops").ok());
  jira.secret = "tok-2";
  ASSERT_TRUE(store_->SetConnection(acme, jira, "ops").ok());
  Connection snow{.platform = "servicenow",
                  .base_url = "https://acme.service-now.com",
                  .auth = AuthKind::kBearer,
                  .user = "ignored",
                  .secret = "bearer-1"};
  ASSERT_TRUE(store_->SetConnection(acme, snow, "ops").ok());
  auto got = store_->GetConnection(acme, "jira");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->base_url, "https://acme.atlassian.net") << "the trailing slash is dropped";
  EXPECT_EQ(got->user, "bot@acme.example");
  EXPECT_EQ(got->secret, "tok-2");
  EXPECT_EQ(store_->GetConnection(acme, "servicenow")->user, "") << "bearer has no user";
  EXPECT_EQ(store_->GetConnection(beta, "jira").error().code(), StatusCode::kNotFound);
  auto listed = store_->ListConnections(acme);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].platform, "jira");
  EXPECT_EQ((*listed)[1].auth, AuthKind::kBearer);
  for (const Connection& c : *listed) EXPECT_TRUE(c.secret.empty());
  EXPECT_TRUE(store_->ListConnections(beta)->empty());

  Connection bad = jira;
  bad.base_url = "ftp://acme";
  EXPECT_EQ(store_->SetConnection(acme, bad, "ops").code(), StatusCode::kInvalidArgument);
  bad = jira;
  bad.secret = "";
  EXPECT_EQ(store_->SetConnection(acme, bad, "ops").code(), StatusCode::kInvalidArgument);
  bad = jira;
  bad.user = "";
  EXPECT_EQ(store_->SetConnection(acme, bad, "ops").code(), StatusCode::kInvalidArgument);
  bad = jira;
  bad.platform = "slack";
  EXPECT_EQ(store_->SetConnection(acme, bad, "ops").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetConnection("nobody", jira, "ops").code(), StatusCode::kNotFound);
  auto audit = store_->ListAudit(acme, 10);
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ(audit->front().what, "connection_set");
  for (const AuditRecord& r : *audit)
    for (const std::string& v : {r.subject_id, r.actor, r.model_version, r.input_hash})
      EXPECT_EQ(v.find("tok-"), std::string::npos);
}

TEST_F(StoreTest, OutboxKeepsOneWritePerDecisionAndKindAndTracksAttemptsAndDeadLetters) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  OutboxItem note{.platform = "jira",
                  .decision_id = "d_1",
                  .kind = OutboxKind::kNote,
                  .field = "category",
                  .ticket_key = "SD-1",
                  .target = "SD-1",
                  .text = "ticketwise suggests network"};
  OutboxItem set = note;
  set.kind = OutboxKind::kSetField;
  set.text = "network";
  auto ids = store_->EnqueueOutbox(acme, {note, set});
  ASSERT_TRUE(ids) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 2u);
  // The same decision replayed adds nothing and names the same items.
  OutboxItem replay = note;
  replay.text = "other text";
  auto again = store_->EnqueueOutbox(acme, {replay});
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, std::vector<std::int64_t>{(*ids)[0]});
  auto other = store_->EnqueueOutbox(beta, {note});
  ASSERT_TRUE(other);
  EXPECT_NE((*other)[0], (*ids)[0]) << "another tenant's decision ids are its own";
  OutboxItem no_target = note;
  no_target.target = "";
  EXPECT_EQ(store_->EnqueueOutbox(acme, {no_target}).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->EnqueueOutbox("nobody", {note}).error().code(), StatusCode::kNotFound);

  auto pending = store_->PendingOutbox(10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].id, (*ids)[0]);
  EXPECT_EQ((*pending)[0].text, "ticketwise suggests network") << "the first one is kept";
  EXPECT_EQ((*pending)[0].attempts, 0u);

  // Started, failed for a while, then sent.
  ASSERT_TRUE(store_->StartOutboxAttempt((*ids)[0]).ok());
  ASSERT_TRUE(store_->MarkOutboxFailed((*ids)[0], 503, "busy", false, now_ + 1'000'000).ok());
  pending = store_->PendingOutbox(10);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ(pending->back().id, (*ids)[0]) << "the soonest due first";
  EXPECT_EQ(pending->back().attempts, 1u);
  EXPECT_EQ(pending->back().last_status, 503);
  ASSERT_TRUE(store_->MarkOutboxSent((*ids)[0], 201).ok());

  // A 400 is a dead letter with the answer kept (cut to its limit), until it is retried.
  ASSERT_TRUE(store_->StartOutboxAttempt((*ids)[1]).ok());
  const std::string answer(kMaxOutboxErrorBytes + 100, 'x');
  ASSERT_TRUE(store_->MarkOutboxFailed((*ids)[1], 400, answer, true, 0).ok());
  EXPECT_EQ(store_->StartOutboxAttempt(9999).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->MarkOutboxSent(9999, 200).code(), StatusCode::kNotFound);
  auto dead = store_->ListOutbox(acme, OutboxState::kDead, 10);
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].kind, OutboxKind::kSetField);
  EXPECT_EQ((*dead)[0].last_status, 400);
  EXPECT_EQ((*dead)[0].last_error.size(), kMaxOutboxErrorBytes);
  EXPECT_EQ(store_->ListOutbox(acme, std::nullopt, 10)->size(), 2u);
  EXPECT_EQ(store_->ListOutbox(acme, OutboxState::kSent, 10)->front().id, (*ids)[0]);
  EXPECT_EQ(*store_->CountOutbox(), (std::array<std::int64_t, 3>{1, 1, 1}));

  EXPECT_EQ(store_->RetryOutbox(beta, (*ids)[1], "ops").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->RetryOutbox(acme, (*ids)[0], "ops").error().code(),
            StatusCode::kFailedPrecondition);
  auto retried = store_->RetryOutbox(acme, (*ids)[1], "ops");
  ASSERT_TRUE(retried) << retried.error().ToString();
  EXPECT_EQ(retried->state, OutboxState::kPending);
  EXPECT_EQ(retried->attempts, 1u) << "attempts are kept: a retry checks what was posted";
  EXPECT_EQ(store_->PendingOutbox(10)->size(), 2u);
  EXPECT_EQ(store_->ListAudit(acme, 1)->front().what, "outbox_retry");
}

TEST_F(StoreTest, PollingKeepsItsWatermarkUnlessToldAndListsOnlyWhatIsOn) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  EXPECT_EQ(store_->GetPolling(acme, "servicenow").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SetPolling(acme, "jira", 60, "", "ops").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetPolling("nobody", "servicenow", 60, "", "ops").code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetPolling(acme, "servicenow", 60, "2026-12-04 09:00:00", "ops").ok());
  ASSERT_TRUE(store_->SetPolling(beta, "servicenow", 0, "2026-12-04 09:00:00", "ops").ok());
  ASSERT_TRUE(store_->RecordPoll(acme, "servicenow", "2026-12-04 09:30:00", 1234, "").ok());
  ASSERT_TRUE(store_->SetPolling(acme, "servicenow", 30, "", "ops").ok());
  auto p = store_->GetPolling(acme, "servicenow");
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->interval_s, 30u);
  EXPECT_EQ(p->watermark, "2026-12-04 09:30:00") << "kept when no new one is given";
  EXPECT_EQ(p->last_poll_ms, 1234);
  ASSERT_TRUE(store_->RecordPoll(acme, "servicenow", p->watermark, 2000, "HTTP 401").ok());
  EXPECT_EQ(store_->GetPolling(acme, "servicenow")->last_error, "HTTP 401");
  auto active = store_->ActivePolling();
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].tenant_id, acme);
  EXPECT_EQ(store_->RecordPoll(beta, "jira", "", 1, "").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListAudit(acme, 1)->front().what, "polling_set");
}

TEST_F(StoreTest, FieldReasonsRoundTripWithNewlinesAndBackslashes) {
  const std::string tenant = NewTenantId("acme");
  Decision d = SampleDecision();
  FieldDecision queue;
  queue.field = "queue";
  queue.label = "Network";
  queue.confidence = 0.75f;
  queue.model_version = "triage@abc";
  queue.reasons = {"best composite score 0.37, ahead of 'Desk' by 0.17",
                   "'Network' 0.37: team_fit 0.00, category 0.87", "two\nlines and a \\ backslash",
                   ""};
  d.fields.push_back(queue);
  ASSERT_TRUE(store_->RecordTriage(tenant, SampleTicket("ITSM-1"), &d).ok());
  Result<Decision> back = store_->GetDecision(tenant, d.id);
  ASSERT_TRUE(back) << back.error().ToString();
  ASSERT_EQ(back->fields.size(), d.fields.size());
  EXPECT_TRUE(back->fields[0].reasons.empty());
  EXPECT_EQ(back->fields.back().field, "queue");
  EXPECT_EQ(back->fields.back().reasons, queue.reasons);
  auto listed = store_->ListDecisions(tenant, {});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().fields.back().reasons, queue.reasons);
}

TEST_F(StoreTest, AResolveWriteKeepsItsCloseCodeBesideTheOtherWritesOfItsDecision) {
  const std::string acme = NewTenantId("acme");
  OutboxItem set{.platform = "servicenow",
                 .decision_id = "d_7",
                 .kind = OutboxKind::kSetField,
                 .field = "resolution",
                 .ticket_key = "INC7",
                 .target = "abc",
                 .text = "password-reset"};
  OutboxItem resolve = set;
  resolve.kind = OutboxKind::kResolve;
  resolve.text = "Your request is complete.";
  resolve.close_code = "Solution provided";
  auto ids = store_->EnqueueOutbox(acme, {set, resolve});
  ASSERT_TRUE(ids) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_NE((*ids)[0], (*ids)[1]) << "a different kind of write on the same field";
  auto listed = store_->ListOutbox(acme, OutboxState::kPending, 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().kind, OutboxKind::kResolve);  // newest first
  EXPECT_EQ(listed->front().close_code, "Solution provided");
  EXPECT_EQ(listed->front().text, "Your request is complete.");
  EXPECT_EQ(listed->back().close_code, "");
  EXPECT_EQ(ParseOutboxKind("resolve"), OutboxKind::kResolve);
  EXPECT_EQ(ParseOutboxKind("delete"), std::nullopt);
}

TEST_F(StoreTest, AWithdrawnResolveIsStoppedOrFollowedByOneReopen) {
  const std::string acme = NewTenantId("acme");
  auto resolve = [&](const std::string& decision) {
    OutboxItem item{.platform = "servicenow",
                    .decision_id = decision,
                    .kind = OutboxKind::kResolve,
                    .field = "resolution",
                    .ticket_key = "INC7",
                    .target = "abc",
                    .text = "Your request is complete.",
                    .close_code = "Solution provided"};
    auto ids = store_->EnqueueOutbox(acme, {item});
    EXPECT_TRUE(ids) << ids.error().ToString();
    return ids ? ids->front() : 0;
  };
  auto item = [&](std::int64_t id) {
    const auto items = store_->ListOutbox(acme, std::nullopt, 100);
    if (items)
      for (const OutboxItem& i : *items)
        if (i.id == id) return i;
    return OutboxItem{};
  };
  // Never attempted: stopped, and nothing to reopen; the worker then sends nothing.
  const std::int64_t unsent = resolve("d_1");
  auto none = store_->WithdrawResolve(acme, "d_1", "wrong category");
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(item(unsent).state, OutboxState::kDead);
  EXPECT_EQ(item(unsent).last_error, "withdrawn: wrong category");
  EXPECT_EQ(store_->StartOutboxAttempt(unsent).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(item(unsent).attempts, 0u);

  // Sent: a reopen of the same ticket, once however often it is withdrawn.
  const std::int64_t sent = resolve("d_2");
  ASSERT_TRUE(store_->StartOutboxAttempt(sent).ok());
  ASSERT_TRUE(store_->MarkOutboxSent(sent, 200).ok());
  auto reopen = store_->WithdrawResolve(acme, "d_2", "still broken");
  ASSERT_TRUE(reopen) << reopen.error().ToString();
  ASSERT_GT(*reopen, 0);
  EXPECT_EQ(*store_->WithdrawResolve(acme, "d_2", "still broken"), *reopen);
  const OutboxItem r = item(*reopen);
  EXPECT_EQ(r.kind, OutboxKind::kReopen);
  EXPECT_EQ(r.state, OutboxState::kPending);
  EXPECT_EQ(r.target, "abc");
  EXPECT_EQ(r.text, "still broken");
  EXPECT_EQ(item(sent).state, OutboxState::kSent);

  // Attempted and waiting for a retry: it may have arrived, so it is stopped and reopened.
  const std::int64_t tried = resolve("d_3");
  ASSERT_TRUE(store_->StartOutboxAttempt(tried).ok());
  ASSERT_TRUE(store_->MarkOutboxFailed(tried, 503, "unavailable", false, 0).ok());
  auto after_try = store_->WithdrawResolve(acme, "d_3", "no");
  ASSERT_TRUE(after_try);
  EXPECT_GT(*after_try, 0);
  EXPECT_EQ(item(tried).state, OutboxState::kDead);

  // Nothing resolved, nothing to withdraw; another tenant's decision is not found either.
  EXPECT_EQ(store_->WithdrawResolve(acme, "d_9", "x").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->WithdrawResolve(NewTenantId("globex"), "d_2", "x").error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ParseOutboxKind("reopen"), OutboxKind::kReopen);
}

TEST_F(StoreTest, EachKindOfConfigurationIsKeptApartAndAudited) {
  const std::string acme = NewTenantId("acme");
  ASSERT_TRUE(store_->SetConfig(acme, ConfigKind::kTriage, R"({"t":1})", "api").ok());
  EXPECT_EQ(store_->GetConfig(acme, ConfigKind::kResolution).error().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetConfig(acme, ConfigKind::kResolution, R"({"r":1})", "admin").ok());
  EXPECT_EQ(store_->GetConfig(acme, ConfigKind::kTriage)->json, R"({"t":1})");
  EXPECT_EQ(store_->GetConfig(acme, ConfigKind::kResolution)->json, R"({"r":1})");
  auto all = store_->Configs(ConfigKind::kResolution);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().json, R"({"r":1})");
  auto audit = store_->ListAudit(acme, 1);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->front().what, "resolution_config_set");
  EXPECT_EQ(audit->front().subject_id, "resolution");
  EXPECT_EQ(audit->front().actor, "admin");
}

TEST_F(StoreTest, TriageConfigAndIncidentsAreKeptPerTenantAndAudited) {
  const std::string acme = NewTenantId("acme");
  const std::string beta = NewTenantId("beta");
  EXPECT_EQ(store_->GetConfig(acme, ConfigKind::kTriage).error().code(), StatusCode::kNotFound);
  const std::string first = R"({"triage_queue":"Desk","queues":[{"name":"Desk"}]})";
  const std::string second = R"({"triage_queue":"Desk","queues":[{"name":"Desk"},{"name":"Net"}]})";
  ASSERT_TRUE(store_->SetConfig(acme, ConfigKind::kTriage, first, "api").ok());
  ASSERT_TRUE(store_->SetConfig(acme, ConfigKind::kTriage, second, "api").ok());
  auto got = store_->GetConfig(acme, ConfigKind::kTriage);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->json, second);
  EXPECT_EQ(got->tenant_id, acme);
  EXPECT_GT(got->updated_at_ms, 0);
  EXPECT_EQ(store_->GetConfig(beta, ConfigKind::kTriage).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SetConfig("tn_nobody", ConfigKind::kTriage, first, "api").code(),
            StatusCode::kNotFound);
  auto all = store_->Configs(ConfigKind::kTriage);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].tenant_id, acme);
  auto audit = store_->ListAudit(acme, 1);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->front().what, "triage_config_set");
  EXPECT_EQ(audit->front().actor, "api");

  ASSERT_TRUE(store_
                  ->PutIncidents(acme,
                                 {{"INC-2", R"({"id":"INC-2","service":"vpn"})", 0},
                                  {"INC-1", R"({"id":"INC-1","text":"mail down"})", 0}},
                                 "api")
                  .ok());
  // Declaring an id again replaces it (an incident that ended).
  ASSERT_TRUE(
      store_->PutIncidents(acme, {{"INC-2", R"({"id":"INC-2","end":"x"})", 0}}, "api").ok());
  auto incidents = store_->ListIncidents(acme);
  ASSERT_TRUE(incidents);
  ASSERT_EQ(incidents->size(), 2u);
  EXPECT_EQ((*incidents)[0].id, "INC-1");
  EXPECT_EQ((*incidents)[1].json, R"({"id":"INC-2","end":"x"})");
  EXPECT_TRUE(store_->ListIncidents(beta)->empty());
  EXPECT_EQ(store_->PutIncidents(acme, {{"", "{}", 0}}, "api").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListAudit(acme, 1)->front().what, "incident_declared");
  EXPECT_EQ(store_->ListAudit(acme, 1)->front().subject_id, "INC-2");
}

// A decision with a "queue" field, as the engine makes it for a tenant with triage.
Decision QueueDecision(const std::string& queue, Mode mode, bool abstained = false) {
  Decision d = SampleDecision();
  FieldDecision q;
  q.field = "queue";
  q.label = queue;
  q.confidence = 0.7f;
  q.abstained = abstained;
  q.mode = mode;
  q.model_version = "triage@1";
  d.fields.push_back(q);
  return d;
}

TEST_F(StoreTest, HistoryCountsTheRequestersRecentAndReopenedTicketsWithinTheTenant) {
  const std::string tenant = NewTenantId("acme");
  const std::string other = NewTenantId("globex");
  const std::int64_t day = 24 * 60 * 60 * 1000;
  const std::int64_t now = 1700000000000 + 40 * day;
  auto ticket = [&](const std::string& id, std::int64_t age, const std::string& requester) {
    Ticket t = SampleTicket(id);
    t.requester = requester;
    t.created_at_ms = now - age;
    return t;
  };
  Ticket reopened = ticket("R-1", 2 * day, "ada");
  reopened.fields["status"] = "Reopened";
  Ticket counted = ticket("R-2", 20 * day, "ada");  // too old for "recent", not for "reopened"
  counted.fields["reopen_count"] = "2";
  Ticket never = ticket("R-3", 1 * day, "ada");
  never.fields["reopen_count"] = "0";
  ASSERT_TRUE(store_
                  ->ImportTickets(tenant, {reopened, counted, never, ticket("R-4", 3 * day, "bob"),
                                           ticket("R-5", 31 * day, "ada")})
                  .ok());
  ASSERT_TRUE(store_->ImportTickets(other, {ticket("G-1", day, "ada")}).ok());

  Ticket now_filed = ticket("NEW-1", 0, "ada");
  auto h = store_->HistoryOf(tenant, now_filed, now);
  ASSERT_TRUE(h) << h.error().ToString();
  EXPECT_FALSE(h->known);
  EXPECT_EQ(h->requester_tickets_7d, 2u);  // R-1 and R-3: not R-2, R-5, bob's or globex's
  EXPECT_EQ(h->requester_reopened, 2u);    // R-1 and R-2
  EXPECT_TRUE(h->queues.empty());
  // The ticket itself is not one of the requester's other tickets.
  auto self = store_->HistoryOf(tenant, never, now);
  ASSERT_TRUE(self);
  EXPECT_TRUE(self->known);
  EXPECT_EQ(self->requester_tickets_7d, 1u);
  // No requester: nothing to count.
  Ticket anonymous = ticket("NEW-2", 0, "");
  auto none = store_->HistoryOf(tenant, anonymous, now);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->requester_tickets_7d, 0u);
  EXPECT_EQ(none->requester_reopened, 0u);
}

TEST_F(StoreTest, QueueHistoryHoldsActingDecisionsAndCorrectionsInOrder) {
  const std::string tenant = NewTenantId("acme");
  const Ticket t = SampleTicket("PP-1");
  // Decided in shadow mode: not an assignment. Then people move it three times.
  Decision shadow = QueueDecision("Network", Mode::kShadow);
  ASSERT_TRUE(store_->RecordTriage(tenant, t, &shadow).ok());
  for (const char* queue : {"Workplace", "Network", "Workplace"}) {
    auto fb = store_->RecordFeedback(tenant, {.decision_id = shadow.id,
                                              .field = "queue",
                                              .verdict = Verdict::kCorrected,
                                              .value = queue,
                                              .actor = "agent"});
    ASSERT_TRUE(fb) << fb.error().ToString();
  }
  ASSERT_TRUE(store_->RecordFeedback(tenant, {.decision_id = shadow.id,
                                              .field = "category",
                                              .verdict = Verdict::kCorrected,
                                              .value = "access",
                                              .actor = "agent"}));
  auto h = store_->HistoryOf(tenant, t, now_);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->queues, (std::vector<std::string>{"Workplace", "Network", "Workplace"}));

  // An acting decision counts, a repeat of the current queue does not.
  Ticket again = t;
  again.title = "VPN still drops";
  Decision acting = QueueDecision("Workplace", Mode::kAuto);
  ASSERT_TRUE(store_->RecordTriage(tenant, again, &acting).ok());
  again.title = "VPN drops, third report";
  Decision moved = QueueDecision("Identity", Mode::kAuto);
  ASSERT_TRUE(store_->RecordTriage(tenant, again, &moved).ok());
  h = store_->HistoryOf(tenant, t, now_);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->queues, (std::vector<std::string>{"Workplace", "Network", "Workplace", "Identity"}));

  auto reassigned = store_->ReassignedTickets(tenant, 3, 10);
  ASSERT_TRUE(reassigned) << reassigned.error().ToString();
  ASSERT_EQ(reassigned->size(), 1u);
  EXPECT_EQ((*reassigned)[0].external_id, "PP-1");
  EXPECT_EQ((*reassigned)[0].queues, h->queues);
  EXPECT_TRUE(store_->ReassignedTickets(tenant, 4, 10)->empty());
  EXPECT_TRUE(store_->ReassignedTickets(NewTenantId("globex"), 1, 10)->empty());
}

TEST_F(StoreTest, MajorIncidentsAreRecordedUpdatedListedPerTenantAndAudited) {
  const std::string tenant = NewTenantId("acme");
  const std::string other = NewTenantId("globex");
  MajorIncidentRecord r{.service = "vpn",
                        .summary = "VPN down",
                        .first_seen_ms = 10,
                        .last_seen_ms = 20,
                        .ticket_ids = {"A-1", "A-2", "A-3"}};
  auto id = store_->PutMajorIncident(tenant, r);
  ASSERT_TRUE(id) << id.error().ToString();
  r.id = *id;
  r.ticket_ids.push_back("A-4");
  r.last_seen_ms = 30;
  ASSERT_EQ(store_->PutMajorIncident(tenant, r).value(), *id);
  auto second = store_->PutMajorIncident(tenant, {.summary = "mail", .ticket_ids = {"B-1"}});
  ASSERT_TRUE(second);

  auto list = store_->ListMajorIncidents(tenant, 10);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].summary, "mail");  // newest first
  EXPECT_EQ((*list)[1].id, *id);
  EXPECT_EQ((*list)[1].ticket_ids, (std::vector<std::string>{"A-1", "A-2", "A-3", "A-4"}));
  EXPECT_EQ((*list)[1].last_seen_ms, 30);
  EXPECT_EQ(store_->ListMajorIncidents(tenant, 1)->size(), 1u);
  EXPECT_TRUE(store_->ListMajorIncidents(other, 10)->empty());
  // Another tenant cannot update it; nothing without a ticket; unknown tenants are refused.
  EXPECT_EQ(store_->PutMajorIncident(other, r).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->PutMajorIncident(tenant, {.summary = "x"}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->PutMajorIncident("tn_missing", {.ticket_ids = {"x"}}).error().code(),
            StatusCode::kNotFound);
  auto audit = store_->ListAudit(tenant, 10);
  ASSERT_TRUE(audit);
  std::map<std::string, int> what;
  for (const AuditRecord& a : *audit) ++what[a.what];
  EXPECT_EQ(what["major_incident_raised"], 2);
  EXPECT_EQ(what["major_incident_linked"], 1);
}

}  // namespace
}  // namespace ticketwise::store
