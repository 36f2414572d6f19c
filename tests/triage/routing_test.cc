// Routing: one scenario per score component, in which that component and nothing else changes the
// queue; the triage-queue fallback; ping-pong.
#include <gtest/gtest.h>

#include "test_config.h"
#include "triage/triage.h"

namespace ticketwise::triage {
namespace {

using testing::At;
using testing::BaseConfig;

const Seconds kThursday = At(2026, 12, 3, 10);
const Seconds kSaturday = At(2026, 12, 5, 10);

Triage Make(const TriageConfig& c) {
  auto t = Triage::Create(c);
  EXPECT_TRUE(t.has_value()) << t.error().ToString();
  return std::move(*t);
}

TicketSignals Ticket(std::string text = "something is wrong") {
  TicketSignals t;
  t.id = "T-9";
  t.text = std::move(text);
  return t;
}

TEST(RoutingTest, LearnedTeamFit) {
  const Triage triage = Make(BaseConfig());
  TicketSignals t = Ticket();
  t.team_head = {{"Alpha", 0.8}, {"Beta", 0.2}};
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Alpha");
  t.team_head = {{"Alpha", 0.2}, {"Beta", 0.8}};
  const RoutingResult r = triage.Route(t, {}, kThursday);
  EXPECT_EQ(r.queue, "Beta");
  EXPECT_FALSE(r.to_triage_queue);
  ASSERT_EQ(r.ranked.size(), 2u);  // the triage queue is not a candidate
  EXPECT_DOUBLE_EQ(r.ranked[0].team_fit, 0.8);
  EXPECT_DOUBLE_EQ(r.ranked[1].team_fit, 0.2);
}

TEST(RoutingTest, CategoryOwnership) {
  TriageConfig c = BaseConfig();
  c.queues[1].categories = {"Network"};
  c.queues[2].categories = {"Hardware"};
  const Triage triage = Make(c);
  TicketSignals t = Ticket();
  t.category_head = {{"Network", 0.9}, {"Hardware", 0.1}};
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Alpha");
  t.category_head = {{"Network", 0.1}, {"Hardware", 0.9}};
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Beta");
}

TEST(RoutingTest, DescriptionSimilarity) {
  TriageConfig c = BaseConfig();
  c.queues[1].description = "VPN, firewall, wifi and network switches";
  c.queues[2].description = "Laptops, printers, monitors and docking stations";
  c.queues[2].skills = {"toner"};
  const Triage triage = Make(c);
  EXPECT_EQ(triage.Route(Ticket("The printer on floor 3 needs toner"), {}, kThursday).queue,
            "Beta");
  EXPECT_EQ(triage.Route(Ticket("The wifi drops every hour"), {}, kThursday).queue, "Alpha");
}

TEST(RoutingTest, LoadAgainstCapacity) {
  const Triage triage = Make(BaseConfig());
  const std::vector<QueueLoad> alpha_full = {{"Alpha", 9}, {"Beta", 1}};
  const std::vector<QueueLoad> beta_full = {{"alpha", 1}, {"Beta", 10}};
  const RoutingResult r = triage.Route(Ticket(), alpha_full, kThursday);
  EXPECT_EQ(r.queue, "Beta");
  EXPECT_NEAR(r.ranked[0].load, 0.9, 1e-9);
  EXPECT_EQ(triage.Route(Ticket(), beta_full, kThursday).queue, "Alpha");
}

TEST(RoutingTest, BusinessHours) {
  TriageConfig c = BaseConfig();
  for (int d = 0; d < 5; ++d)
    c.queues[1].hours.intervals.push_back({static_cast<std::uint8_t>(d), 8 * 60, 18 * 60});
  const Triage triage = Make(c);
  TicketSignals t = Ticket();
  t.team_head = {{"Alpha", 0.55}, {"Beta", 0.45}};
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Alpha");
  const RoutingResult weekend = triage.Route(t, {}, kSaturday);
  EXPECT_EQ(weekend.queue, "Beta");
  EXPECT_TRUE(triage.IsOpen("Alpha", kThursday));
  EXPECT_FALSE(triage.IsOpen("Alpha", kSaturday));
  EXPECT_FALSE(triage.IsOpen("Alpha", At(2026, 12, 3, 18)));  // closing time is exclusive
}

TEST(RoutingTest, OnCallQueueCountsAsOpen) {
  TriageConfig c = BaseConfig();
  c.queues[1].hours.intervals.push_back({0, 8 * 60, 18 * 60});
  c.queues[1].on_call = true;
  const Triage triage = Make(c);
  EXPECT_TRUE(triage.IsOpen("Alpha", kSaturday));
}

TEST(RoutingTest, LanguageMatch) {
  TriageConfig c = BaseConfig();
  c.queues[1].languages = {"de"};
  c.queues[2].languages = {"en", "fr"};
  const Triage triage = Make(c);
  TicketSignals t = Ticket();
  t.language = "de";
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Alpha");
  t.language = "fr";
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Beta");
}

TEST(RoutingTest, BouncePenalty) {
  const Triage triage = Make(BaseConfig());
  TicketSignals t = Ticket();
  t.team_head = {{"Alpha", 0.6}, {"Beta", 0.4}};
  EXPECT_EQ(triage.Route(t, {}, kThursday).queue, "Alpha");
  t.bounced_from = {"Alpha"};
  const RoutingResult r = triage.Route(t, {}, kThursday);
  EXPECT_EQ(r.queue, "Beta");
  EXPECT_DOUBLE_EQ(r.ranked[1].bounce_penalty, 0.5);
  EXPECT_FALSE(r.ping_pong);
}

TEST(RoutingTest, TooCloseToCallGoesToTheTriageQueue) {
  const Triage triage = Make(BaseConfig());
  TicketSignals t = Ticket();
  t.team_head = {{"Alpha", 0.51}, {"Beta", 0.49}};
  const RoutingResult r = triage.Route(t, {}, kThursday);
  EXPECT_TRUE(r.to_triage_queue);
  EXPECT_EQ(r.queue, "Service Desk");
  EXPECT_NE(r.reason.find("too close"), std::string::npos) << r.reason;
  EXPECT_EQ(r.ranked[0].queue, "Alpha");  // the ranking is still reported
}

TEST(RoutingTest, LowConfidenceGoesToTheTriageQueue) {
  TriageConfig c = BaseConfig();
  c.routing.min_confidence = 0.6;
  const Triage triage = Make(c);
  TicketSignals t = Ticket();
  t.team_head = {{"Alpha", 0.3}, {"Beta", 0.05}, {"Gamma", 0.65}};
  const RoutingResult r = triage.Route(t, {}, kThursday);
  EXPECT_TRUE(r.to_triage_queue);
  EXPECT_NE(r.reason.find("low confidence"), std::string::npos) << r.reason;
}

TEST(RoutingTest, PingPongAfterThreeBounces) {
  const std::vector<std::string> two = {"Alpha", "Beta", "Alpha"};
  EXPECT_FALSE(DetectPingPong("T-1", two).has_value());
  const std::vector<std::string> three = {"Alpha", "Beta", "Alpha", "Beta"};
  const auto alert = DetectPingPong("T-1", three);
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(alert->bounces, 3u);
  EXPECT_EQ(alert->queues, three);
  const std::vector<std::string> repeats = {"Alpha", "Alpha", "beta", "Beta", "Alpha"};
  EXPECT_FALSE(DetectPingPong("T-1", repeats).has_value());  // two moves

  const Triage triage = Make(BaseConfig());
  TicketSignals t = Ticket();
  t.bounced_from = {"Alpha", "Beta", "Alpha"};
  EXPECT_TRUE(triage.Route(t, {}, kThursday).ping_pong);
}

TEST(RoutingTest, OnlyTheTriageQueueConfigured) {
  TriageConfig c = BaseConfig();
  c.queues.resize(1);
  const Triage triage = Make(c);
  const RoutingResult r = triage.Route(Ticket(), {}, kThursday);
  EXPECT_TRUE(r.to_triage_queue);
  EXPECT_EQ(r.queue, "Service Desk");
}

}  // namespace
}  // namespace ticketwise::triage
