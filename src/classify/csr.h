// CsrMatrix: rows of sparse feature vectors in compressed-sparse-row form, the training input of
// linear models. A plain value; not thread-safe to mutate, safe to read from many threads.
#pragma once

#include <cstdint>
#include <vector>

namespace ticketwise::classify {

struct CsrMatrix {
  std::vector<std::uint64_t> row_start{0};  // row r spans [row_start[r], row_start[r + 1])
  std::vector<std::uint32_t> cols;          // compact feature index, < n_cols
  std::vector<float> values;
  std::uint32_t n_cols = 0;

  std::size_t rows() const { return row_start.size() - 1; }
  void AddRow(const std::uint32_t* c, const float* v, std::size_t n) {
    cols.insert(cols.end(), c, c + n);
    values.insert(values.end(), v, v + n);
    row_start.push_back(cols.size());
  }
};

}  // namespace ticketwise::classify
