#include "classify/metrics.h"

#include <gtest/gtest.h>

namespace ticketwise::classify {
namespace {

TEST(MetricsTest, CoverageIsLongestConfidentPrefixKeepingPrecision) {
  // Sorted by confidence: right, right, wrong, right, wrong.
  std::vector<EvalItem> items = {{0, 0, 0.9f, false},
                                 {1, 1, 0.8f, false},
                                 {0, 1, 0.7f, false},
                                 {1, 1, 0.6f, false},
                                 {1, 0, 0.5f, false}};
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(items, 1.0), 0.4);
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(items, 0.75), 0.8);  // 3 of 4
  EXPECT_DOUBLE_EQ(CoverageAtPrecision(items, 0.5), 1.0);   // 3 of 5
}

TEST(MetricsTest, MacroF1AveragesLabelsPresentInTest) {
  // Label 0: tp 1, fn 1 -> F1 2/3. Label 1: tp 1, fp 1 -> 2/3. Label 2 absent from the test set.
  std::vector<EvalItem> items = {{0, 0, 0.9f, false}, {0, 1, 0.9f, false}, {1, 1, 0.9f, false}};
  Metrics m = Evaluate(items, 3, 0.95);
  EXPECT_NEAR(m.accuracy, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.macro_f1, 2.0 / 3, 1e-12);
}

TEST(MetricsTest, OperatingPointCountsOnlyTicketsNotAbstainedOn) {
  std::vector<EvalItem> items = {
      {0, 0, 0.9f, false}, {1, 0, 0.4f, true}, {1, 1, 0.8f, false}, {0, 1, 0.3f, true}};
  Metrics m = Evaluate(items, 2, 0.9);
  EXPECT_DOUBLE_EQ(m.operating_coverage, 0.5);
  EXPECT_DOUBLE_EQ(m.operating_precision, 1.0);
}

}  // namespace
}  // namespace ticketwise::classify

namespace ticketwise::classify {
namespace {

TEST(MetricsTest, CoverageDoesNotCutInsideEqualConfidences) {
  // Eight right and two wrong at the same confidence: 80% precision whatever the order.
  std::vector<EvalItem> right_first;
  for (int i = 0; i < 10; ++i) right_first.push_back({0, i < 8 ? 0u : 1u, 1.0f, false});
  std::vector<EvalItem> wrong_first(right_first.rbegin(), right_first.rend());
  EXPECT_EQ(CoverageAtPrecision(right_first, 0.9), 0.0);
  EXPECT_EQ(CoverageAtPrecision(wrong_first, 0.9), 0.0);
  EXPECT_EQ(CoverageAtPrecision(right_first, 0.8), 1.0);
}

TEST(MetricsTest, EveryUnseenTestLabelCountsInMacroF1) {
  std::vector<EvalItem> items = {{0, 0, 0.9f, false}, {-1, 0, 0.9f, false}, {-1, 0, 0.9f, false}};
  // Label 0: tp 1, fp 2 -> F1 0.5; two unseen labels with F1 0 -> 0.5 / 3.
  EXPECT_NEAR(Evaluate(items, 1, 0.9, 2).macro_f1, 0.5 / 3, 1e-12);
}

}  // namespace
}  // namespace ticketwise::classify
