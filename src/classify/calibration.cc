#include "classify/calibration.h"

#include <algorithm>
#include <cmath>

#include "classify/model.h"

namespace ticketwise::classify {
namespace {

double NegLogLikelihood(const std::vector<float>& margins, const std::vector<std::uint32_t>& truth,
                        std::size_t n_labels, double t) {
  double nll = 0.0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const float* m = margins.data() + i * n_labels;
    double max = m[0];
    for (std::size_t c = 1; c < n_labels; ++c) max = std::max(max, double(m[c]));
    double sum = 0.0;
    for (std::size_t c = 0; c < n_labels; ++c) sum += std::exp((m[c] - max) * t);
    nll += std::log(sum) - (m[truth[i]] - max) * t;
  }
  return nll;
}

// Wilson score lower bound (z = 1) of a proportion: conservative for small samples, exact in the
// limit.
double WilsonLower(double correct, double n) {
  if (n <= 0) return 0.0;
  constexpr double z = 1.0;
  const double p = correct / n;
  const double denom = 1.0 + z * z / n;
  const double centre = p + z * z / (2 * n);
  const double margin = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return (centre - margin) / denom;
}

// Lowest confidence keeping `target` over the points sorted by confidence, most confident first; a
// value above every confidence when no prefix keeps it.
float PrefixThreshold(const std::vector<ScoredPrediction>& sorted, double target) {
  float threshold = std::nextafter(1.0f, 2.0f);
  double correct = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    correct += sorted[k].predicted == sorted[k].truth ? 1 : 0;
    // Only cut between distinct confidences, so the threshold admits exactly the prefix that was
    // checked.
    if (k + 1 < sorted.size() && sorted[k + 1].confidence == sorted[k].confidence) continue;
    if (WilsonLower(correct, double(k + 1)) >= target) threshold = sorted[k].confidence;
  }
  return threshold;
}

constexpr std::size_t kMinPointsPerLabel = 30;

}  // namespace

float FitTemperature(const std::vector<float>& margins, const std::vector<std::uint32_t>& truth,
                     std::size_t n_labels) {
  if (truth.empty() || n_labels < 2) return 1.0f;
  // Golden-section search over log(t): the NLL is unimodal in t for a fixed set of margins.
  double lo = std::log(0.05), hi = std::log(200.0);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = NegLogLikelihood(margins, truth, n_labels, std::exp(a));
  double fb = NegLogLikelihood(margins, truth, n_labels, std::exp(b));
  for (int it = 0; it < 60; ++it) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = NegLogLikelihood(margins, truth, n_labels, std::exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = NegLogLikelihood(margins, truth, n_labels, std::exp(b));
    }
  }
  return static_cast<float>(std::exp((lo + hi) / 2));
}

namespace {

constexpr double kAffinePenalty = 1e-3;

// Mean NLL plus penalty, and its gradient (scale then shift) when `grad` is not null.
double AffineObjective(const std::vector<float>& margins, const std::vector<std::uint32_t>& truth,
                       std::size_t k, double temperature, const std::vector<double>& theta,
                       std::vector<double>* grad) {
  const std::size_t n = truth.size();
  if (grad) grad->assign(2 * k, 0.0);
  std::vector<double> z(k);
  double nll = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const float* m = margins.data() + i * k;
    double max = -1e300;
    for (std::size_t c = 0; c < k; ++c) {
      z[c] = theta[c] * m[c] + theta[k + c];
      max = std::max(max, z[c]);
    }
    double sum = 0.0;
    for (std::size_t c = 0; c < k; ++c) sum += std::exp(z[c] - max);
    nll += std::log(sum) + max - z[truth[i]];
    if (grad) {
      for (std::size_t c = 0; c < k; ++c) {
        const double d = std::exp(z[c] - max) / sum - (c == truth[i] ? 1.0 : 0.0);
        (*grad)[c] += d * m[c];
        (*grad)[k + c] += d;
      }
    }
  }
  double penalty = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    const double ds = theta[c] - temperature, db = theta[k + c];
    penalty += kAffinePenalty * (ds * ds + db * db);
  }
  if (grad) {
    for (std::size_t c = 0; c < 2 * k; ++c) (*grad)[c] /= double(n);
    for (std::size_t c = 0; c < k; ++c) {
      (*grad)[c] += 2 * kAffinePenalty * (theta[c] - temperature);
      (*grad)[k + c] += 2 * kAffinePenalty * theta[k + c];
    }
  }
  return nll / double(n) + penalty;
}

}  // namespace

AffineCalibration FitAffine(const std::vector<float>& margins,
                            const std::vector<std::uint32_t>& truth, std::size_t n_labels,
                            float temperature) {
  const std::size_t k = n_labels;
  std::vector<double> theta(2 * k, 0.0), grad, trial(2 * k);
  for (std::size_t c = 0; c < k; ++c) theta[c] = temperature;
  if (!truth.empty()) {
    // Gradient descent with backtracking: the objective is convex and smooth, and 2k parameters are
    // few.
    double f = AffineObjective(margins, truth, k, temperature, theta, &grad);
    double step = 1.0;
    for (int it = 0; it < 300; ++it) {
      double g2 = 0.0;
      for (double g : grad) g2 += g * g;
      if (g2 < 1e-12) break;
      bool moved = false;
      for (int ls = 0; ls < 30; ++ls) {
        for (std::size_t j = 0; j < 2 * k; ++j) trial[j] = theta[j] - step * grad[j];
        const double ft = AffineObjective(margins, truth, k, temperature, trial, nullptr);
        if (ft <= f - 0.5 * step * g2) {
          theta = trial;
          f = AffineObjective(margins, truth, k, temperature, theta, &grad);
          step *= 2.0;
          moved = true;
          break;
        }
        step *= 0.5;
      }
      if (!moved) break;
    }
  }
  AffineCalibration out;
  for (std::size_t c = 0; c < k; ++c) {
    out.scale.push_back(static_cast<float>(theta[c]));
    out.shift.push_back(static_cast<float>(theta[k + c]));
  }
  return out;
}

void ApplyAffine(const AffineCalibration& cal, float* margins, std::size_t n_labels) {
  if (n_labels == 0) return;
  float max = -3.4e38f;
  for (std::size_t c = 0; c < n_labels; ++c) {
    margins[c] = cal.scale[c] * margins[c] + cal.shift[c];
    max = std::max(max, margins[c]);
  }
  if (!std::isfinite(max)) {
    // Nothing sensible to rank: a uniform distribution abstains at every target above 1 / n.
    for (std::size_t c = 0; c < n_labels; ++c) margins[c] = 1.0f / float(n_labels);
    return;
  }
  float sum = 0.0f;
  for (std::size_t c = 0; c < n_labels; ++c) {
    margins[c] = std::exp(margins[c] - max);
    sum += margins[c];
  }
  for (std::size_t c = 0; c < n_labels; ++c) margins[c] /= sum;
}

std::vector<float> ChooseThresholds(const std::vector<ScoredPrediction>& points,
                                    std::size_t n_labels) {
  std::vector<ScoredPrediction> pooled = points;
  auto by_confidence = [](const ScoredPrediction& a, const ScoredPrediction& b) {
    return a.confidence > b.confidence;
  };
  std::stable_sort(pooled.begin(), pooled.end(), by_confidence);
  std::vector<std::vector<ScoredPrediction>> per_label(n_labels);
  for (const ScoredPrediction& p : pooled) per_label[p.predicted].push_back(p);

  std::vector<float> out(std::size_t(Model::kTargetSteps) * n_labels);
  for (std::uint32_t step = 0; step < Model::kTargetSteps; ++step) {
    const double target = Model::kMinTarget + step / 100.0;
    const float pooled_threshold = PrefixThreshold(pooled, target);
    for (std::size_t c = 0; c < n_labels; ++c) {
      out[step * n_labels + c] = per_label[c].size() >= kMinPointsPerLabel
                                     ? PrefixThreshold(per_label[c], target)
                                     : pooled_threshold;
    }
  }
  return out;
}

}  // namespace ticketwise::classify
