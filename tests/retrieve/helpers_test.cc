// Gate, duplicates and thread summaries.
#include <gtest/gtest.h>

#include "retrieve/duplicates.h"
#include "retrieve/gate.h"
#include "retrieve/summary.h"

namespace ticketwise::retrieve {
namespace {

TEST(GateTest, PicksTheLowestScoreThatKeepsTheTargetPrecision) {
  std::vector<GateExample> ex;
  for (int i = 0; i < 40; ++i) ex.push_back({0.9 - i * 0.01, i < 20 || i % 2 == 0});
  // Scores 0.90..0.51: the first 20 right, then every other one.
  auto gate = CalibrateGate(ex, 0.8);
  ASSERT_TRUE(gate);
  EXPECT_GE(gate->precision, 0.8);
  // 28 right of the best 35 is 0.8; any longer prefix falls below.
  EXPECT_NEAR(gate->threshold, 0.9 - 0.01 * 34, 1e-9);
  EXPECT_NEAR(gate->coverage, 35.0 / 40, 1e-9);
  EXPECT_LE(gate->coverage, 1.0);
}

TEST(GateTest, ClosesWhenNothingIsPreciseEnoughAndNeedsEnoughExamples) {
  std::vector<GateExample> wrong(50, GateExample{0.7, false});
  auto gate = CalibrateGate(wrong, 0.8);
  ASSERT_TRUE(gate);
  EXPECT_GT(gate->threshold, 1.0);
  EXPECT_EQ(gate->coverage, 0.0);
  EXPECT_EQ(CalibrateGate(std::vector<GateExample>(5), 0.8).error().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CalibrateGate(wrong, 0.0).error().code(), StatusCode::kInvalidArgument);
  const auto gated = ApplyGate({Hit{"a", DocKind::kArticle, 0.6, 0, 0}}, *gate);
  EXPECT_FALSE(gated.confident);
  EXPECT_TRUE(gated.hits.empty());
}

TEST(GateTest, CalibratesFromTheTenantsOwnLabels) {
  Index index;
  std::map<std::string, std::string> labels;
  const char* kinds[][2] = {{"printer toner empty tray", "Hardware"},
                            {"password reset locked account", "Access"},
                            {"vpn tunnel drops home", "Network"}};
  for (int i = 0; i < 60; ++i) {
    const auto& k = kinds[i % 3];
    const std::string id = "t" + std::to_string(i);
    ASSERT_TRUE(index
                    .Add({id, k[0], std::string(k[0]) + " case " + std::to_string(i),
                          DocKind::kResolvedTicket})
                    .ok());
    labels[id] = k[1];
  }
  auto gate = CalibrateGateFromLabels(index, labels, 0.9);
  ASSERT_TRUE(gate) << gate.error().ToString();
  EXPECT_EQ(gate->examples, 60u);
  EXPECT_GE(gate->precision, 0.9);
  EXPECT_GT(gate->coverage, 0.9);
}

TEST(DuplicatesTest, FindsOpenTicketsAboveTheThresholdOnly) {
  Index index;
  ASSERT_TRUE(index
                  .Add({"open1", "Outlook crashes on start", "outlook crashes after update",
                        DocKind::kOpenTicket})
                  .ok());
  ASSERT_TRUE(index
                  .Add({"done1", "Outlook crashes on start", "outlook crashes after update",
                        DocKind::kResolvedTicket})
                  .ok());
  ASSERT_TRUE(index.Add({"open2", "Printer jam", "paper jam tray 2", DocKind::kOpenTicket}).ok());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(index
                    .Add({"f" + std::to_string(i), "laptop request " + std::to_string(i),
                          "new laptop for staff", DocKind::kOpenTicket})
                    .ok());
  Document ticket{"new", "Outlook crashes at start", "outlook crashing since the update",
                  DocKind::kOpenTicket};
  auto d = FindDuplicates(index, ticket);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->threshold, kDefaultDuplicateThreshold);
  ASSERT_EQ(d->likely.size(), 1u);
  EXPECT_EQ(d->likely[0].id, "open1");
  EXPECT_GE(d->likely[0].score, kDefaultDuplicateThreshold);
  Document unrelated{"x", "Teams audio echo", "echo in meetings", DocKind::kOpenTicket};
  EXPECT_TRUE(FindDuplicates(index, unrelated)->likely.empty());
}

const std::vector<ThreadMessage> kThread = {
    {"requester",
     "Hi team. Since this morning Outlook crashes every time I open a shared calendar. The error "
     "says the data file is corrupt. Thanks"},
    {"agent", "Hello. I restarted Outlook in safe mode and the calendar still crashes it."},
    {"agent", "I also tried repairing the data file with scanpst, no change."},
    {"requester", "Any news? I need the calendar for a meeting."},
    {"agent",
     "I rebuilt the profile and the shared calendar opens now. Waiting for the user to confirm "
     "before closing."}};

TEST(ThreadSummaryTest, NamesTheProblemWhatWasTriedAndWhereItStands) {
  const ThreadSummary s = SummarizeThread(kThread);
  EXPECT_NE(s.problem.find("Outlook crashes"), std::string::npos) << s.problem;
  ASSERT_FALSE(s.tried.empty());
  EXPECT_LE(s.tried.size(), 2u);
  for (const std::string& t : s.tried)
    EXPECT_TRUE(t.find("restarted") != std::string::npos || t.find("tried") != std::string::npos)
        << t;
  EXPECT_NE(s.status.find("Waiting"), std::string::npos) << s.status;
  EXPECT_EQ(s.Text().rfind("Problem: ", 0), 0u);
}

TEST(ThreadSummaryTest, IsDeterministicAndHandlesEmptyAndTinyThreads) {
  EXPECT_EQ(SummarizeThread(kThread).Text(), SummarizeThread(kThread).Text());
  EXPECT_TRUE(SummarizeThread({}).Text().empty());
  const std::vector<ThreadMessage> greetings = {{"a", "Hi"}, {"b", "Thanks!"}};
  EXPECT_TRUE(SummarizeThread(greetings).Text().empty());
  const std::vector<ThreadMessage> one = {{"a", "The badge reader at door 4 rejects my badge."}};
  const ThreadSummary s = SummarizeThread(one);
  EXPECT_FALSE(s.problem.empty());
  EXPECT_TRUE(s.status.empty());
  const std::vector<ThreadMessage> long_one = {{"a", std::string(5000, 'x') + " word other"}};
  EXPECT_LE(SummarizeThread(long_one).problem.size(), 310u);
}

}  // namespace
}  // namespace ticketwise::retrieve
