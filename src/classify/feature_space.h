// FeatureSpace: the vocabulary a model keeps (hashed feature ids seen in at least min_df training tickets), their
// idf weights, and the transform from extracted features to the model's normalized input vector.
//
// Training and prediction both go through Transform, so a ticket is weighted the same way in both. Immutable
// after construction; Transform is const and thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "text/features.h"

namespace ticketwise::classify {

class FeatureSpace {
 public:
  FeatureSpace() = default;
  // REQUIRES: feature_ids ascending and unique, idf the same size. `group_split` is the first id of the
  // character group (2^hash_bits).
  FeatureSpace(std::vector<std::uint32_t> feature_ids, std::vector<float> idf, std::uint32_t group_split);

  // Builds the space from document frequencies: ids present in at least `min_df` of `n_docs` documents, with
  // smooth idf = ln((1 + n_docs) / (1 + df)) + 1.
  static FeatureSpace FromDocumentFrequencies(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& id_df,
                                              std::uint64_t n_docs, std::uint32_t min_df,
                                              std::uint32_t group_split);

  // Row of `feature_id`, or -1 when the space does not hold it.
  std::int64_t Find(std::uint32_t feature_id) const;

  // Maps `x` to rows with tf-idf values, each group (words, characters) L2-normalized to 1/sqrt(2) so that the
  // whole vector has unit length. Unknown features are dropped. Outputs are cleared first.
  void Transform(const text::SparseVector& x, std::vector<std::uint32_t>* rows,
                 std::vector<float>* values) const;

  std::size_t size() const { return ids_.size(); }
  const std::vector<std::uint32_t>& ids() const { return ids_; }
  const std::vector<float>& idf() const { return idf_; }
  std::uint32_t group_split() const { return group_split_; }

 private:
  std::vector<std::uint32_t> ids_;
  std::vector<float> idf_;
  std::uint32_t group_split_ = 0;
  // Open addressing, key and row side by side so a lookup touches one cache line. key = id + 1, 0 = empty.
  struct Slot {
    std::uint32_t key;
    std::uint32_t row;
  };
  std::vector<Slot> slots_;
  std::uint32_t mask_ = 0;
};

}  // namespace ticketwise::classify
