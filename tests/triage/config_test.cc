// Configuration errors are found by Triage::Create and the JSON parser, with messages that name
// the culprit; nothing is left to fail at triage time.
#include <gtest/gtest.h>

#include "test_config.h"
#include "triage/config_json.h"
#include "triage/triage.h"

namespace ticketwise::triage {
namespace {

using testing::At;
using testing::BaseConfig;

std::string CreateError(const TriageConfig& c) {
  auto t = Triage::Create(c);
  return t.has_value() ? std::string() : t.error().ToString();
}

bool HaveZoneFiles() { return TimeZoneLoader().Load("Europe/Berlin").has_value(); }

TEST(TriageConfigTest, BaseConfigIsValid) { EXPECT_EQ(CreateError(BaseConfig()), ""); }

TEST(TriageConfigTest, EmptyConfigurationIsRefused) {
  EXPECT_NE(CreateError(TriageConfig{}).find("no queues"), std::string::npos);
}

TEST(TriageConfigTest, UnknownTriageQueue) {
  TriageConfig c = BaseConfig();
  c.triage_queue = "Helpdesk";
  EXPECT_NE(CreateError(c).find("triage_queue 'Helpdesk'"), std::string::npos);
  c.triage_queue.clear();
  EXPECT_NE(CreateError(c).find("triage_queue is not set"), std::string::npos);
}

TEST(TriageConfigTest, DuplicateAndNamelessQueuesAndServices) {
  TriageConfig c = BaseConfig();
  c.queues.push_back(testing::OpenQueue("alpha", ""));
  EXPECT_NE(CreateError(c).find("queue 'alpha' is listed twice"), std::string::npos);
  c = BaseConfig();
  c.services.push_back({"Payroll", Criticality::kLow});
  EXPECT_NE(CreateError(c).find("service 'Payroll' is listed twice"), std::string::npos);
  c = BaseConfig();
  c.queues[1].name.clear();
  EXPECT_NE(CreateError(c).find("no name"), std::string::npos);
}

TEST(TriageConfigTest, NonexistentTimeZone) {
  TriageConfig c = BaseConfig();
  c.queues[1].hours.time_zone = "Mars/Olympus_Mons";
  const std::string e = CreateError(c);
  EXPECT_NE(e.find("queue 'Alpha'"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown time zone 'Mars/Olympus_Mons'"), std::string::npos) << e;
  c.queues[1].hours.time_zone = "../../etc/passwd";
  EXPECT_NE(CreateError(c).find("is not a time zone name"), std::string::npos);
  c.queues[1].hours.time_zone = "";
  EXPECT_NE(CreateError(c).find("is not a time zone name"), std::string::npos);
}

TEST(TriageConfigTest, ContradictoryHours) {
  TriageConfig c = BaseConfig();
  c.queues[2].hours.intervals = {{2, 18 * 60, 8 * 60}};
  std::string e = CreateError(c);
  EXPECT_NE(e.find("queue 'Beta': contradictory hours on Wednesday"), std::string::npos) << e;
  c.queues[2].hours.intervals = {{0, 8 * 60, 12 * 60}, {0, 11 * 60, 17 * 60}};
  e = CreateError(c);
  EXPECT_NE(e.find("two intervals overlap"), std::string::npos) << e;
  c.queues[2].hours.intervals = {{7, 8 * 60, 12 * 60}};
  EXPECT_NE(CreateError(c).find("weekday"), std::string::npos);
  c.queues[2].hours.intervals = {{0, 8 * 60, 12 * 60}, {0, 12 * 60, 17 * 60}};  // adjacent: fine
  EXPECT_EQ(CreateError(c), "");
}

TEST(TriageConfigTest, BadLanguagesAndWeights) {
  TriageConfig c = BaseConfig();
  c.queues[1].languages = {"German"};
  EXPECT_NE(CreateError(c).find("language 'German'"), std::string::npos);
  c = BaseConfig();
  c.routing.min_margin = 2.0;
  EXPECT_NE(CreateError(c).find("routing.min_margin"), std::string::npos);
  c = BaseConfig();
  c.priority.p1_probability = 0.0;
  EXPECT_NE(CreateError(c).find("priority.p1_probability"), std::string::npos);
  c = BaseConfig();
  c.burst.min_tickets = 1;
  EXPECT_NE(CreateError(c).find("burst.min_tickets"), std::string::npos);
  c = BaseConfig();
  c.routing = RoutingWeights{0, 0, 0, 0, 0, 0};
  EXPECT_NE(CreateError(c).find("all zero"), std::string::npos);
}

TEST(TriageConfigTest, IncidentsAreCheckedWhenDeclared) {
  auto triage = Triage::Create(BaseConfig());
  ASSERT_TRUE(triage.has_value());
  ActiveIncident inc{"INC-1",      "email",      "mail down", At(2026, 12, 3, 9),
                     std::nullopt, Priority::kP1};
  Status s = triage->ValidateIncident(inc);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("unknown service 'email'"), std::string::npos);
  inc.service = "payroll";
  EXPECT_TRUE(triage->ValidateIncident(inc).ok());
  inc.end = At(2026, 12, 3, 8);
  EXPECT_NE(triage->ValidateIncident(inc).message().find("ends before it starts"),
            std::string::npos);
  ActiveIncident empty{"INC-2", "", "", At(2026, 12, 3, 9), std::nullopt, Priority::kP1};
  EXPECT_FALSE(triage->ValidateIncident(empty).ok());
}

TEST(TriageConfigTest, HeadsMustFitTheQueues) {
  TriageConfig c = BaseConfig();
  c.queues[1].categories = {"Network"};
  auto triage = Triage::Create(c);
  ASSERT_TRUE(triage.has_value());
  const std::vector<std::string> teams = {"Gamma", "Delta"};
  EXPECT_NE(triage->CheckHeads(teams, {}).message().find("names a configured queue"),
            std::string::npos);
  const std::vector<std::string> cats = {"Hardware", "Access"};
  EXPECT_NE(triage->CheckHeads({}, cats).message().find("category 'Network'"), std::string::npos);
  const std::vector<std::string> good_teams = {"Alpha", "Old Team"};
  const std::vector<std::string> good_cats = {"network"};
  EXPECT_TRUE(triage->CheckHeads(good_teams, good_cats).ok());
}

constexpr char kJson[] = R"({
  "triage_queue": "Service Desk",
  "services": [{"name": "payroll", "criticality": "critical"}, {"name": "wiki"}],
  "queues": [
    {"name": "Service Desk"},
    {"name": "Network", "description": "VPN and wifi", "categories": ["Network"],
     "skills": ["cisco"], "capacity": 40, "languages": ["en", "de"], "on_call": true,
     "hours": {"time_zone": "UTC",
               "weekly": [{"days": "mon-fri", "open": "08:00", "close": "18:00"},
                          {"days": ["sat"], "open": "10:00", "close": "14:00"}]}}
  ],
  "priority": {"vip": 0.75, "frequent_tickets": 8},
  "routing": {"min_margin": 0.05, "ping_pong_bounces": 4},
  "burst": {"min_tickets": 4, "window_minutes": 15, "similarity": 0.6},
  "priority_labels": {"Sev1": "P1", "Sev2": "p2"}
})";

TEST(TriageConfigJsonTest, ParsesEveryField) {
  auto c = ParseTriageConfigJson(kJson);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  ASSERT_EQ(c->queues.size(), 2u);
  const Queue& q = c->queues[1];
  EXPECT_EQ(q.capacity, 40u);
  EXPECT_TRUE(q.on_call);
  ASSERT_EQ(q.hours.intervals.size(), 6u);
  EXPECT_EQ(q.hours.intervals[0].open_minute, 480);
  EXPECT_EQ(q.hours.intervals[5].weekday, 5);
  EXPECT_EQ(c->services[1].criticality, Criticality::kMedium);
  EXPECT_DOUBLE_EQ(c->priority.vip, 0.75);
  EXPECT_EQ(c->priority.frequent_tickets, 8u);
  EXPECT_EQ(c->routing.ping_pong_bounces, 4u);
  EXPECT_EQ(c->burst.window, std::chrono::minutes(15));
  ASSERT_EQ(c->priority_labels.size(), 2u);
  EXPECT_EQ(c->priority_labels[1].second, Priority::kP2);
  EXPECT_TRUE(Triage::Create(*c).has_value());
}

TEST(TriageConfigJsonTest, ShapeErrorsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "malformed JSON"},
      {"[]", "must be an object"},
      {R"({"triage_queue": "x"})", "'queues' must be an array"},
      {R"({"queues": [], "colour": 1})", "unknown key 'colour'"},
      {R"({"queues": [{"name": 5}]})", "queues[0].name: must be a string"},
      {R"({"queues": [{"name": "a", "capacity": -1}]})", "capacity"},
      {R"({"queues": [{"name": "a", "hours": {"weekly": [{"days": "fri-mon", "open": "08:00", "close": "10:00"}]}}]})",
       "runs backwards"},
      {R"({"queues": [{"name": "a", "hours": {"weekly": [{"days": "mon", "open": "25:00", "close": "10:00"}]}}]})",
       "not a time of day"},
      {R"({"queues": [], "services": [{"name": "a", "criticality": "huge"}]})", "criticality"},
      {R"({"queues": [], "priority_labels": {"x": "P7"}})", "priority_labels.x"},
  };
  for (const auto& [json, want] : cases) {
    auto c = ParseTriageConfigJson(json);
    ASSERT_FALSE(c.has_value()) << json;
    EXPECT_NE(c.error().message().find(want), std::string::npos)
        << json << " -> " << c.error().message();
  }
}

TEST(TriageConfigJsonTest, ContradictoryHoursFromJsonFailAtCreate) {
  auto c = ParseTriageConfigJson(
      R"({"triage_queue": "a", "queues": [{"name": "a", "hours": {"weekly": [{"days": "mon", "open": "18:00", "close": "08:00"}]}}]})");
  ASSERT_TRUE(c.has_value());
  auto t = Triage::Create(*c);
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message().find("contradictory hours on Monday"), std::string::npos);
}

TEST(TriageConfigJsonTest, Incidents) {
  auto incidents = ParseIncidentsJson(
      R"([{"id": "INC-1", "service": "payroll", "text": "payroll down", "start": "2026-12-03T09:30:00+01:00", "priority": "P2"},
          {"id": "INC-2", "text": "vpn", "start": "2026-12-03T08:00Z", "end": "2026-12-03T09:00:00Z"}])");
  ASSERT_TRUE(incidents.has_value()) << incidents.error().ToString();
  ASSERT_EQ(incidents->size(), 2u);
  EXPECT_EQ((*incidents)[0].start, At(2026, 12, 3, 8, 30));
  EXPECT_EQ((*incidents)[0].priority, Priority::kP2);
  EXPECT_FALSE((*incidents)[0].end.has_value());
  EXPECT_EQ((*incidents)[1].end, At(2026, 12, 3, 9));
  EXPECT_FALSE(ParseIncidentsJson(R"([{"id": "x", "start": "yesterday"}])").has_value());
  EXPECT_FALSE(ParseUtcTime("2026-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(ParseUtcTime("2026-12-03T08:00:00").has_value());  // no zone: ambiguous
}

TEST(TriageConfigTest, RealZoneFromTheSystemDatabase) {
  if (!HaveZoneFiles()) GTEST_SKIP() << "tzdata is not installed";
  TriageConfig c = BaseConfig();
  c.queues[1].hours.time_zone = "Europe/Berlin";
  for (std::uint8_t d = 0; d < 5; ++d) c.queues[1].hours.intervals.push_back({d, 8 * 60, 17 * 60});
  auto triage = Triage::Create(c);
  ASSERT_TRUE(triage.has_value()) << triage.error().ToString();
  // Thursday 3 December 2026, CET (UTC+1).
  EXPECT_FALSE(triage->IsOpen("Alpha", At(2026, 12, 3, 6, 30)));   // 07:30 local
  EXPECT_TRUE(triage->IsOpen("Alpha", At(2026, 12, 3, 7, 30)));    // 08:30 local
  EXPECT_FALSE(triage->IsOpen("Alpha", At(2026, 12, 3, 16, 30)));  // 17:30 local
  // Thursday 2 July 2026, CEST (UTC+2).
  EXPECT_TRUE(triage->IsOpen("Alpha", At(2026, 7, 2, 6, 30)));    // 08:30 local
  EXPECT_FALSE(triage->IsOpen("Alpha", At(2026, 7, 2, 15, 30)));  // 17:30 local
}

}  // namespace
}  // namespace ticketwise::triage
