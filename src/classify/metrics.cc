#include "classify/metrics.h"

#include <algorithm>

namespace ticketwise::classify {

double CoverageAtPrecision(const std::vector<EvalItem>& items, double precision) {
  if (items.empty()) return 0.0;
  std::vector<const EvalItem*> sorted;
  sorted.reserve(items.size());
  for (const EvalItem& it : items) sorted.push_back(&it);
  std::stable_sort(sorted.begin(), sorted.end(), [](const EvalItem* a, const EvalItem* b) {
    return a->confidence > b->confidence;
  });
  std::size_t correct = 0, best = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    correct += sorted[k]->truth == std::int64_t(sorted[k]->predicted);
    // A cut inside a run of equal confidences would depend on the input order: cut between runs.
    if (k + 1 < sorted.size() && sorted[k + 1]->confidence == sorted[k]->confidence) continue;
    if (double(correct) >= precision * double(k + 1)) best = k + 1;
  }
  return double(best) / double(items.size());
}

Metrics Evaluate(const std::vector<EvalItem>& items, std::size_t n_labels, double operating_target,
                 std::size_t unknown_labels) {
  Metrics m;
  m.operating_target = operating_target;
  if (items.empty()) return m;
  std::vector<std::uint64_t> tp(n_labels, 0), fp(n_labels, 0), fn(n_labels, 0);
  m.support.assign(n_labels, 0);
  std::size_t correct = 0, kept = 0, kept_correct = 0;
  std::size_t unknown_truth = 0;
  for (const EvalItem& it : items) {
    const bool right = it.truth == std::int64_t(it.predicted);
    correct += right;
    if (!it.abstained) {
      ++kept;
      kept_correct += right;
    }
    if (it.truth < 0) {
      ++unknown_truth;
      ++fp[it.predicted];
      continue;
    }
    ++m.support[it.truth];
    if (right) {
      ++tp[it.predicted];
    } else {
      ++fp[it.predicted];
      ++fn[it.truth];
    }
  }
  m.accuracy = double(correct) / double(items.size());
  m.f1_per_label.assign(n_labels, 0.0);
  double f1_sum = 0.0;
  std::size_t present = 0;
  for (std::size_t c = 0; c < n_labels; ++c) {
    const double denom = 2.0 * tp[c] + fp[c] + fn[c];
    m.f1_per_label[c] = denom > 0 ? 2.0 * tp[c] / denom : 0.0;
    if (m.support[c] > 0) {
      f1_sum += m.f1_per_label[c];
      ++present;
    }
  }
  // Test labels the model never saw count as labels with F1 0, each one.
  if (unknown_truth > 0) present += std::max<std::size_t>(unknown_labels, 1);
  m.macro_f1 = present ? f1_sum / double(present) : 0.0;
  m.coverage_at_90 = CoverageAtPrecision(items, 0.90);
  m.coverage_at_95 = CoverageAtPrecision(items, 0.95);
  m.operating_coverage = double(kept) / double(items.size());
  m.operating_precision = kept ? double(kept_correct) / double(kept) : 0.0;
  return m;
}

}  // namespace ticketwise::classify
