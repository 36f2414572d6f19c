// Major-incident bursts: N similar tickets within the window raise one probable major incident.
#include <gtest/gtest.h>

#include "test_config.h"
#include "triage/incidents.h"

namespace ticketwise::triage {
namespace {

using testing::At;

BurstOptions Options() {
  BurstOptions o;
  o.min_tickets = 3;
  o.window = std::chrono::minutes(30);
  o.similarity = 0.5;
  return o;
}

TicketSignals T(std::string id, std::string service, std::string text, Seconds at) {
  TicketSignals t;
  t.id = std::move(id);
  t.service = std::move(service);
  t.text = std::move(text);
  t.created_at = at;
  return t;
}

TEST(BurstDetectorTest, SameServiceBurstRaisesOneIncidentWithLinkedTickets) {
  BurstDetector d(Options());
  EXPECT_FALSE(d.Observe(T("A", "email", "cannot send mail", At(2026, 12, 3, 9, 0))).raised);
  EXPECT_FALSE(d.Observe(T("B", "Email", "outlook stuck", At(2026, 12, 3, 9, 10))).raised);
  const BurstEvent third = d.Observe(T("C", "email", "inbox empty", At(2026, 12, 3, 9, 20)));
  EXPECT_TRUE(third.raised);
  EXPECT_EQ(third.incident, 1u);
  const BurstEvent fourth = d.Observe(T("D", "email", "mail bounced", At(2026, 12, 3, 9, 25)));
  EXPECT_FALSE(fourth.raised);
  EXPECT_TRUE(fourth.linked);
  ASSERT_EQ(d.incidents().size(), 1u);
  const MajorIncident& inc = d.incidents()[0];
  EXPECT_EQ(inc.ticket_ids, (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(inc.service, "email");
  EXPECT_EQ(inc.first_seen, At(2026, 12, 3, 9, 0));
  EXPECT_EQ(inc.last_seen, At(2026, 12, 3, 9, 25));
}

TEST(BurstDetectorTest, TicketsSpreadBeyondTheWindowDoNotBurst) {
  BurstDetector d(Options());
  d.Observe(T("A", "email", "x", At(2026, 12, 3, 9, 0)));
  d.Observe(T("B", "email", "x", At(2026, 12, 3, 9, 40)));
  EXPECT_FALSE(d.Observe(T("C", "email", "x", At(2026, 12, 3, 10, 20))).raised);
  EXPECT_TRUE(d.incidents().empty());
}

TEST(BurstDetectorTest, SimilarTextWithoutServiceBursts) {
  BurstDetector d(Options());
  d.Observe(T("A", "", "VPN connection drops every few minutes", At(2026, 12, 3, 9, 0)));
  d.Observe(T("B", "", "Printer on floor 2 is jammed", At(2026, 12, 3, 9, 1)));
  d.Observe(T("C", "", "VPN connection drops constantly", At(2026, 12, 3, 9, 2)));
  EXPECT_TRUE(d.incidents().empty());
  const BurstEvent e = d.Observe(T("E", "", "my VPN connection drops", At(2026, 12, 3, 9, 3)));
  EXPECT_TRUE(e.raised);
  EXPECT_EQ(d.incidents()[0].ticket_ids, (std::vector<std::string>{"A", "C", "E"}));
}

TEST(BurstDetectorTest, DifferentServicesAndTextsStayApart) {
  BurstDetector d(Options());
  d.Observe(T("A", "email", "mail", At(2026, 12, 3, 9, 0)));
  d.Observe(T("B", "vpn", "tunnel", At(2026, 12, 3, 9, 1)));
  d.Observe(T("C", "wiki", "pages", At(2026, 12, 3, 9, 2)));
  EXPECT_TRUE(d.incidents().empty());
}

TEST(BurstDetectorTest, WindowAndCountAreConfigurable) {
  BurstOptions o = Options();
  o.min_tickets = 2;
  o.window = std::chrono::minutes(5);
  BurstDetector d(o);
  d.Observe(T("A", "email", "x", At(2026, 12, 3, 9, 0)));
  EXPECT_FALSE(d.Observe(T("B", "email", "x", At(2026, 12, 3, 9, 6))).raised);
  EXPECT_TRUE(d.Observe(T("C", "email", "x", At(2026, 12, 3, 9, 8))).raised);
}

}  // namespace
}  // namespace ticketwise::triage
