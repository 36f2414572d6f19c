// Calibration on held-out data: the softmax temperature that makes confidences honest, and the
// per-label confidence thresholds that keep a target precision. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace ticketwise::classify {

// Finds the temperature t that minimizes the negative log-likelihood of softmax(margins * t) for
// the true labels. `margins` is row-major, n x n_labels.
float FitTemperature(const std::vector<float>& margins, const std::vector<std::uint32_t>& truth,
                     std::size_t n_labels);

// Per-label affine calibration: p = softmax(scale[c] * margin[c] + shift[c]). Fitted by minimizing
// the held-out negative log-likelihood, with a small penalty pulling scales towards `temperature`
// and shifts towards 0 so that labels with few held-out tickets stay close to the shared
// temperature.
struct AffineCalibration {
  std::vector<float> scale;
  std::vector<float> shift;
};

AffineCalibration FitAffine(const std::vector<float>& margins,
                            const std::vector<std::uint32_t>& truth, std::size_t n_labels,
                            float temperature);

// Applies `cal` to one row of margins in place, turning them into probabilities.
void ApplyAffine(const AffineCalibration& cal, float* margins, std::size_t n_labels);

struct ScoredPrediction {
  std::uint32_t predicted = 0;
  std::uint32_t truth = 0;
  float confidence = 0.0f;
};

// For every target on the grid (Model::kMinTarget + step / 100) and label, the lowest confidence at
// which the held-out predictions of that label, taken from most to least confident, still keep the
// target precision (as a Wilson lower bound, so small samples are not trusted blindly). Labels with
// few held-out predictions use the threshold pooled over all labels. Returns [step * n_labels +
// label].
std::vector<float> ChooseThresholds(const std::vector<ScoredPrediction>& points,
                                    std::size_t n_labels);

}  // namespace ticketwise::classify
