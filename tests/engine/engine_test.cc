#include "engine/engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "classify/trainer.h"
#include "triage/triage.h"

namespace ticketwise::engine {
namespace {

// A small model as the classifier's tests train them.
std::shared_ptr<const classify::Model> TrainOn(const std::vector<std::string>& texts,
                                               const std::vector<std::string>& labels) {
  classify::TrainOptions o;
  o.features.hash_bits = 16;
  o.min_df = 1;
  auto model = classify::Train({texts.begin(), texts.end()}, {labels.begin(), labels.end()}, o);
  if (!model) return nullptr;
  return std::make_shared<const classify::Model>(std::move(*model));
}

// Three topics with a clear signal each and shared noise words, as in the classifier's tests.
std::shared_ptr<const classify::Model> TrainTinyModel() {
  const char* kTopics[][4] = {{"printer", "toner", "paper jam", "Hardware"},
                              {"password", "locked account", "login", "Access"},
                              {"invoice", "purchase order", "quote", "Purchase"}};
  const char* kNoise[] = {"please", "help", "urgent", "thanks", "today", "colleague"};
  std::vector<std::string> texts, labels;
  for (int i = 0; i < 300; ++i) {
    const auto& t = kTopics[i % 3];
    texts.push_back(std::string(kNoise[i % 6]) + " " + t[i % 3] + " issue " + kNoise[(i / 3) % 6] +
                    " " + t[(i / 7) % 3]);
    labels.push_back(t[3]);
  }
  return TrainOn(texts, labels);
}

const std::shared_ptr<const classify::Model>& TinyModel() {
  static const std::shared_ptr<const classify::Model> model = TrainTinyModel();
  return model;
}

Ticket PrinterTicket() {
  Ticket t;
  t.external_id = "ITSM-1";
  t.title = "printer paper jam";
  t.description = "the toner is empty and the printer has a paper jam again";
  return t;
}

TEST(EngineTest, DecidesCategoryWithAlternativesModeAndVersion) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("tenant-a", TinyModel(), "tiny-v1");
  auto d = engine.Decide("tenant-a", PrinterTicket());
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(d->tenant, "tenant-a");
  EXPECT_TRUE(d->id.empty());  // the store assigns it
  ASSERT_EQ(d->fields.size(), 1u);
  const FieldDecision& f = d->fields[0];
  EXPECT_EQ(f.field, "category");
  EXPECT_EQ(f.label, "Hardware");
  EXPECT_GT(f.confidence, 0.5f);
  EXPECT_FALSE(f.abstained);
  ASSERT_EQ(f.top.size(), 3u);
  EXPECT_EQ(f.top[0].label, "Hardware");
  EXPECT_GE(f.top[0].p, f.top[1].p);
  EXPECT_GE(f.top[1].p, f.top[2].p);
  EXPECT_EQ(f.mode, Mode::kShadow);
  EXPECT_EQ(f.model_version, "tiny-v1");
  EXPECT_GE(d->engine_micros, 0);
}

TEST(EngineTest, AbstainsWhenTargetPrecisionCannotBeMet) {
  ASSERT_NE(TinyModel(), nullptr);
  EngineOptions options;
  options.target_precision = 1.5;  // above the grid: every label abstains
  options.top_k = 2;
  Engine engine(options);
  engine.SetModel("t", TinyModel(), "v");
  auto d = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->fields[0].abstained);
  EXPECT_EQ(d->fields[0].top.size(), 2u);
}

TEST(EngineTest, UnknownTenantIsFailedPrecondition) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  EXPECT_FALSE(engine.HasModel("tenant-a"));
  engine.SetModel("tenant-a", TinyModel(), "v1");
  EXPECT_TRUE(engine.HasModel("tenant-a"));
  EXPECT_FALSE(engine.HasModel("tenant-b"));
  auto d = engine.Decide("tenant-b", PrinterTicket());
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code(), StatusCode::kFailedPrecondition);
}

TEST(EngineTest, DefaultModelServesTenantsWithoutTheirOwn) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetDefaultModel(TinyModel(), "default-v1");
  engine.SetModel("own", TinyModel(), "own-v1");
  EXPECT_EQ(engine.Decide("anyone", PrinterTicket())->fields[0].model_version, "default-v1");
  EXPECT_EQ(engine.Decide("own", PrinterTicket())->fields[0].model_version, "own-v1");
  EXPECT_EQ(engine.ModelVersion("anyone"), "default-v1");
  engine.SetDefaultModel(nullptr, "");
  EXPECT_FALSE(engine.HasModel("anyone"));
  EXPECT_TRUE(engine.HasModel("own"));
}

TEST(EngineTest, AutoModeActsOnlyAboveItsGateAndOtherwiseSuggests) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  engine.SetPolicy("t", "category", {.mode = Mode::kAuto, .auto_min_confidence = 0.0});
  auto confident = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(confident.has_value());
  ASSERT_FALSE(confident->fields[0].abstained);
  EXPECT_EQ(confident->fields[0].mode, Mode::kAuto);

  // A gate no confidence reaches.
  engine.SetPolicy("t", "category", {.mode = Mode::kAuto, .auto_min_confidence = 1.01});
  auto unsure = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(unsure.has_value());
  EXPECT_EQ(unsure->fields[0].mode, Mode::kSuggest);
  engine.SetPolicy("t", "category", {.mode = Mode::kSuggest});
  EXPECT_EQ(engine.Decide("t", PrinterTicket())->fields[0].mode, Mode::kSuggest);
  // Policies are per tenant.
  engine.SetModel("u", TinyModel(), "v1");
  EXPECT_EQ(engine.Decide("u", PrinterTicket())->fields[0].mode, Mode::kShadow);
}

TEST(EngineTest, AutoResolutionAddsAResolutionFieldUnderItsOwnModeAndGuards) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  auto config = policy::ParseResolutionConfig(
      R"({"templates": {"t": "Your request {{ticket}} is complete."},
          "rules": [{"name": "printer", "category": "Hardware", "template": "t"}]})",
      "t");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  config->version = "resolution@1";
  engine.SetResolution("t", std::make_shared<const policy::ResolutionConfig>(*config));
  ASSERT_NE(engine.ResolutionOf("t"), nullptr);
  EXPECT_EQ(engine.ResolutionOf("u"), nullptr);
  auto d = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->fields.size(), 2u);
  const FieldDecision& r = d->fields.back();
  EXPECT_EQ(r.field, "resolution");
  EXPECT_EQ(r.label, "printer");
  EXPECT_FALSE(r.abstained);
  EXPECT_FLOAT_EQ(r.confidence, d->fields[0].confidence);
  EXPECT_EQ(r.mode, Mode::kShadow);
  EXPECT_EQ(r.model_version, "resolution@1");
  engine.SetPolicy("t", "resolution", {.mode = Mode::kAuto, .auto_min_confidence = 0.0});
  EXPECT_EQ(engine.Decide("t", PrinterTicket())->fields.back().mode, Mode::kAuto);
  // A guard holds the ticket, so auto acts no more: it is offered to an agent.
  Ticket reopened = PrinterTicket();
  reopened.fields["reopen_count"] = "1";
  auto held = engine.Decide("t", reopened);
  EXPECT_TRUE(held->fields.back().abstained);
  EXPECT_EQ(held->fields.back().mode, Mode::kSuggest);
  engine.SetResolution("t", nullptr);
  EXPECT_EQ(engine.Decide("t", PrinterTicket())->fields.size(), 1u);
}

TEST(EngineTest, SetModelReplacesTheTenantsModelVersion) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  engine.SetModel("t", TinyModel(), "v2");
  EXPECT_EQ(engine.ModelVersion("t"), "v2");
  auto d = engine.Decide("t", PrinterTicket());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->fields[0].model_version, "v2");
}

TEST(EngineTest, DecidesFromFourThreadsWhileModelsChange) {
  ASSERT_NE(TinyModel(), nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "v1");
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&engine, &wrong, i] {
      Ticket ticket;
      ticket.title = i % 2 ? "locked account, cannot login" : "printer toner empty";
      const std::string want = i % 2 ? "Access" : "Hardware";
      for (int n = 0; n < 200; ++n) {
        auto d = engine.Decide("t", ticket);
        if (!d || d->fields.size() != 1 || d->fields[0].label != want) ++wrong[i];
      }
    });
  }
  for (int n = 0; n < 50; ++n) engine.SetModel("t", TinyModel(), "v" + std::to_string(n));
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(wrong[i], 0) << "thread " << i;
}

// Triage: a service desk, two queues that own the tiny model's categories, and a critical service.
std::shared_ptr<const triage::Triage> TwoQueueTriage() {
  triage::TriageConfig c;
  c.services = {{"payroll", triage::Criticality::kCritical}, {"wiki", triage::Criticality::kLow}};
  triage::Queue desk, hardware, identity;
  desk.name = "Service Desk";
  hardware.name = "Workplace";
  hardware.categories = {"Hardware"};
  hardware.capacity = 20;
  identity.name = "Identity";
  identity.categories = {"Access"};
  identity.capacity = 20;
  c.queues = {desk, hardware, identity};
  c.triage_queue = "Service Desk";
  auto t = triage::Triage::Create(c);
  if (!t) return nullptr;
  return std::make_shared<const triage::Triage>(std::move(*t));
}

triage::Seconds Noon() {
  using namespace std::chrono;
  return sys_seconds(sys_days(year(2026) / 12 / 3)) + hours(12);
}

const FieldDecision* FieldOf(const Decision& d, std::string_view name) {
  for (const FieldDecision& f : d.fields)
    if (f.field == name) return &f;
  return nullptr;
}

bool HasReason(const FieldDecision& f, std::string_view signal) {
  for (const std::string& r : f.reasons)
    if (r.starts_with(signal)) return true;
  return false;
}

triage::ActiveIncident Outage(std::string id, std::string service, triage::Seconds start) {
  triage::ActiveIncident i;
  i.id = std::move(id);
  i.service = std::move(service);
  i.text = "outage";
  i.start = start;
  return i;
}

// An engine with the tiny model and the two-queue configuration for tenant "t".
class TriageEngineTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(TinyModel(), nullptr);
    engine.SetModel("t", TinyModel(), "tiny");
    engine.SetTriage("t", TwoQueueTriage(), "triage@1");
  }
  Engine engine;
};

TEST(EngineTriageTest, TenantWithoutConfigurationGetsOnlyTheCategory) {
  ASSERT_NE(TinyModel(), nullptr);
  ASSERT_NE(TwoQueueTriage(), nullptr);
  Engine engine;
  engine.SetDefaultModel(TinyModel(), "tiny");
  engine.SetTriage("with", TwoQueueTriage(), "triage@1");
  auto d = engine.Decide("without", PrinterTicket(), Noon());
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->fields.size(), 1u);
  EXPECT_EQ(d->fields[0].field, "category");
  EXPECT_TRUE(d->fields[0].reasons.empty());
  auto with = engine.Decide("with", PrinterTicket(), Noon());
  ASSERT_TRUE(with.has_value());
  EXPECT_EQ(with->fields.size(), 3u);
  // Removing the configuration takes the fields away again.
  engine.SetTriage("with", nullptr, "");
  auto removed = engine.Decide("with", PrinterTicket(), Noon());
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->fields.size(), 1u);
}

TEST_F(TriageEngineTest, RoutesToTheQueueThatOwnsTheDecidedCategoryWithItsReasons) {
  auto printer = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(printer.has_value());
  ASSERT_EQ(printer->fields.size(), 3u);
  EXPECT_EQ(printer->fields[0].label, "Hardware");
  const FieldDecision* queue = FieldOf(*printer, "queue");
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->label, "Workplace");
  EXPECT_FALSE(queue->abstained);
  EXPECT_GT(queue->confidence, 0.3f);
  EXPECT_EQ(queue->mode, Mode::kShadow);
  EXPECT_EQ(queue->model_version, "triage@1");
  ASSERT_GE(queue->top.size(), 2u);
  EXPECT_EQ(queue->top[0].label, "Workplace");
  ASSERT_GE(queue->reasons.size(), 3u);
  EXPECT_TRUE(queue->reasons[0].starts_with("best composite score")) << queue->reasons[0];
  EXPECT_TRUE(queue->reasons[1].starts_with("'Workplace'")) << queue->reasons[1];
  EXPECT_NE(queue->reasons[1].find(", category "), std::string::npos) << queue->reasons[1];

  Ticket login;
  login.title = "locked account, cannot login";
  login.description = "password expired";
  auto access = engine.Decide("t", login, Noon());
  ASSERT_TRUE(access.has_value());
  EXPECT_EQ(access->fields[0].label, "Access");
  ASSERT_NE(FieldOf(*access, "queue"), nullptr);
  EXPECT_EQ(FieldOf(*access, "queue")->label, "Identity");
}

TEST_F(TriageEngineTest, PriorityMovesWithAnActiveIncidentOnTheTicketsServiceAndOnlyWithIt) {
  Ticket ticket = PrinterTicket();
  ticket.service = "payroll";
  auto before = engine.Decide("t", ticket, Noon());
  ASSERT_TRUE(before.has_value());
  const FieldDecision* calm = FieldOf(*before, "priority");
  ASSERT_NE(calm, nullptr);
  EXPECT_FALSE(HasReason(*calm, "active_incident"));
  EXPECT_TRUE(HasReason(*calm, "matrix")) << testing::PrintToString(calm->reasons);
  EXPECT_GT(calm->confidence, 0.0f);
  EXPECT_LE(calm->confidence, 1.0f);
  const std::string calm_label = calm->label;

  using std::chrono::hours;
  // On another service, not yet started, or already over: nothing changes.
  triage::ActiveIncident ended = Outage("INC-3", "payroll", Noon() - hours(5));
  ended.end = Noon() - hours(1);
  engine.SetIncidents("t", {Outage("INC-1", "wiki", Noon() - hours(1)),
                            Outage("INC-2", "payroll", Noon() + hours(1)), ended});
  auto unrelated = engine.Decide("t", ticket, Noon());
  ASSERT_TRUE(unrelated.has_value());
  EXPECT_EQ(FieldOf(*unrelated, "priority")->label, calm_label);
  EXPECT_FALSE(HasReason(*FieldOf(*unrelated, "priority"), "active_incident"));

  // An incident in effect on payroll: more urgent, with the incident named in the reason.
  engine.SetIncidents("t", {Outage("INC-4", "payroll", Noon() - hours(1))});
  auto during = engine.Decide("t", ticket, Noon());
  ASSERT_TRUE(during.has_value());
  const FieldDecision* urgent = FieldOf(*during, "priority");
  ASSERT_NE(urgent, nullptr);
  EXPECT_LT(urgent->label, calm_label);  // "P1" < "P2" < ...
  EXPECT_TRUE(urgent->label == "P1" || urgent->label == "P2") << urgent->label;
  ASSERT_TRUE(HasReason(*urgent, "active_incident"));
  bool named = false;
  for (const std::string& r : urgent->reasons) named |= r.find("INC-4") != std::string::npos;
  EXPECT_TRUE(named) << testing::PrintToString(urgent->reasons);

  // The same ticket without a service is not linked to the payroll incident.
  Ticket elsewhere = PrinterTicket();
  auto other = engine.Decide("t", elsewhere, Noon());
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(HasReason(*FieldOf(*other, "priority"), "active_incident"));
  // Incidents are per tenant.
  engine.SetTriage("u", TwoQueueTriage(), "triage@1");
  engine.SetModel("u", TinyModel(), "tiny");
  auto tenant_u = engine.Decide("u", ticket, Noon());
  ASSERT_TRUE(tenant_u.has_value());
  EXPECT_EQ(FieldOf(*tenant_u, "priority")->label, calm_label);
}

TEST_F(TriageEngineTest, TriageFieldsFollowTheirOwnModes) {
  engine.SetPolicy("t", "queue", {Mode::kSuggest, 0.95});
  engine.SetPolicy("t", "priority", {Mode::kAuto, 0.0});
  auto d = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->fields[0].mode, Mode::kShadow);
  EXPECT_EQ(FieldOf(*d, "queue")->mode, Mode::kSuggest);
  EXPECT_EQ(FieldOf(*d, "priority")->mode, Mode::kAuto);
  // Auto below its confidence gate is offered instead.
  engine.SetPolicy("t", "queue", {Mode::kAuto, 1.01});
  auto gated = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(gated.has_value());
  EXPECT_EQ(FieldOf(*gated, "queue")->mode, Mode::kSuggest);
}

// The context the service gathers from the store, and what the engine adds itself: each signal, and
// only it, moves the priority or the routing.
TEST_F(TriageEngineTest, RequesterHistoryVipAndRepeatContactsMovePriorityWithTheirReasons) {
  Ticket ticket = PrinterTicket();
  ticket.requester = "ada";
  auto plain = engine.Decide("t", ticket, Noon());
  ASSERT_TRUE(plain.has_value());
  const FieldDecision* base = FieldOf(*plain, "priority");
  ASSERT_NE(base, nullptr);
  for (const char* signal : {"vip", "reopened", "repeat_contact", "frequent_requester"})
    EXPECT_FALSE(HasReason(*base, signal)) << signal;

  auto moved = [&](const Ticket& t, const TriageContext& context, const char* signal) {
    auto d = engine.Decide("t", t, Noon(), context);
    EXPECT_TRUE(d.has_value());
    if (!d) return;
    const FieldDecision* p = FieldOf(*d, "priority");
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(HasReason(*p, signal)) << signal << ": " << testing::PrintToString(p->reasons);
    for (const char* other : {"vip", "reopened", "repeat_contact", "frequent_requester"}) {
      if (std::string_view(other) == signal) continue;
      EXPECT_FALSE(HasReason(*p, other)) << other;
    }
  };
  moved(ticket, {.requester_tickets_7d = 5}, "frequent_requester");
  moved(ticket, {.requester_reopened = 1}, "reopened");
  Ticket vip = ticket;
  vip.fields["vip"] = "True";
  moved(vip, {}, "vip");
  // Four tickets in a week is not frequent.
  auto four = engine.Decide("t", ticket, Noon(), {.requester_tickets_7d = 4});
  ASSERT_TRUE(four.has_value());
  EXPECT_FALSE(HasReason(*FieldOf(*four, "priority"), "frequent_requester"));

  // The same requester's open ticket about the same problem is a repeat contact; another
  // requester's is only a duplicate.
  Ticket earlier = PrinterTicket();
  earlier.external_id = "ITSM-0";
  earlier.requester = "grace";
  ASSERT_TRUE(engine.knowledge().PutTicket("t", earlier, true).ok());
  auto someone_else = engine.Decide("t", ticket, Noon());
  ASSERT_TRUE(someone_else.has_value());
  EXPECT_FALSE(someone_else->duplicates.empty());
  EXPECT_FALSE(HasReason(*FieldOf(*someone_else, "priority"), "repeat_contact"));
  earlier.requester = "ada";
  ASSERT_TRUE(engine.knowledge().PutTicket("t", earlier, true).ok());
  moved(ticket, {}, "repeat_contact");
}

TEST_F(TriageEngineTest, QueuesTheTicketWasBouncedFromArePenalised) {
  auto fresh = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(fresh.has_value());
  ASSERT_EQ(FieldOf(*fresh, "queue")->label, "Workplace");
  // Workplace sent it on to Identity: it is not routed back to Workplace.
  auto bounced = engine.Decide("t", PrinterTicket(), Noon(), {.queues = {"Workplace", "Identity"}});
  ASSERT_TRUE(bounced.has_value());
  const FieldDecision* queue = FieldOf(*bounced, "queue");
  EXPECT_NE(queue->label, "Workplace");
  bool penalised = false;
  for (const std::string& r : queue->reasons)
    penalised |= r.starts_with("'Workplace'") && r.find("bounce_penalty 0.50") != std::string::npos;
  EXPECT_TRUE(penalised) << testing::PrintToString(queue->reasons);
  // Where it is now is not a bounce.
  auto settled = engine.Decide("t", PrinterTicket(), Noon(), {.queues = {"Workplace"}});
  ASSERT_TRUE(settled.has_value());
  EXPECT_EQ(FieldOf(*settled, "queue")->label, "Workplace");
}

TEST_F(TriageEngineTest, OpenTicketsCountAgainstTheirQueuesCapacity) {
  auto load_of = [&](std::string_view queue_name) {
    auto d = engine.Decide("t", PrinterTicket(), Noon());
    EXPECT_TRUE(d.has_value());
    for (const std::string& r : FieldOf(*d, "queue")->reasons)
      if (r.starts_with("'" + std::string(queue_name) + "'")) {
        const std::size_t at = r.find(", load ");
        return std::stod(r.substr(at + 7));
      }
    return -1.0;
  };
  const double idle = load_of("Workplace");
  EXPECT_DOUBLE_EQ(idle, 1.0);
  for (int i = 0; i < 10; ++i) {
    Ticket open;
    open.external_id = "OPEN-" + std::to_string(i);
    open.title = "monitor flickers " + std::to_string(i);
    ASSERT_TRUE(engine.knowledge().PutTicket("t", open, true, 0, "Workplace").ok());
  }
  EXPECT_DOUBLE_EQ(load_of("Workplace"), 0.5);  // 10 of 20
  EXPECT_DOUBLE_EQ(load_of("Identity"), 1.0);
  // A resolved ticket no longer counts.
  Ticket done;
  done.external_id = "OPEN-0";
  done.title = "monitor flickers 0";
  done.fields["resolution"] = "replaced the cable";
  ASSERT_TRUE(engine.knowledge().PutTicket("t", done, true).ok());
  EXPECT_DOUBLE_EQ(load_of("Workplace"), 0.55);
}

// A head trained on another column of the same tickets: priority levels, or assignment groups.
std::shared_ptr<const classify::Model> TrainHead(const char* const (*topics)[2], int n_topics) {
  const char* kNoise[] = {"please", "help", "today", "thanks", "colleague", "again"};
  std::vector<std::string> texts, labels;
  for (int i = 0; i < 240; ++i) {
    const auto& t = topics[i % n_topics];
    texts.push_back(std::string(kNoise[i % 6]) + " " + t[0] + " " + kNoise[(i / 5) % 6]);
    labels.push_back(t[1]);
  }
  return TrainOn(texts, labels);
}

TEST(EngineTriageTest, LearnedHeadsInformPriorityAndTeamFitAndNameTheirVersion) {
  ASSERT_NE(TinyModel(), nullptr);
  static const char* const kPriorities[][2] = {{"printer paper jam toner empty", "P1"},
                                               {"invoice purchase order quote", "P4"}};
  static const char* const kTeams[][2] = {{"printer paper jam toner empty", "Identity"},
                                          {"invoice purchase order quote", "Workplace"}};
  auto priority_head = TrainHead(kPriorities, 2);
  auto team_head = TrainHead(kTeams, 2);
  ASSERT_NE(priority_head, nullptr);
  ASSERT_NE(team_head, nullptr);
  Engine engine;
  engine.SetModel("t", TinyModel(), "tiny");
  // A head may come before the configuration; only priority and queue have one.
  ASSERT_TRUE(engine.SetHead("t", "priority", priority_head, "v2").ok());
  EXPECT_EQ(engine.SetHead("t", "category", priority_head, "v9").code(),
            StatusCode::kInvalidArgument);
  engine.SetTriage("t", TwoQueueTriage(), "triage@1");
  auto d = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(d.has_value());
  const FieldDecision* priority = FieldOf(*d, "priority");
  ASSERT_NE(priority, nullptr);
  EXPECT_TRUE(HasReason(*priority, "model")) << testing::PrintToString(priority->reasons);
  EXPECT_EQ(priority->label, "P1");
  EXPECT_EQ(priority->model_version, "triage@1+v2");
  EXPECT_EQ(FieldOf(*d, "queue")->model_version, "triage@1");
  const std::string without_team = FieldOf(*d, "queue")->label;
  EXPECT_EQ(without_team, "Workplace");  // the category Hardware is Workplace's

  // The team head learned that printer tickets go to Identity: team fit outweighs category.
  ASSERT_TRUE(engine.SetHead("t", "queue", team_head, "v3").ok());
  auto routed = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(routed.has_value());
  const FieldDecision* queue = FieldOf(*routed, "queue");
  EXPECT_EQ(queue->label, "Identity") << testing::PrintToString(queue->reasons);
  EXPECT_EQ(queue->model_version, "triage@1+v3");
  // Removed, the heads stop informing the fields.
  ASSERT_TRUE(engine.SetHead("t", "priority", nullptr, "").ok());
  ASSERT_TRUE(engine.SetHead("t", "queue", nullptr, "").ok());
  auto plain = engine.Decide("t", PrinterTicket(), Noon());
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(HasReason(*FieldOf(*plain, "priority"), "model"));
  EXPECT_EQ(FieldOf(*plain, "queue")->label, "Workplace");
}

TEST(EngineTriageTest, TheTicketsLanguageRoutesToAQueueThatSpeaksIt) {
  ASSERT_NE(TinyModel(), nullptr);
  triage::TriageConfig c;
  triage::Queue desk, berlin, london;
  desk.name = "Service Desk";
  berlin.name = "Workplace Berlin";
  berlin.categories = {"Hardware"};
  berlin.languages = {"de"};
  london.name = "Workplace London";
  london.categories = {"Hardware"};
  london.languages = {"en"};
  c.queues = {desk, berlin, london};
  c.triage_queue = "Service Desk";
  auto t = triage::Triage::Create(c);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  Engine engine;
  engine.SetModel("t", TinyModel(), "tiny");
  engine.SetTriage("t", std::make_shared<const triage::Triage>(std::move(*t)), "triage@1");

  Ticket german;
  german.external_id = "DE-1";
  german.title = "Drucker: paper jam, toner leer";
  german.description =
      "Der Drucker hat einen Papierstau und der Toner ist leer. Bitte helfen Sie mir, "
      "ich kann nicht drucken und es ist dringend.";
  auto de = engine.Decide("t", german, Noon());
  ASSERT_TRUE(de.has_value());
  EXPECT_EQ(FieldOf(*de, "queue")->label, "Workplace Berlin")
      << testing::PrintToString(FieldOf(*de, "queue")->reasons);
  Ticket english = PrinterTicket();
  english.description =
      "The toner is empty and the printer has a paper jam again, and I need it "
      "for the report that is due today.";
  auto en = engine.Decide("t", english, Noon());
  ASSERT_TRUE(en.has_value());
  EXPECT_EQ(FieldOf(*en, "queue")->label, "Workplace London")
      << testing::PrintToString(FieldOf(*en, "queue")->reasons);
  // The platform's own language field wins over the text.
  english.fields["language"] = "de";
  auto told = engine.Decide("t", english, Noon());
  ASSERT_TRUE(told.has_value());
  EXPECT_EQ(FieldOf(*told, "queue")->label, "Workplace Berlin");
}

}  // namespace
}  // namespace ticketwise::engine
