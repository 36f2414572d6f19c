#include "classify/linear_svm.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "classify/rng.h"

namespace ticketwise::classify {
namespace {

// The bias is an extra feature of constant value kBiasFeature, regularized like the others (as in LIBLINEAR -B).
constexpr double kBiasFeature = 1.0;

}  // namespace

BinaryModel TrainBinarySvm(const BinaryProblem& problem, const SvmOptions& options,
                           const std::vector<double>* warm) {
  const CsrMatrix& x = *problem.x;
  const std::vector<std::uint32_t>& rows = *problem.rows;
  const std::size_t n = rows.size();
  BinaryModel model;
  model.w.assign(x.n_cols, 0.0f);
  std::vector<double> w(x.n_cols, 0.0);
  double bias = 0.0;
  std::vector<double>& alpha = model.alpha;
  alpha.assign(n, 0.0);
  if (warm && warm->size() == n) alpha = *warm;

  std::vector<double> diag(n), qd(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double ci = problem.y[i] > 0 ? options.c * options.positive_weight : options.c;
    diag[i] = 0.5 / ci;
    const std::uint32_t r = rows[i];
    double sq = kBiasFeature * kBiasFeature;
    for (std::uint64_t k = x.row_start[r]; k < x.row_start[r + 1]; ++k) sq += double(x.values[k]) * x.values[k];
    qd[i] = diag[i] + sq;
    if (alpha[i] != 0.0) {
      const double d = alpha[i] * problem.y[i];
      for (std::uint64_t k = x.row_start[r]; k < x.row_start[r + 1]; ++k) w[x.cols[k]] += d * x.values[k];
      bias += d * kBiasFeature;
    }
  }

  std::vector<std::uint32_t> index(n);
  for (std::size_t i = 0; i < n; ++i) index[i] = static_cast<std::uint32_t>(i);
  SplitMix64 rng(options.seed);
  std::size_t active = n;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // With the squared hinge there is no upper bound on alpha, so only the lower bound can shrink.
  double pg_max_old = kInf;
  std::uint32_t epoch = 0;
  for (; epoch < options.max_epochs; ++epoch) {
    double pg_max = -kInf, pg_min = kInf;
    for (std::size_t i = 0; i + 1 < active; ++i) {
      std::size_t j = i + rng.Below(active - i);
      std::swap(index[i], index[j]);
    }
    for (std::size_t s = 0; s < active; ++s) {
      const std::uint32_t i = index[s];
      const std::uint32_t r = rows[i];
      const double yi = problem.y[i];
      double dot = bias * kBiasFeature;
      const std::uint64_t begin = x.row_start[r], end = x.row_start[r + 1];
      for (std::uint64_t k = begin; k < end; ++k) dot += w[x.cols[k]] * x.values[k];
      const double g = yi * dot - 1.0 + diag[i] * alpha[i];
      double pg = 0.0;
      if (alpha[i] == 0.0) {
        if (g > pg_max_old) {
          // Shrinking: this example is far on the right side of the margin; skip it until the final check.
          --active;
          std::swap(index[s], index[active]);
          --s;
          continue;
        }
        if (g < 0.0) pg = g;
      } else {
        pg = g;
      }
      pg_max = std::max(pg_max, pg);
      pg_min = std::min(pg_min, pg);
      if (std::fabs(pg) > 1e-12) {
        const double old = alpha[i];
        alpha[i] = std::max(old - g / qd[i], 0.0);
        const double d = (alpha[i] - old) * yi;
        for (std::uint64_t k = begin; k < end; ++k) w[x.cols[k]] += d * x.values[k];
        bias += d * kBiasFeature;
      }
    }
    if (pg_max - pg_min <= options.tolerance) {
      if (active == n) break;
      // Converged on the shrunk set: check every example once more.
      active = n;
      pg_max_old = kInf;
      continue;
    }
    pg_max_old = pg_max <= 0.0 ? kInf : pg_max;
  }
  model.epochs = epoch;
  for (std::size_t f = 0; f < w.size(); ++f) model.w[f] = static_cast<float>(w[f]);
  model.bias = static_cast<float>(bias * kBiasFeature);
  return model;
}

}  // namespace ticketwise::classify
