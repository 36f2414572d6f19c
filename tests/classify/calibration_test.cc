#include "classify/calibration.h"

#include <gtest/gtest.h>

#include <cmath>

#include "classify/model.h"
#include "classify/rng.h"

namespace ticketwise::classify {
namespace {

TEST(CalibrationTest, TemperatureSharpensUnderconfidentMargins) {
  // Margins favour the true label by 0.5 every time: a softmax at t = 1 is underconfident, so t
  // grows.
  std::vector<float> margins;
  std::vector<std::uint32_t> truth;
  for (int i = 0; i < 200; ++i) {
    margins.push_back(i % 2 ? 0.5f : 0.0f);
    margins.push_back(i % 2 ? 0.0f : 0.5f);
    truth.push_back(i % 2 ? 0 : 1);
  }
  EXPECT_GT(FitTemperature(margins, truth, 2), 10.0f);
}

TEST(CalibrationTest, TemperatureMatchesNoisyLabels) {
  // The model is right 75% of the time with margin 1: the best temperature gives p = 0.75, t =
  // ln 3.
  std::vector<float> margins;
  std::vector<std::uint32_t> truth;
  for (int i = 0; i < 400; ++i) {
    margins.push_back(1.0f);
    margins.push_back(0.0f);
    truth.push_back(i % 4 == 0 ? 1 : 0);
  }
  EXPECT_NEAR(FitTemperature(margins, truth, 2), std::log(3.0), 0.01);
}

TEST(CalibrationTest, ThresholdsKeepTargetOnHeldOutAndRiseWithTarget) {
  // Confidence is informative: the chance of being right equals the confidence.
  SplitMix64 rng(7);
  std::vector<ScoredPrediction> points;
  for (int i = 0; i < 4000; ++i) {
    const float conf = 0.5f + 0.5f * float(rng.Below(1000)) / 1000.0f;
    const bool right = float(rng.Below(1000)) / 1000.0f < conf;
    const std::uint32_t label = static_cast<std::uint32_t>(i % 2);
    points.push_back({label, right ? label : 1 - label, conf});
  }
  std::vector<float> t = ChooseThresholds(points, 2);
  ASSERT_EQ(t.size(), Model::kTargetSteps * 2);
  for (std::uint32_t label = 0; label < 2; ++label) {
    float previous = 0.0f;
    for (std::uint32_t step = 0; step < Model::kTargetSteps; ++step) {
      EXPECT_GE(t[step * 2 + label], previous);
      previous = t[step * 2 + label];
    }
    // At 90% precision only predictions above roughly 0.8 qualify (the prefix mean of U(t, 1) is (1
    // + t) / 2).
    const float at90 = t[40 * 2 + label];
    EXPECT_GT(at90, 0.74f);
    EXPECT_LT(at90, 0.9f);
  }
}

TEST(CalibrationTest, LabelWithoutEnoughPredictionsUsesPooledThreshold) {
  std::vector<ScoredPrediction> points;
  for (int i = 0; i < 100; ++i) points.push_back({0, 0, 0.6f + 0.003f * float(i)});
  points.push_back({1, 1, 0.99f});
  std::vector<float> t = ChooseThresholds(points, 2);
  for (std::uint32_t step = 0; step < Model::kTargetSteps; ++step)
    EXPECT_EQ(t[step * 2 + 1], t[step * 2 + 0]);
}

}  // namespace
}  // namespace ticketwise::classify
