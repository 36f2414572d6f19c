// Binary linear SVM (L2-regularized, squared hinge loss) trained by dual coordinate descent with shrinking, the
// method of LIBLINEAR (Hsieh et al., ICML 2008). One call trains one binary problem; the one-vs-rest trainer runs
// one call per class on its own thread. Deterministic: the visiting order comes from `seed` alone.
#pragma once

#include <cstdint>
#include <vector>

#include "classify/csr.h"

namespace ticketwise::classify {

struct SvmOptions {
  double c = 0.5;            // inverse regularization strength
  double positive_weight = 1.0;  // C multiplier for positive examples (class balance)
  double tolerance = 0.1;    // stop when the projected-gradient gap falls below this
  std::uint32_t max_epochs = 40;
  std::uint64_t seed = 1;
};

struct BinaryProblem {
  const CsrMatrix* x = nullptr;
  const std::vector<std::uint32_t>* rows = nullptr;  // which rows of x take part
  std::vector<std::int8_t> y;                         // +1 / -1, parallel to *rows
};

struct BinaryModel {
  std::vector<float> w;  // x->n_cols weights
  float bias = 0.0f;
  std::vector<double> alpha;  // dual variables parallel to *rows, for warm starts
  std::uint32_t epochs = 0;
};

// Trains on `problem`. When `warm` is given and sized like problem.rows, its dual variables start the descent.
BinaryModel TrainBinarySvm(const BinaryProblem& problem, const SvmOptions& options,
                           const std::vector<double>* warm = nullptr);

}  // namespace ticketwise::classify
