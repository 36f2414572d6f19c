#include "classify/linear_svm.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "classify/rng.h"

namespace ticketwise::classify {
namespace {

// The bias is an extra feature of constant value kBiasFeature, regularized like the others (as in
// LIBLINEAR -B).
constexpr double kBiasFeature = 1.0;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Per-label state of the coordinate descent.
struct LabelState {
  std::uint32_t label = 0;
  std::vector<double> alpha;
  std::vector<std::uint8_t> active;  // 0: shrunk for now
  std::size_t n_active = 0;
  double pg_max_old =
      kInf;  // with the squared hinge alpha has no upper bound, so only this side shrinks
  double pg_max = -kInf, pg_min = kInf;
  double bias = 0.0;
  bool done = false;
  std::uint32_t epochs = 0;
};

}  // namespace

std::vector<BinaryModel> TrainSvmGroup(const CsrMatrix& x, const std::vector<std::uint32_t>& rows,
                                       const std::vector<std::uint32_t>& y,
                                       const std::vector<std::uint32_t>& labels,
                                       const SvmOptions& options,
                                       const std::vector<const std::vector<double>*>& warm) {
  const std::size_t n = rows.size();
  const std::size_t g_count = labels.size();
  const double diag = 0.5 / options.c;
  // Weights of the whole group side by side: w[feature * g_count + g], so one row entry touches one
  // cache line.
  std::vector<float> w(std::size_t(x.n_cols) * g_count, 0.0f);
  std::vector<double> qd(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = rows[i];
    double sq = kBiasFeature * kBiasFeature;
    for (std::uint64_t k = x.row_start[r]; k < x.row_start[r + 1]; ++k)
      sq += double(x.values[k]) * x.values[k];
    qd[i] = diag + sq;
  }

  std::vector<LabelState> state(g_count);
  for (std::size_t g = 0; g < g_count; ++g) {
    LabelState& s = state[g];
    s.label = labels[g];
    s.alpha.assign(n, 0.0);
    if (g < warm.size() && warm[g] && warm[g]->size() == n) s.alpha = *warm[g];
    s.active.assign(n, 1);
    s.n_active = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (s.alpha[i] == 0.0) continue;
      const std::uint32_t r = rows[i];
      const double d = s.alpha[i] * (y[r] == s.label ? 1.0 : -1.0);
      for (std::uint64_t k = x.row_start[r]; k < x.row_start[r + 1]; ++k)
        w[std::size_t(x.cols[k]) * g_count + g] += static_cast<float>(d * x.values[k]);
      s.bias += d * kBiasFeature;
    }
  }

  std::vector<std::uint32_t> order(n);
  // Float accumulators: a row has at most a few thousand terms, and float lets the label loop
  // vectorize.
  std::vector<float> dot(g_count), delta(g_count);
  std::size_t remaining = g_count;
  for (std::uint32_t epoch = 0; epoch < options.max_epochs && remaining > 0; ++epoch) {
    // The visiting order of this pass depends on the seed and the pass number only.
    for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
    SplitMix64 rng(options.seed * 0x9e3779b97f4a7c15ull + epoch);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
    for (LabelState& s : state) {
      s.pg_max = -kInf;
      s.pg_min = kInf;
    }

    for (std::size_t pos = 0; pos < n; ++pos) {
      const std::uint32_t i = order[pos];
      bool any = false;
      for (const LabelState& s : state) any |= !s.done && s.active[i];
      if (!any) continue;
      const std::uint32_t r = rows[i];
      const std::uint64_t begin = x.row_start[r], end = x.row_start[r + 1];
      std::fill(dot.begin(), dot.end(), 0.0f);
      for (std::uint64_t k = begin; k < end; ++k) {
        const float v = x.values[k];
        const float* wr = w.data() + std::size_t(x.cols[k]) * g_count;
        for (std::size_t g = 0; g < g_count; ++g) dot[g] += wr[g] * v;
      }
      bool update = false;
      for (std::size_t g = 0; g < g_count; ++g) {
        delta[g] = 0.0f;
        LabelState& s = state[g];
        if (s.done || !s.active[i]) continue;
        const double yi = y[r] == s.label ? 1.0 : -1.0;
        const double grad = yi * (dot[g] + s.bias * kBiasFeature) - 1.0 + diag * s.alpha[i];
        double pg = 0.0;
        if (s.alpha[i] == 0.0) {
          if (grad > s.pg_max_old) {
            // Shrinking: far on the right side of the margin; skipped until this label's final
            // check.
            s.active[i] = 0;
            --s.n_active;
            continue;
          }
          if (grad < 0.0) pg = grad;
        } else {
          pg = grad;
        }
        s.pg_max = std::max(s.pg_max, pg);
        s.pg_min = std::min(s.pg_min, pg);
        if (std::fabs(pg) > 1e-12) {
          const double old = s.alpha[i];
          s.alpha[i] = std::max(old - grad / qd[i], 0.0);
          const double d = (s.alpha[i] - old) * yi;
          delta[g] = static_cast<float>(d);
          s.bias += d * kBiasFeature;
          update |= d != 0.0;
        }
      }
      if (!update) continue;
      for (std::uint64_t k = begin; k < end; ++k) {
        const float v = x.values[k];
        float* wr = w.data() + std::size_t(x.cols[k]) * g_count;
        for (std::size_t g = 0; g < g_count; ++g) wr[g] += delta[g] * v;
      }
    }

    for (LabelState& s : state) {
      if (s.done) continue;
      ++s.epochs;
      if (s.pg_max - s.pg_min <= options.tolerance) {
        if (s.n_active == n) {
          s.done = true;
          --remaining;
          continue;
        }
        // Converged on the shrunk set: check every example once more.
        std::fill(s.active.begin(), s.active.end(), 1);
        s.n_active = n;
        s.pg_max_old = kInf;
        continue;
      }
      s.pg_max_old = s.pg_max <= 0.0 ? kInf : s.pg_max;
    }
  }

  std::vector<BinaryModel> out(g_count);
  for (std::size_t g = 0; g < g_count; ++g) {
    BinaryModel& m = out[g];
    m.w.resize(x.n_cols);
    for (std::size_t f = 0; f < x.n_cols; ++f) m.w[f] = w[f * g_count + g];
    m.bias = static_cast<float>(state[g].bias * kBiasFeature);
    m.alpha = std::move(state[g].alpha);
    m.epochs = state[g].epochs;
  }
  return out;
}

}  // namespace ticketwise::classify
