// Classification metrics as defined in the evaluation guide: accuracy, macro-F1 over the labels
// present in the test set, coverage at a precision (the longest most-confident-first prefix that
// keeps it), and the precision and coverage an abstention rule actually delivers. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace ticketwise::classify {

struct EvalItem {
  std::int64_t truth = -1;  // label index; -1 when the true label is unknown to the model
  std::uint32_t predicted = 0;
  float confidence = 0.0f;
  bool abstained = false;
};

struct Metrics {
  double accuracy = 0.0;
  double macro_f1 = 0.0;
  double coverage_at_90 = 0.0;
  double coverage_at_95 = 0.0;
  // The model's own abstention thresholds at the target precision, as measured here.
  double operating_target = 0.0;
  double operating_precision = 0.0;  // accuracy on the tickets it did not abstain on
  double operating_coverage = 0.0;   // share of tickets it did not abstain on
  std::vector<double>
      f1_per_label;  // by label index; NaN-free, 0 for labels absent from the test set
  std::vector<std::uint64_t> support;
};

// Longest prefix, most confident first, whose accuracy is at least `precision`, as a share of all
// items.
double CoverageAtPrecision(const std::vector<EvalItem>& items, double precision);

// `unknown_labels`: how many distinct test labels the model does not know (items with truth -1).
Metrics Evaluate(const std::vector<EvalItem>& items, std::size_t n_labels, double operating_target,
                 std::size_t unknown_labels = 0);

}  // namespace ticketwise::classify
