// Priority: one scenario per signal, in which that signal and nothing else changes the priority.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_config.h"
#include "triage/triage.h"

namespace ticketwise::triage {
namespace {

using testing::At;
using testing::BaseConfig;

const Seconds kNow = At(2026, 12, 3, 10);

class PriorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = Triage::Create(BaseConfig());
    ASSERT_TRUE(t.has_value()) << t.error().ToString();
    triage_.emplace(std::move(*t));
  }

  PriorityResult Run(const TicketSignals& ticket, const RequesterContext& requester = {},
                     std::vector<ActiveIncident> incidents = {}) const {
    return triage_->Prioritize(ticket, requester, incidents, kNow);
  }

  static TicketSignals Plain() {
    TicketSignals t;
    t.id = "T-1";
    t.text = "Please replace the toner cartridge of the printer on floor 3";
    return t;
  }

  static bool HasReason(const PriorityResult& r, std::string_view signal) {
    return std::any_of(r.reasons.begin(), r.reasons.end(),
                       [&](const PriorityReason& x) { return x.signal == signal; });
  }

  std::optional<Triage> triage_;
};

TEST_F(PriorityTest, NoEvidenceIsP3WithNoReasons) {
  const PriorityResult r = Run(Plain());
  EXPECT_EQ(r.priority, Priority::kP3);
  EXPECT_TRUE(r.reasons.empty());
}

TEST_F(PriorityTest, LearnedHeadAloneSetsThePriority) {
  TicketSignals t = Plain();
  t.priority_head = {{"P1", 0.05}, {"P2", 0.8}, {"P3", 0.1}, {"P4", 0.05}};
  const PriorityResult r = Run(t);
  EXPECT_EQ(r.priority, Priority::kP2);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0].signal, "model");
  EXPECT_LT(r.reasons[0].weight, 0.0);
}

TEST_F(PriorityTest, HeadLabelsAreMappedByName) {
  TicketSignals t = Plain();
  t.priority_head = {{"Blocker", 0.05}, {"Critical", 0.8}, {"Major", 0.1}, {"Minor", 0.05}};
  EXPECT_EQ(Run(t).priority, Priority::kP2);  // classic Jira: Critical is P2
  t.priority_head = {{"high", 0.1}, {"medium", 0.1}, {"low", 0.8}};
  EXPECT_EQ(Run(t).priority, Priority::kP4);
}

TEST_F(PriorityTest, P1AlarmOverridesAMoreLikelyLowerLevel) {
  TicketSignals t = Plain();
  t.priority_head = {{"P1", 0.05}, {"P3", 0.95}};
  EXPECT_EQ(Run(t).priority, Priority::kP3);
  t.priority_head = {{"P1", 0.12}, {"P3", 0.88}};
  const PriorityResult r = Run(t);
  EXPECT_EQ(r.priority, Priority::kP1);
  EXPECT_TRUE(HasReason(r, "p1_alarm"));
}

TEST_F(PriorityTest, P1AlarmIsAFloorTheMatrixCannotLift) {
  TicketSignals t = Plain();
  t.text += ", no rush";  // urgency low pulls towards P4
  t.service = "wiki";     // impact low as well
  t.priority_head = {{"P1", 0.12}, {"P3", 0.88}};
  const PriorityResult r = Run(t);
  EXPECT_EQ(r.priority, Priority::kP1);
  EXPECT_TRUE(HasReason(r, "matrix"));
  EXPECT_TRUE(HasReason(r, "p1_alarm"));
}

TEST_F(PriorityTest, CriticalServiceRaisesImpact) {
  TicketSignals t = Plain();
  t.service = "wiki";  // low criticality: impact low x urgency medium (assumed) = P4
  EXPECT_EQ(Run(t).priority, Priority::kP4);
  t.service = "Payroll";  // critical, matched case-insensitively: impact high = P2
  const PriorityResult r = Run(t);
  EXPECT_EQ(r.priority, Priority::kP2);
  EXPECT_TRUE(HasReason(r, "matrix"));
}

TEST_F(PriorityTest, ManyAffectedUsersRaiseImpact) {
  TicketSignals t = Plain();
  t.users_affected = 2;
  EXPECT_EQ(Run(t).priority, Priority::kP4);
  t.users_affected = 200;
  EXPECT_EQ(Run(t).priority, Priority::kP2);
}

TEST_F(PriorityTest, UrgencyCuesInEnglishGermanAndFrench) {
  for (const char* text :
       {"The mail server is down for our team", "Totaler Ausfall des Mailservers",
        "Panne du serveur de messagerie", "Security breach: password leaked"}) {
    TicketSignals t = Plain();
    t.text = text;
    const PriorityResult r = Run(t);
    EXPECT_EQ(r.priority, Priority::kP2) << text;  // urgency high x impact medium (assumed)
    EXPECT_TRUE(HasReason(r, "matrix")) << text;
  }
}

TEST_F(PriorityTest, NegatedUrgencyLowersThePriority) {
  TicketSignals t = Plain();
  t.text += ", not urgent";
  EXPECT_EQ(Run(t).priority, Priority::kP4);
  t.text = "Kein Drucker-Toner mehr, nicht dringend";
  EXPECT_EQ(Run(t).priority, Priority::kP4);
}

TEST_F(PriorityTest, VipRequester) {
  RequesterContext vip;
  vip.vip = true;
  EXPECT_EQ(Run(Plain(), vip).priority, Priority::kP2);
}

TEST_F(PriorityTest, ReopenedTickets) {
  RequesterContext r;
  r.reopened_count = 1;
  EXPECT_EQ(Run(Plain(), r).priority, Priority::kP2);
}

TEST_F(PriorityTest, RepeatContacts) {
  RequesterContext r;
  r.repeat_contacts = 2;
  const PriorityResult p = Run(Plain(), r);
  EXPECT_EQ(p.priority, Priority::kP2);
  EXPECT_TRUE(HasReason(p, "repeat_contact"));
}

TEST_F(PriorityTest, FrequentRequesterTipsABorderlineTicket) {
  TicketSignals t = Plain();
  t.priority_head = {{"P2", 0.3}, {"P3", 0.7}};  // score 2.7: P3
  EXPECT_EQ(Run(t).priority, Priority::kP3);
  RequesterContext r;
  r.tickets_last_7d = 4;  // below the default 5: no effect
  EXPECT_EQ(Run(t, r).priority, Priority::kP3);
  r.tickets_last_7d = 6;
  EXPECT_EQ(Run(t, r).priority, Priority::kP2);
}

TEST_F(PriorityTest, RequesterSignalsTogetherMoveAtMostOneLevel) {
  RequesterContext all{true, 50, 5, 5};
  const PriorityResult r = Run(Plain(), all);
  EXPECT_EQ(r.priority, Priority::kP2);
  EXPECT_NEAR(r.score, 2.0, 1e-9);
  EXPECT_TRUE(HasReason(r, "requester_cap"));
}

TEST_F(PriorityTest, ActiveIncidentOnTheSameService) {
  TicketSignals t = Plain();
  t.service = "wiki";
  ActiveIncident inc{"INC-7",      "wiki",       "wiki search broken", At(2026, 12, 3, 9),
                     std::nullopt, Priority::kP2};
  EXPECT_EQ(Run(t).priority, Priority::kP4);
  const PriorityResult r = Run(t, {}, {inc});
  EXPECT_EQ(r.priority, Priority::kP3);
  EXPECT_EQ(r.linked_incidents, std::vector<std::string>{"INC-7"});
  EXPECT_TRUE(HasReason(r, "active_incident"));
}

TEST_F(PriorityTest, ActiveIncidentMatchedByText) {
  TicketSignals t = Plain();
  t.text = "I cannot connect to the VPN gateway from home";
  ActiveIncident inc{"INC-8",      "",           "VPN gateway outage", At(2026, 12, 3, 9),
                     std::nullopt, Priority::kP1};
  EXPECT_EQ(Run(t).priority, Priority::kP3);
  EXPECT_EQ(Run(t, {}, {inc}).priority, Priority::kP2);
}

TEST_F(PriorityTest, IncidentsOutsideTheirTimeDoNotMatch) {
  TicketSignals t = Plain();
  t.service = "wiki";
  ActiveIncident ended{"INC-1", "wiki", "", At(2026, 12, 3, 7), At(2026, 12, 3, 9), Priority::kP1};
  ActiveIncident later{"INC-2", "wiki", "", At(2026, 12, 3, 11), std::nullopt, Priority::kP1};
  const PriorityResult r = Run(t, {}, {ended, later});
  EXPECT_EQ(r.priority, Priority::kP4);
  EXPECT_TRUE(r.linked_incidents.empty());
}

TEST_F(PriorityTest, ReasonsSumToTheScoreAndAreDeterministic) {
  TicketSignals t = Plain();
  t.text = "Production database outage, all users blocked";
  t.service = "payroll";
  t.users_affected = 120;
  t.priority_head = {{"P1", 0.2}, {"P2", 0.5}, {"P3", 0.2}, {"P4", 0.1}};
  RequesterContext vip;
  vip.vip = true;
  const PriorityResult a = Run(t, vip);
  const PriorityResult b = Run(t, vip);
  EXPECT_EQ(a.priority, Priority::kP1);
  double sum = 3.0;
  for (const PriorityReason& reason : a.reasons) sum += reason.weight;
  EXPECT_NEAR(sum, a.score, 1e-9);
  EXPECT_EQ(a.score, b.score);
  ASSERT_EQ(a.reasons.size(), b.reasons.size());
  for (std::size_t i = 0; i < a.reasons.size(); ++i)
    EXPECT_EQ(a.reasons[i].detail, b.reasons[i].detail);
}

TEST_F(PriorityTest, PriorityNeverLeavesP1ToP4) {
  TicketSignals t = Plain();
  t.text = "outage";
  t.service = "payroll";
  RequesterContext all{true, 50, 5, 5};
  ActiveIncident inc{"I", "payroll", "", At(2026, 12, 1, 0), std::nullopt, Priority::kP1};
  EXPECT_EQ(Run(t, all, {inc}).priority, Priority::kP1);
  t.text = "not urgent";
  t.service = "wiki";
  t.priority_head = {{"P4", 1.0}};
  EXPECT_EQ(Run(t).priority, Priority::kP4);
}

}  // namespace
}  // namespace ticketwise::triage
