// Linear SVMs (L2-regularized, squared hinge loss) trained by dual coordinate descent with
// shrinking, the method of LIBLINEAR (Hsieh et al., ICML 2008), one binary problem per label
// (one-vs-rest).
//
// A group of labels is trained in one pass over the data: each ticket's feature row is read once
// per pass and serves every label of the group, which matters because reading rows dominates the
// cost. Each label keeps its own dual variables, shrinking state and stopping test, and the
// visiting order of pass k depends only on the seed and k, so a label's model does not depend on
// which other labels share its group: the result is the same for any grouping and any number of
// threads.
#pragma once

#include <cstdint>
#include <vector>

#include "classify/csr.h"

namespace ticketwise::classify {

struct SvmOptions {
  double c = 0.5;          // inverse regularization strength
  double tolerance = 0.1;  // stop when the projected-gradient gap falls below this
  std::uint32_t max_epochs = 40;
  std::uint64_t seed = 1;
};

struct BinaryModel {
  std::vector<float> w;  // x.n_cols weights
  float bias = 0.0f;
  std::vector<double> alpha;  // dual variables parallel to the rows trained on, for warm starts
  std::uint32_t epochs = 0;
};

// Trains one binary model per entry of `labels` on the rows `rows` of `x`: for label l, row rows[i]
// is positive when y[rows[i]] == l. `warm`, when given, holds for each entry of `labels` either
// starting dual variables parallel to `rows` or an empty vector.
std::vector<BinaryModel> TrainSvmGroup(const CsrMatrix& x, const std::vector<std::uint32_t>& rows,
                                       const std::vector<std::uint32_t>& y,
                                       const std::vector<std::uint32_t>& labels,
                                       const SvmOptions& options,
                                       const std::vector<const std::vector<double>*>& warm);

}  // namespace ticketwise::classify
